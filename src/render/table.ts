import stringWidth from "string-width";
import type { IOStreams } from "../io.js";
import { terminalText } from "./terminal-text.js";

/** Rows kept per stored chunk and written per write. */
const ROWS_PER_CHUNK = 1_000;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * An aligned, borderless table in gh's style: bold header, columns separated by two spaces, no
 * trailing blanks. Laid out in linear time, where cli-table3's layout compared every cell with the rows
 * before it (100k rows took minutes): the column widths grow as rows are added, and `write` pads each
 * row once, a chunk at a time, waiting for the terminal to drain.
 *
 * Rows are kept as a few large strings (a chunk of tab-joined rows; cells are made inert first, so they
 * hold no tab or newline), not as an array per row: a long listing runs a full GC every page
 * (src/api/memory.ts), and 100k rows of small strings made those collections the slowest part.
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
    const header = this.line(
      this.head.map((name) => name.toUpperCase()),
      io.style.bold,
    );
    let first = true;
    for (const chunk of this.chunks.splice(0)) {
      const body = chunk.split("\n").map((row) => this.line(row.split("\t")));
      await io.out(`${first ? `${header}\n` : ""}${body.join("\n")}\n`);
      first = false;
    }
    if (first) await io.out(`${header}\n`);
  }

  private line(cells: string[], style: (text: string) => string = (text) => text): string {
    const last = cells.length - 1;
    return cells
      .map((value, column) => style(column === last ? value : pad(value, this.widths[column] ?? 0)))
      .join("  ")
      .trimEnd();
  }
}

/** A record as aligned `key  value` lines, for `fetch` on a terminal. */
export function renderKeyValue(io: IOStreams, entries: [string, string][]): string {
  const width = Math.max(...entries.map(([key]) => key.length));
  return `${entries.map(([key, value]) => `${io.style.bold(key.padEnd(width))}  ${terminalText(value)}`.trimEnd()).join("\n")}\n`;
}

/** Columns a cell takes on a terminal (wide East Asian characters count two); plain ASCII is its length. */
function displayWidth(text: string): number {
  return PRINTABLE_ASCII.test(text) ? text.length : stringWidth(text);
}

function pad(text: string, width: number): string {
  return `${text}${" ".repeat(Math.max(0, width - displayWidth(text)))}`;
}
