import type { IOStreams } from "../io.js";
import type { Column } from "./columns.js";
import type { TableLayout } from "./table.js";
import { jsonText, terminalText } from "./terminal-text.js";

export type OutputFormat = "table" | "tsv" | "json" | "ndjson";

/** Streams records to stdout in one of the output formats (docs/output.md). Render never fetches. */
export interface RecordWriter<T> {
  write(record: T): Promise<void>;
  /** Finishes the output; returns how many records were written. */
  end(): Promise<number>;
}

export interface WriterOptions<T> {
  format: OutputFormat;
  columns: Column<T>[];
  /** What to say on stderr (terminal only) when a table has no rows, e.g. "no interactions match". */
  emptyMessage: string;
}

export function createWriter<T>(io: IOStreams, options: WriterOptions<T>): RecordWriter<T> {
  switch (options.format) {
    case "json":
      return jsonArrayWriter(io);
    case "ndjson":
      return ndjsonWriter(io);
    case "tsv":
      return tsvWriter(io, options.columns);
    case "table":
      return tableWriter(io, options);
  }
}

/** A JSON array written item by item, so memory stays flat; `[]` when empty. */
function jsonArrayWriter<T>(io: IOStreams): RecordWriter<T> {
  let count = 0;
  return {
    async write(record) {
      await io.out(`${count === 0 ? "[\n" : ",\n"}${jsonText(record)}`);
      count++;
    },
    async end() {
      await io.out(count === 0 ? "[]\n" : "\n]\n");
      return count;
    },
  };
}

function ndjsonWriter<T>(io: IOStreams): RecordWriter<T> {
  let count = 0;
  return {
    async write(record) {
      await io.out(`${jsonText(record)}\n`);
      count++;
    },
    async end() {
      return count;
    },
  };
}

/** Piped output: one tab-separated line per record, no header, so `| wc -l` counts records (as gh does). */
function tsvWriter<T>(io: IOStreams, columns: Column<T>[]): RecordWriter<T> {
  let count = 0;
  return {
    async write(record) {
      await io.out(`${cellsOf(columns, record).join("\t")}\n`);
      count++;
    },
    async end() {
      return count;
    },
  };
}

/** On a terminal: an aligned table, which needs every row before it can size the columns. */
function tableWriter<T>(io: IOStreams, options: WriterOptions<T>): RecordWriter<T> {
  let table: TableLayout | undefined;
  return {
    async write(record) {
      if (!table) {
        const { TableLayout } = await import("./table.js");
        table = new TableLayout(options.columns.map((column) => column.name));
      }
      table.add(options.columns.map((column) => column.value(record)));
    },
    async end() {
      if (!table) {
        io.err(options.emptyMessage);
        return 0;
      }
      await table.write(io);
      return table.rows;
    },
  };
}

/**
 * A record's cells as they may be shown: every column's text (computed ones such as `inbound` too)
 * with control characters made visible, so a tab or newline never adds a column or a row and no
 * escape sequence reaches the terminal.
 */
function cellsOf<T>(columns: Column<T>[], record: T): string[] {
  return columns.map((column) => terminalText(column.value(record)));
}

/** One JSON document on stdout (a report, one API object), escaped as `--json` lists are. */
export function writeJson(io: IOStreams, value: unknown, space?: number): Promise<void> {
  return io.out(`${jsonText(value, space)}\n`);
}

/**
 * One record as `key value` lines (`fetch`): aligned on a terminal, `key<TAB>value` when piped.
 * Values are cells already (columns.ts `cell`): control characters made visible.
 */
export async function writeKeyValue(io: IOStreams, entries: [string, string][]): Promise<void> {
  if (io.isStdoutTTY) {
    const { renderKeyValue } = await import("./table.js");
    return io.out(renderKeyValue(io, entries));
  }
  return io.out(`${entries.map(([key, value]) => `${key}\t${value}`).join("\n")}\n`);
}
