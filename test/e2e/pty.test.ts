import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, emulator, envFor, reseed, stateOf } from "../helpers/emulator.js";
import { inPty, screenLines } from "../helpers/pty.js";

/**
 * The real thing on a real pseudo-terminal (util-linux `script`), rather than PROXY_IX_FORCE_TTY:
 * colours, the table, the spinner and the confirmation prompt as a user sees them.
 */
let emu: Emulator;

beforeAll(async () => {
  emu = await emulator();
});
afterAll(() => emu.close());

describe("on a pseudo-terminal", () => {
  it("list prints a coloured table; NO_COLOR turns colour off", async () => {
    reseed(emu, { sessions: 1, interactions: 5 });
    const session = (await stateOf(emu)).sessions[0]?.sid as string;
    const coloured = await inPty(["list", "--session", session], envFor(emu));
    expect(coloured.code).toBe(0);
    expect(coloured.out).toContain("\u001b[1mSID");
    expect(coloured.out).toMatch(/INBOUND/);
    const plain = await inPty(["list", "--session", session], { ...envFor(emu), NO_COLOR: "1" });
    expect(plain.out).not.toContain("\u001b[1m");
    expect(screenLines(plain.out).join("\n")).toMatch(/^SID\s+TYPE/m);
  });

  it("purge shows the plan, asks, and on 'y' deletes with a spinner and a summary", async () => {
    reseed(emu, { sessions: 1, interactions: 200, notFinalRate: 0 });
    emu.setFaults({ latency: 10 });
    try {
      const session = (await stateOf(emu)).sessions[0]?.sid as string;
      const result = await inPty(["purge", "--session", session, "--include-resources"], envFor(emu), "y\r");
      expect(result.code).toBe(0);
      expect(result.out).toMatch(
        /Delete 200 Interactions in 1 Session and their \d+ linked Messages\/Calls\?/,
      );
      expect(result.out).toContain("Deleting…");
      expect(result.out).toMatch(/Interactions: 200 matched, .*200 deleted/);
      expect((await stateOf(emu)).counts.interactions).toBe(0);
    } finally {
      emu.setFaults({ latency: 0 });
    }
  });

  it("purge on 'n' deletes nothing", async () => {
    reseed(emu, { sessions: 1, interactions: 10, notFinalRate: 0 });
    const session = (await stateOf(emu)).sessions[0]?.sid as string;
    const result = await inPty(["purge", "--session", session], envFor(emu), "n\r");
    expect(result.out).toContain("Cancelled: nothing was deleted.");
    expect(result.code).toBe(2);
    expect((await stateOf(emu)).counts.interactions).toBe(10);
  });

  it("a pseudo-terminal that reports no size gets no spinner (ora would clear lines forever), and the purge completes", async () => {
    reseed(emu, { sessions: 1, interactions: 50, notFinalRate: 0 });
    const session = (await stateOf(emu)).sessions[0]?.sid as string;
    const result = await inPty(
      ["purge", "--session", session, "--include-resources"],
      envFor(emu),
      "y\r",
      null,
    );
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/Interactions: 50 matched, .*50 deleted/);
    expect(result.out.length).toBeLessThan(5000);
    expect((await stateOf(emu)).counts.interactions).toBe(0);
  }, 20_000);

  it("report is readable in 80 columns: every line fits, the histogram has its bars", async () => {
    reseed(emu, { sessions: 6, interactions: 80 });
    const result = await inPty(["report"], { ...envFor(emu), NO_COLOR: "1" }, "", 80);
    expect(result.code).toBe(0);
    // What the terminal shows once the spinner has cleared its line: the report itself.
    const shown = screenLines(result.out);
    expect(shown.some((line) => /^ {2}30–90d +#+ +[\d,]+$/.test(line))).toBe(true);
    for (const line of shown) expect(line.length).toBeLessThanOrEqual(80);
  });
});
