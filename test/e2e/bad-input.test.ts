import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { lines, runCli } from "../helpers/cli.js";
import { type Emulator, emulator, envFor, stateOf } from "../helpers/emulator.js";

/**
 * Every row of the "Bad input" table in docs/exit-codes.md, run as written: a one-line error naming
 * the problem, exit 2, and zero requests on the emulator's counter. The table is the test's data, so
 * the documentation cannot drift from the behaviour.
 */
interface Row {
  input: string;
  env: Record<string, string | undefined>;
  args: string[];
  says: string;
}

function rowsOfDoc(): Row[] {
  const doc = readFileSync(fileURLToPath(new URL("../../docs/exit-codes.md", import.meta.url)), "utf8");
  const section = doc.slice(doc.indexOf("## Bad input"));
  const rows: Row[] = [];
  for (const line of section.split("\n")) {
    const cells = line.split(/(?<!\\)\|/).map((cell) => cell.trim());
    const example = /^`(.*)`$/.exec(cells[2] ?? "")?.[1];
    const says = /^`(.*)`$/.exec(cells[3] ?? "")?.[1];
    if (!example || !says || !example.includes("proxy-ix")) continue;
    // `""` is an empty argument, as a shell reads it.
    const words = example.split(/\s+/).map((word) => (word === '""' ? "" : word));
    const env: Record<string, string | undefined> = {};
    while (words[0] && /^[A-Z_]+=/.test(words[0])) {
      const [key, ...value] = (words.shift() as string).split("=");
      env[key as string] = value.join("=") || undefined;
    }
    expect(words.shift()).toBe("proxy-ix");
    rows.push({ input: cells[1] ?? "", env, args: words, says });
  }
  return rows;
}

const rows = rowsOfDoc();
let emu: Emulator;

beforeAll(async () => {
  emu = await emulator();
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

describe("bad input (docs/exit-codes.md)", () => {
  it("the table has rows", () => {
    expect(rows.length).toBeGreaterThanOrEqual(30);
  });

  it.each(rows)("$input: exit 2, one line, nothing sent", async ({ env, args, says }) => {
    const result = await runCli(args, { env: { ...envFor(emu), ...env }, input: "y\n" });
    expect(result.stdout).toBe("");
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(/^proxy-ix: /);
    expect(result.stderr).toContain(says);
    expect(result.code).toBe(2);
    expect((await stateOf(emu)).requests.total).toBe(0);
    // A long value the row puts in the environment may be a secret in the wrong variable: never echoed.
    for (const value of Object.values(env))
      if (value && value.length >= 20) expect(result.stderr).not.toContain(value);
  });
});
