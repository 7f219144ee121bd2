import { type Command, Option } from "commander";
import { UsageError } from "../errors.js";
import type { IOStreams } from "../io.js";
import type { Column } from "../render/columns.js";
import type { OutputFormat } from "../render/writers.js";

/** `--json`, `--ndjson` and `--columns`, shared by the commands that print records. */
export function addOutputOptions(command: Command, columnsHelp: string): Command {
  return command
    .addOption(new Option("--json", "print a JSON array of the API objects").conflicts("ndjson"))
    .addOption(new Option("--ndjson", "print one API object per line, streamed"))
    .addOption(new Option("--columns <list>", columnsHelp));
}

export interface RawOutput {
  json?: boolean;
  ndjson?: boolean;
  columns?: string;
}

export function outputFormat(raw: RawOutput, io: IOStreams): OutputFormat {
  if (raw.json) return "json";
  if (raw.ndjson) return "ndjson";
  return io.isStdoutTTY ? "table" : "tsv";
}

/** Checks `--columns` against the columns the record has; the default set when not given. */
export function chooseColumns<T>(
  raw: RawOutput,
  available: Record<string, Column<T>>,
  defaults: readonly string[],
): Column<T>[] {
  if (raw.columns !== undefined && (raw.json || raw.ndjson)) {
    throw new UsageError("--columns applies to table and tab-separated output, not to --json or --ndjson");
  }
  const names =
    raw.columns === undefined
      ? defaults
      : raw.columns
          .split(",")
          .map((name) => name.trim())
          .filter(Boolean);
  const unknown = names.filter((name) => !Object.hasOwn(available, name));
  if (names.length === 0 || unknown.length > 0) {
    throw new UsageError(
      `--columns: unknown column '${unknown.join(",") || raw.columns}'; choose from ${Object.keys(available).join(", ")}`,
    );
  }
  return names.map((name) => available[name] as Column<T>);
}
