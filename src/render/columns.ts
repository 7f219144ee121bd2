import { terminalText } from "./terminal-text.js";

/** A column of table/TSV output: a name and how to turn a record into a cell. */
export interface Column<T> {
  name: string;
  value(record: T): string;
}

export function fieldColumn<T>(name: keyof T & string): Column<T> {
  return { name, value: (record) => cell(record[name]) };
}

/**
 * A cell as text: null and missing are empty, objects are compact JSON; control characters (tabs and
 * newlines included) are shown as escapes, so a record stays one line and server text stays inert.
 */
export function cell(value: unknown): string {
  if (value === null || value === undefined) return "";
  return terminalText(typeof value === "object" ? JSON.stringify(value) : String(value));
}
