import { readFileSync } from "node:fs";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";

/**
 * The published JSON Schemas of the `--json` report and the `--export` lines (docs/), checked against
 * everything the test suite makes proxy-ix print or write (test/helpers/cli.ts runs each check).
 */
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv,
) => Ajv;
const ajv = addFormats(new Ajv({ allErrors: true, strict: false }));

function load(name: string): ValidateFunction {
  return ajv.compile(JSON.parse(readFileSync(new URL(`../../docs/${name}`, import.meta.url), "utf8")));
}

const report = load("report.schema.json");
const exportLine = load("export.schema.json");

/** The commands whose `--json` output is a report (the others print listings; `orphans` only with --delete). */
export const REPORT_COMMANDS = new Set(["purge", "delete", "erase", "report", "verify", "orphans"]);

function problems(validate: ValidateFunction): string {
  return (validate.errors ?? []).map((error) => `${error.instancePath || "/"} ${error.message}`).join("; ");
}

/** null when the report is valid, else what is wrong. */
export function reportProblems(value: unknown): string | null {
  return report(value) ? null : problems(report);
}

/** null when every line is a valid export line, else what is wrong with the first bad one. */
export function exportProblems(text: string): string | null {
  for (const [index, line] of text.split("\n").entries()) {
    if (line.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return `line ${index + 1} is not JSON`;
    }
    if (!exportLine(value)) return `line ${index + 1}: ${problems(exportLine)}`;
  }
  return null;
}
