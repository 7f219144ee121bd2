import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { lines, runCli } from "../helpers/cli.js";
import { STUB_ACCOUNT, STUB_SERVICE, type StubTwilio, sidOf, stubTwilio } from "../helpers/stub-twilio.js";

/**
 * Issue 10, items 12 and 13: server text is untrusted. Hostile Twilio fields (window title, clear
 * screen, OSC 52 clipboard write, one-byte CSI, bidi override, tab and newline) reach a person only
 * with their control characters made visible, in the table, TSV, `fetch`, the summary and error lines;
 * a TSV record is always one line with one tab between cells; `--json`/`--ndjson` stay exact.
 */
const HOSTILE = "A\x1b]0;pwned\x07B\x1b[2J\x1b]52;c;ZXZpbA==\x07C\x9b31mD\tE\nF\r\u202eG";
const VISIBLE = "A\\x1b]0;pwned\\x07B\\x1b[2J\\x1b]52;c;ZXZpbA==\\x07C\\x9b31mD\\tE\\nF\\r\\u202eG";
/** Any control character but the newline that ends a line (and, for TSV, the tab between cells). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for raw control characters is the point.
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: as above.
const RAW_CONTROL_OR_TAB = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/;

const KC = sidOf("KC", 1);
let stub: StubTwilio;

beforeEach(async () => {
  stub = await stubTwilio(1, 3);
  const [first] = stub.interactions.get(KC) ?? [];
  if (!first) throw new Error("no interaction");
  Object.assign(first, {
    type: HOSTILE,
    data: HOSTILE,
    inbound_resource_type: HOSTILE,
    inbound_resource_status: HOSTILE,
    outbound_resource_status: "deliv\tered\nfake-row",
  });
});
afterEach(() => stub.close());

const COLUMNS = "sid,type,inbound,outbound,data,inbound_resource_status";

describe("terminal safety: hostile server text (issue 10, item 12)", () => {
  it("a terminal table shows every control character as an escape", async () => {
    const result = await runCli(["list", "--session", KC, "--columns", COLUMNS], {
      env: stub.env(),
      tty: true,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(RAW_CONTROL_OR_TAB);
    expect(result.stdout).toContain(VISIBLE);
    expect(result.stdout).toContain("deliv\\tered\\nfake-row");
    // A header and three rows: the newline in a cell made no row of its own.
    expect(lines(result.stdout)).toHaveLength(4);
  });

  it("--json and --ndjson stay exact", async () => {
    const json = await runCli(["list", "--session", KC, "--json"], { env: stub.env(), tty: true });
    const ndjson = await runCli(["list", "--session", KC, "--ndjson"], { env: stub.env() });
    expect(json.stdout).not.toMatch(RAW_CONTROL_OR_TAB);
    const data = (JSON.parse(json.stdout) as { data: string }[]).map((i) => i.data);
    expect(data).toContain(HOSTILE);
    expect(lines(ndjson.stdout).map((line) => (JSON.parse(line) as { data: string }).data)).toContain(
      HOSTILE,
    );
    expect(ndjson.stdout).not.toMatch(RAW_CONTROL_OR_TAB);
    const fetched = await runCli(["fetch", sidOf("KI", 3), "--session", KC, "--json"], { env: stub.env() });
    expect(fetched.stdout).not.toMatch(RAW_CONTROL_OR_TAB);
    expect((JSON.parse(fetched.stdout) as { data: string }).data).toBe(HOSTILE);
    stub.script({
      method: "DELETE",
      path: /\/Interactions\//,
      answer: { status: 500, body: { code: 20500, message: HOSTILE, more_info: null, status: 500 } },
    });
    const report = await runCli(["purge", "--session", KC, "--yes", "--json"], { env: stub.env() });
    expect(report.stdout).not.toMatch(RAW_CONTROL_OR_TAB);
    const failures = (JSON.parse(report.stdout) as { failures: { message: string }[] }).failures;
    expect(failures.map((failure) => failure.message)).toContain(HOSTILE);
  });

  it("fetch shows hostile fields escaped, on a terminal and piped", async () => {
    for (const tty of [true, false]) {
      const benign = await runCli(["fetch", sidOf("KI", 2), "--session", KC], { env: stub.env(), tty });
      const result = await runCli(["fetch", sidOf("KI", 3), "--session", KC], { env: stub.env(), tty });
      expect(result.code).toBe(0);
      expect(result.stdout).not.toMatch(RAW_CONTROL);
      expect(result.stdout).toContain(VISIBLE);
      // One line per field, as for a harmless Interaction: a newline in a value made no line of its own.
      expect(lines(result.stdout)).toHaveLength(lines(benign.stdout).length);
    }
  });

  it("sessions: a hostile unique_name and closed_reason are escaped", async () => {
    stub.script({
      method: "GET",
      path: /\/Sessions$/,
      answer: {
        status: 200,
        body: {
          sessions: [
            {
              sid: KC,
              service_sid: STUB_SERVICE,
              account_sid: STUB_ACCOUNT,
              unique_name: HOSTILE,
              closed_reason: HOSTILE,
              status: "closed",
              date_created: "2025-01-01T00:00:00Z",
            },
          ],
          meta: { key: "sessions", next_page_url: null, page: 0, page_size: 50 },
        },
      },
    });
    for (const tty of [true, false]) {
      const result = await runCli(["sessions", "--columns", "sid,unique_name,closed_reason"], {
        env: stub.env(),
        tty,
      });
      expect(result.code).toBe(0);
      expect(result.stdout).not.toMatch(
        RAW_CONTROL_OR_TAB.source.length && tty ? RAW_CONTROL_OR_TAB : RAW_CONTROL,
      );
      expect(result.stdout).toContain(VISIBLE);
      expect(lines(result.stdout)).toHaveLength(tty ? 2 : 1);
    }
  });

  it("a Twilio error message is escaped in the error line", async () => {
    stub.script({
      method: "GET",
      path: /\/Interactions$/,
      answer: {
        status: 400,
        body: { code: 20001, message: HOSTILE, more_info: `https://x/${HOSTILE}`, status: 400 },
      },
    });
    const result = await runCli(["list", "--session", KC], { env: stub.env() });
    expect(result.code).toBe(1);
    expect(result.stderr).not.toMatch(RAW_CONTROL_OR_TAB);
    expect(result.stderr).toContain("\\x1b]0;pwned\\x07");
    expect(lines(result.stderr)).toHaveLength(1);
  });

  it("--verbose: the request log and the stack trace are escaped too", async () => {
    stub.script({
      method: "GET",
      path: /\/Interactions$/,
      answer: { status: 400, body: { code: 20001, message: HOSTILE, more_info: null, status: 400 } },
    });
    const result = await runCli(["list", "--session", KC, "--verbose"], { env: stub.env() });
    expect(result.code).toBe(1);
    expect(result.stderr).not.toMatch(RAW_CONTROL_OR_TAB);
    expect(result.stderr).toContain("\\x1b]0;pwned\\x07");
    expect(lines(result.stderr).length).toBeGreaterThan(2);
  });

  it("the purge summary escapes hostile failure messages and resource SIDs", async () => {
    const [first] = stub.interactions.get(KC) ?? [];
    if (!first) throw new Error("no interaction");
    first.inbound_resource_sid = `XX\x1b[2J${"0".repeat(28)}`;
    stub.script({
      method: "DELETE",
      path: new RegExp(`/Interactions/${sidOf("KI", 2)}$`),
      answer: { status: 500, body: { code: 20500, message: HOSTILE, more_info: null, status: 500 } },
    });
    const result = await runCli(["purge", "--session", KC, "--include-resources", "--yes"], {
      env: stub.env(),
      tty: true,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).not.toMatch(RAW_CONTROL_OR_TAB);
    expect(result.stderr).toContain("XX\\x1b[2J");
    expect(result.stderr).toContain("\\x1b]0;pwned\\x07");
  });

  it("a dry run's plan is escaped on a terminal and piped", async () => {
    for (const tty of [true, false]) {
      const result = await runCli(["purge", "--session", KC, "--dry-run"], { env: stub.env(), tty });
      expect(result.code).toBe(0);
      expect(result.stdout).not.toMatch(RAW_CONTROL);
      expect(result.stdout).toContain("\\x1b]0;pwned\\x07");
      expect(lines(result.stdout)).toHaveLength(tty ? 4 : 3);
    }
  });
});

describe("TSV: one record, one line (issue 10, item 13)", () => {
  it("a tab or newline in any cell, default columns included, never adds a row or a column", async () => {
    for (const columns of [[], ["--columns", COLUMNS]]) {
      const result = await runCli(["list", "--session", KC, ...columns], { env: stub.env() });
      expect(result.code).toBe(0);
      const rows = result.stdout.split("\n").slice(0, -1);
      expect(rows).toHaveLength(3);
      const width = columns.length === 0 ? 5 : COLUMNS.split(",").length;
      for (const row of rows) expect(row.split("\t")).toHaveLength(width);
      expect(result.stdout).toContain("deliv\\tered\\nfake-row");
      expect(result.stdout).not.toMatch(RAW_CONTROL);
    }
  });
});
