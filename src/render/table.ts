import Table from "cli-table3";
import type { IOStreams } from "../io.js";
import { terminalText } from "./terminal-text.js";

/** An aligned, borderless table in gh's style: bold header, columns separated by two spaces. */
export function renderTable(io: IOStreams, head: string[], rows: string[][]): string {
  const table = new Table({
    head: head.map((name) => io.style.bold(name.toUpperCase())),
    chars: {
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
    },
    style: { head: [], border: [], "padding-left": 0, "padding-right": 0 },
  });
  for (const row of rows) table.push(row);
  // cli-table3 pads the last column too; trailing blanks only get in the way of copy and paste.
  return `${table
    .toString()
    .split("\n")
    .map((line) => line.trimEnd())
    .join("\n")}\n`;
}

/** A record as aligned `key  value` lines, for `fetch` on a terminal. */
export function renderKeyValue(io: IOStreams, entries: [string, string][]): string {
  const width = Math.max(...entries.map(([key]) => key.length));
  return `${entries.map(([key, value]) => `${io.style.bold(key.padEnd(width))}  ${terminalText(value)}`.trimEnd()).join("\n")}\n`;
}
