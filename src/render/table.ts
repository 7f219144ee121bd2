import stringWidth from "string-width";
import type { IOStreams } from "../io.js";
import { terminalText } from "./terminal-text.js";

/** Rows kept per stored chunk and written per write. */
const ROWS_PER_CHUNK = 1_000;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * An aligned, borderless table in gh's style: bold header, columns separated by two spaces, no
 * trailing blanks. Laid out in linear time: the column widths grow as rows are added, and `write` pads
 * each row once, a chunk at a time, waiting for the terminal to drain.
 *
 * Hand-written rather than cli-table3, measured (docs/performance.md): cli-table3's layout compares
 * every cell with the rows before it (100k rows took minutes), and even fed a few hundred rows at a time
 * with fixed widths it costs about 150 µs a row (its string-width 4 runs an emoji regex per cell), so a
 * 100k-row table took 3.5× the piped time; this layout takes 1.2×.
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

  /** The whole table as one string, for small tables. */
  toString(io: IOStreams): string {
    let text = "";
    for (const part of this.parts(io)) text += part;
    return text;
  }

  async write(io: IOStreams): Promise<void> {
    for (const part of this.parts(io)) await io.out(part);
  }

  private *parts(io: IOStreams): Generator<string> {
    if (this.pending.length > 0) this.chunks.push(this.pending.join("\n"));
    this.pending = [];
    const header = this.line(
      this.head.map((name) => name.toUpperCase()),
      io.style.bold,
    );
    let first = true;
    for (const chunk of this.chunks.splice(0)) {
      const body = chunk.split("\n").map((row) => this.line(row.split("\t")));
      yield `${first ? `${header}\n` : ""}${body.join("\n")}\n`;
      first = false;
    }
    if (first) yield `${header}\n`;
  }

  private line(cells: string[], style: (text: string) => string = (text) => text): string {
    const last = cells.length - 1;
    return cells
      .map((value, column) => style(column === last ? value : pad(value, this.widths[column] ?? 0)))
      .join("  ")
      .trimEnd();
  }
}

/** A small table (a report's summary) at once: cells are made terminal-safe here. */
export function renderTable(io: IOStreams, head: string[], rows: string[][]): string {
  const layout = new TableLayout(head);
  for (const row of rows) layout.add(row);
  return layout.toString(io);
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
