import stringWidth from "string-width";
import { afterEach, describe, expect, it } from "vitest";
import { lines, runCli } from "../helpers/cli.js";
import { STUB_ACCOUNT, STUB_SERVICE, type StubTwilio, sidOf, stubTwilio } from "../helpers/stub-twilio.js";

/**
 * Issue 10, item 17: the terminal table is laid out in linear time, in chunks; this checks the layout
 * (speed is measured by hand / `npm run bench`, never asserted): every column starts at the same
 * display column on every line, across chunks and with wide characters.
 */
let stub: StubTwilio | undefined;
afterEach(() => stub?.close());

/** The display column at which each cell of a line starts, given the cells' texts in order. */
function starts(line: string, cells: string[]): number[] {
  const result: number[] = [];
  let from = 0;
  for (const cell of cells) {
    const at = line.indexOf(cell, from);
    expect(at).toBeGreaterThanOrEqual(0);
    result.push(stringWidth(line.slice(0, at)));
    from = at + cell.length;
  }
  return result;
}

describe("terminal table layout (issue 10, item 17)", () => {
  it("thousands of rows: one set of column widths for the whole table, the widest cell far down", async () => {
    stub = await stubTwilio(1, 2_500);
    const session = sidOf("KC", 1);
    const list = stub.interactions.get(session) ?? [];
    const far = list[2_400];
    if (!far) throw new Error("no interaction");
    far.type = "a-much-wider-type-than-any-other";
    const result = await runCli(["list", "--session", session, "--columns", "sid,type,date_created"], {
      env: stub.env(),
      tty: true,
    });
    expect(result.code).toBe(0);
    const output = lines(result.stdout);
    expect(output).toHaveLength(2_501);
    expect(output[0]).toBe(`SID${" ".repeat(33)}TYPE${" ".repeat(30)}DATE_CREATED`);
    output.slice(1).forEach((line, index) => {
      const item = list[index];
      if (!item) throw new Error("missing row");
      expect(starts(line, [item.sid, item.type, item.date_created])).toEqual([0, 36, 70]);
    });
  });

  it("wide characters count as two columns; no trailing blanks", async () => {
    stub = await stubTwilio(1, 1);
    const names = ["日本語のセッション", "plain", "e\u0301te\u0301"];
    stub.script({
      method: "GET",
      path: /\/Sessions$/,
      answer: {
        status: 200,
        body: {
          sessions: names.map((unique_name, n) => ({
            sid: sidOf("KC", n + 1),
            service_sid: STUB_SERVICE,
            account_sid: STUB_ACCOUNT,
            unique_name,
            status: "open",
            date_created: "2025-01-01T00:00:00Z",
          })),
          meta: { key: "sessions", next_page_url: null, page: 0, page_size: 50 },
        },
      },
    });
    const result = await runCli(["sessions", "--columns", "sid,unique_name,status"], {
      env: stub.env(),
      tty: true,
    });
    expect(result.code).toBe(0);
    const output = lines(result.stdout);
    expect(output).toHaveLength(4);
    // 日本語のセッション is 9 characters, 18 columns wide: STATUS starts after it and two spaces.
    expect(starts(output[0] ?? "", ["SID", "UNIQUE_NAME", "STATUS"])).toEqual([0, 36, 56]);
    names.forEach((name, n) => {
      expect(starts(output[n + 1] ?? "", [sidOf("KC", n + 1), name, "open"])).toEqual([0, 36, 56]);
    });
    for (const line of output) expect(line).toBe(line.trimEnd());
  });
});
