/** A column of table/TSV output: a name and how to turn a record into a cell. */
export interface Column<T> {
  name: string;
  value(record: T): string;
}

export function fieldColumn<T>(name: keyof T & string): Column<T> {
  return { name, value: (record) => cell(record[name]) };
}

/** A cell as text: null and missing are empty, objects are compact JSON; tabs and newlines become spaces. */
export function cell(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = typeof value === "object" ? JSON.stringify(value) : String(value);
  return text.replace(/[\t\r\n]+/g, " ");
}
