import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { type Emulator, emulator, envFor, reseed, stateOf } from "../helpers/emulator.js";
import { inPty, screenLines } from "../helpers/pty.js";

/**
 * Issue 15, item 2: `report` and `purge` show how far they have got (Sessions read of how many,
 * Interactions, rate, time left) on a terminal, as `list` does; never when stderr is piped, with --json
 * or with --quiet; and the line is cleared before the summary. The emulator answers slowly enough (40 ms
 * a request, Sessions read two Interactions a page) for the spinner to draw its line a few times.
 */
let emu: Emulator;

beforeAll(async () => {
  emu = await emulator();
});
afterAll(() => emu.close());

const SESSIONS = 150;
const PER_SESSION = 4;
const INTERACTIONS = SESSIONS * PER_SESSION;
/** Two Session pages, and two Interaction pages in each Session: a few hundred requests of 40 ms. */
const PAGED = ["--page-size", "2"];
/** Every progress line the terminal received: Sessions read, total (`+` while still listing), Interactions. */
const LINE = /(Reading|Counting|Deleting)… (\d+)\/(\d+)(\+?) Sessions, (\d+) Interactions/g;

function progressLines(out: string, verb: string): { read: number; total: number; interactions: number }[] {
  return [...out.matchAll(LINE)]
    .filter((match) => match[1] === verb)
    .map((match) => ({ read: Number(match[2]), total: Number(match[3]), interactions: Number(match[5]) }));
}

function seedSlow(): void {
  reseed(emu, { sessions: SESSIONS, interactions: PER_SESSION, notFinalRate: 0 });
  emu.setFaults({ latency: 40 });
}

const env = () => ({ ...envFor(emu), NO_COLOR: "1" });

describe("progress on a terminal", () => {
  it("report shows Sessions read of the total, Interactions and rate, and clears the line before the report", async () => {
    seedSlow();
    try {
      const result = await inPty(["report", ...PAGED], env());
      expect(result.code).toBe(0);
      const shown = progressLines(result.out, "Reading");
      expect(shown.length).toBeGreaterThan(0);
      for (const line of shown) {
        expect(line.read).toBeLessThanOrEqual(line.total);
        expect(line.total).toBeLessThanOrEqual(SESSIONS);
        expect(line.interactions).toBeLessThanOrEqual(INTERACTIONS);
      }
      // The counts only grow as the Sessions are listed and read.
      for (const [index, line] of shown.entries()) {
        const before = shown[index - 1];
        if (!before) continue;
        expect(line.read).toBeGreaterThanOrEqual(before.read);
        expect(line.total).toBeGreaterThanOrEqual(before.total);
        expect(line.interactions).toBeGreaterThanOrEqual(before.interactions);
      }
      expect(shown.some((line) => line.read > 0)).toBe(true);
      expect(result.out).toMatch(/Interactions \(\d+\/s\)/);
      const screen = screenLines(result.out);
      expect(screen.some((line) => line.includes("Reading…"))).toBe(false);
      expect(screen.join("\n")).toMatch(/Sessions/);
    } finally {
      emu.setFaults({ latency: 0 });
    }
  });

  it("report --json and --quiet show no progress line on a terminal", async () => {
    seedSlow();
    try {
      const json = await inPty(["report", "--json", ...PAGED], env());
      expect(json.code).toBe(0);
      expect(json.out).toContain('"command":"report"');
      expect(json.out).not.toContain("Reading");
      const quiet = await inPty(["--quiet", "report", ...PAGED], env());
      expect(quiet.code).toBe(0);
      expect(quiet.out).not.toContain("Reading");
    } finally {
      emu.setFaults({ latency: 0 });
    }
  });

  it("purge counts with a progress line, stops it before asking, then deletes with one, cleared before the summary", async () => {
    seedSlow();
    try {
      const result = await inPty(["purge", "--all-sessions", ...PAGED], env(), "y\r");
      expect(result.code).toBe(0);
      const counting = progressLines(result.out, "Counting");
      expect(counting.length).toBeGreaterThan(0);
      // The question is written once the line is cleared: it starts its own line on the screen.
      const screen = screenLines(result.out);
      expect(screen.some((line) => line.startsWith(`? Delete ${INTERACTIONS} Interactions`))).toBe(true);
      // …and no progress line is drawn after it until the answer came.
      const asked = result.out.indexOf("? Delete");
      const answered = result.out.indexOf("Deleting…", asked);
      expect(answered).toBeGreaterThan(asked);
      expect(result.out.slice(asked, answered)).not.toMatch(/Counting|Reading/);
      const deleting = [
        ...result.out
          .slice(asked)
          .matchAll(/Deleting… (\d+)\/(\d+)\+? Sessions, (\d+) Interactions read, (\d+) deleted/g),
      ];
      expect(deleting.length).toBeGreaterThan(0);
      for (const match of deleting) {
        expect(Number(match[1])).toBeLessThanOrEqual(Number(match[2]));
        expect(Number(match[4])).toBeLessThanOrEqual(Number(match[3]));
      }
      expect(screen.some((line) => line.includes("Deleting…") || line.includes("Counting…"))).toBe(false);
      expect(result.out).toMatch(
        new RegExp(`Interactions: ${INTERACTIONS} matched, .*${INTERACTIONS} deleted`),
      );
      expect((await stateOf(emu)).counts.interactions).toBe(0);
    } finally {
      emu.setFaults({ latency: 0 });
    }
  }, 30_000);

  it("purge --yes --json shows no progress line on a terminal", async () => {
    seedSlow();
    try {
      const result = await inPty(["purge", "--all-sessions", "--yes", "--json", ...PAGED], env());
      expect(result.code).toBe(0);
      expect(result.out).toContain('"command":"purge"');
      expect(result.out).not.toMatch(/Deleting|Counting|Listing/);
      expect((await stateOf(emu)).counts.interactions).toBe(0);
    } finally {
      emu.setFaults({ latency: 0 });
    }
  }, 30_000);
});

describe("no progress when stderr is piped", () => {
  it("report and purge write only their summary to a piped stderr", async () => {
    seedSlow();
    try {
      const report = await runCli(["report", ...PAGED], { env: envFor(emu) });
      expect(report.code).toBe(0);
      expect(report.stderr).toBe("");
      const purge = await runCli(["purge", "--all-sessions", "--yes", ...PAGED], { env: envFor(emu) });
      expect(purge.code).toBe(0);
      expect(purge.stderr).not.toMatch(/Reading|Counting|Deleting/);
      expect(purge.stderr).not.toContain("\u001b");
      expect(purge.stderr).toMatch(new RegExp(`Interactions: ${INTERACTIONS} matched`));
    } finally {
      emu.setFaults({ latency: 0 });
    }
  }, 30_000);
});
