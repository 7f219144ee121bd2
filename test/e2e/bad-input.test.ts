import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { lines, runCli } from "../helpers/cli.js";
import { type Emulator, emulator, envFor, stateOf } from "../helpers/emulator.js";
import { STUB_ACCOUNT, STUB_SERVICE, type StubTwilio, sidOf, stubTwilio } from "../helpers/stub-twilio.js";

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

/** The rows of the table under the heading that starts with `heading`; `says` is its last column. */
function rowsOfDoc(heading: string): (Row & { cells: string[] })[] {
  const doc = readFileSync(fileURLToPath(new URL("../../docs/exit-codes.md", import.meta.url)), "utf8");
  const start = doc.indexOf(heading);
  const end = doc.indexOf("\n## ", start + 1);
  const section = doc.slice(start, end < 0 ? undefined : end);
  const rows: (Row & { cells: string[] })[] = [];
  for (const line of section.split("\n")) {
    const cells = line
      .split(/(?<!\\)\|/)
      .map((cell) => cell.trim())
      .slice(1, -1);
    const example = /^`(.*)`$/.exec(cells[1] ?? "")?.[1];
    const says = /^`(.*)`$/.exec(cells[cells.length - 1] ?? "")?.[1];
    if (!example || !says || !example.includes("proxy-ix")) continue;
    // `""` is an empty argument, as a shell reads it.
    const words = example.split(/\s+/).map((word) => (word === '""' ? "" : word));
    const env: Record<string, string | undefined> = {};
    while (words[0] && /^[A-Z_]+=/.test(words[0])) {
      const [key, ...value] = (words.shift() as string).split("=");
      env[key as string] = value.join("=") || undefined;
    }
    expect(words.shift()).toBe("proxy-ix");
    rows.push({ input: cells[0] ?? "", env, args: words, says, cells });
  }
  return rows;
}

const rows = rowsOfDoc("## Bad input");
const readingRows = rowsOfDoc("## Usage errors found by reading");
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

describe("usage errors found by reading (docs/exit-codes.md)", () => {
  let stub: StubTwilio;
  beforeAll(async () => {
    stub = await stubTwilio(1, 3);
  });
  afterAll(() => stub.close());

  it("the table has rows", () => {
    expect(readingRows.length).toBeGreaterThanOrEqual(3);
  });

  it.each(readingRows)(
    "$input: exit 2, one line, only the documented GETs",
    async ({ env, args, says, cells }) => {
      stub.requests.length = 0;
      stub.script({
        method: "GET",
        path: /^\/v1\/Services$/,
        times: 1,
        answer: {
          status: 200,
          body: {
            services: [STUB_SERVICE, `KS${"d".repeat(32)}`].map((sid) => ({
              sid,
              account_sid: STUB_ACCOUNT,
            })),
            meta: { key: "services", next_page_url: null, page: 0, page_size: 50 },
          },
        },
      });
      const result = await runCli(args, { env: { ...stub.env(), ...env }, input: "n\n" });
      expect(result.stdout).toBe("");
      expect(lines(result.stderr)).toHaveLength(1);
      expect(result.stderr).toContain(says);
      expect(result.code).toBe(2);
      const sent = (cells[2] ?? "").split(",").map((request) => request.replace(/`/g, "").trim());
      expect(stub.requests.map((request) => `${request.method} ${request.path.split("?")[0]}`)).toEqual(sent);
      expect(stub.interactions.get(sidOf("KC", 1))).toHaveLength(3);
    },
  );
});
