import Table from "cli-table3";
import stringWidth from "string-width";
import type { IOStreams } from "../io.js";
import { terminalText } from "./terminal-text.js";

/** Rows kept per stored chunk and written per write. */
const ROWS_PER_CHUNK = 1_000;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** Rows laid out by one cli-table3 table: its layout compares each cell with the rows above it. */
const ROWS_PER_TABLE = 200;

/**
 * An aligned, borderless table in gh's style: bold header, columns separated by two spaces, no
 * trailing blanks. cli-table3 lays it out, but in linear time: its layout compares every cell with the
 * rows before it (100k rows took minutes), so the column widths are measured here as rows are added, and
 * `write` has cli-table3 lay out a few hundred rows at a time with those fixed widths, waiting for the
 * terminal to drain between chunks.
 *
 * Rows are kept as a few large strings (a chunk of tab-joined rows; cells are made inert first, so they
 * hold no tab or newline), not as an array per row: 100k rows of small strings cost the garbage
 * collector more than the layout.
 */
export class TableLayout {
  private readonly widths: number[];
  private readonly chunks: string[] = [];
  private pending: string[] = [];
  private count = 0;

  constructor(private readonly head: string[]) {
    this.widths = head.map((name) => name.length);
  }

  get rows(): number {
    return this.count;
  }

  add(row: string[]): void {
    const cells = row.map((value) => terminalText(value));
    cells.forEach((value, column) => {
      this.widths[column] = Math.max(this.widths[column] ?? 0, displayWidth(value));
    });
    this.pending.push(cells.join("\t"));
    this.count++;
    if (this.pending.length >= ROWS_PER_CHUNK) {
      this.chunks.push(this.pending.join("\n"));
      this.pending = [];
    }
  }

  async write(io: IOStreams): Promise<void> {
    if (this.pending.length > 0) this.chunks.push(this.pending.join("\n"));
    this.pending = [];
    let head: string[] | null = this.head;
    for (const chunk of this.chunks.splice(0)) {
      const rows = chunk.split("\n").map((row) => row.split("\t"));
      for (let at = 0; at < rows.length; at += ROWS_PER_TABLE) {
        await io.out(renderTable(io, head, rows.slice(at, at + ROWS_PER_TABLE), this.widths));
        head = null;
      }
    }
    if (head) await io.out(renderTable(io, head, [], this.widths));
  }
}

/**
 * cli-table3 without borders: two spaces between columns, a bold upper-case header (none when `head`
 * is null), trailing blanks trimmed. `widths` fixes the columns (the caller measured every row);
 * without it cli-table3 measures these rows. Cells must already be terminal-safe.
 */
export function renderTable(
  io: IOStreams,
  head: string[] | null,
  rows: string[][],
  widths?: number[],
): string {
  const table = new Table({
    head: head ? head.map((name) => io.style.bold(name.toUpperCase())) : [],
    chars: NO_BORDERS,
    style: { head: [], border: [], "padding-left": 0, "padding-right": 0 },
    wordWrap: false,
    ...(widths ? { colWidths: widths } : {}),
  });
  table.push(...rows);
  const text = table.toString();
  if (text === "") return "";
  return `${text
    .split("\n")
    .map((line) => line.trimEnd())
    .join("\n")}\n`;
}

const NO_BORDERS = {
  top: "",
  "top-mid": "",
  "top-left": "",
  "top-right": "",
  bottom: "",
  "bottom-mid": "",
  "bottom-left": "",
  "bottom-right": "",
  left: "",
  "left-mid": "",
  mid: "",
  "mid-mid": "",
  right: "",
  "right-mid": "",
  middle: "  ",
};

/** A record as aligned `key  value` lines, for `fetch` on a terminal. */
export function renderKeyValue(io: IOStreams, entries: [string, string][]): string {
  const width = Math.max(...entries.map(([key]) => key.length));
  return `${entries.map(([key, value]) => `${io.style.bold(key.padEnd(width))}  ${terminalText(value)}`.trimEnd()).join("\n")}\n`;
}

/** Columns a cell takes on a terminal (wide East Asian characters count two); plain ASCII is its length. */
function displayWidth(text: string): number {
  return PRINTABLE_ASCII.test(text) ? text.length : stringWidth(text);
}
