import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lines, runCli, startCli } from "../helpers/cli.js";
import { type Emulator, emulator, envFor, reseed, stateOf, waitFor } from "../helpers/emulator.js";
import { expectNoPersonalData, personalData } from "../helpers/personal-data.js";

let emu: Emulator;
let env: Record<string, string | undefined>;

beforeAll(async () => {
  emu = await emulator();
  env = envFor(emu);
});
afterAll(() => emu.close());

describe("SIGKILL mid-purge", () => {
  it("never leaves an orphan; a re-run completes; the export file holds every removed Interaction", async () => {
    reseed(emu, { sessions: 2, interactions: 300, notFinalRate: 0 });
    emu.setFaults({ latency: 3, jitter: 3 });
    const all = new Set(
      emu.state().sessions.flatMap((s) => emu.store.listInteractions(s.sid).map((i) => i.sid)),
    );
    expect(all.size).toBe(600);
    const secrets = await personalData(emu);
    const file = join(await mkdtemp(join(tmpdir(), "proxy-ix-crash-")), "removed.ndjson");
    const args = [
      "purge",
      "--all-sessions",
      "--include-resources",
      "--yes",
      "--json",
      "--export",
      file,
      "--concurrency",
      "8",
    ];
    const kills = 4;
    try {
      for (let kill = 0; kill < kills; kill++) {
        const before = (await stateOf(emu)).counts.interactions;
        const run = startCli(args, { env });
        // Kill at a different moment each time: after a random number of further deletions.
        const target = before - (10 + Math.floor(Math.random() * 60));
        await waitFor(async () => (await stateOf(emu)).counts.interactions <= target);
        run.child.kill("SIGKILL");
        const result = await run.result;
        expect(result.signal).toBe("SIGKILL");
        const state = await stateOf(emu);
        expect(state.counts.orphans).toBe(0);
        expect(state.counts.interactions).toBeLessThan(before);
      }
    } finally {
      emu.setFaults({ latency: 0, jitter: 0 });
    }
    const final = await runCli(args, { env });
    expect(final.code).toBe(0);
    const state = await stateOf(emu);
    expect(state.counts).toMatchObject({
      interactions: 0,
      messages: 0,
      calls: 0,
      media: 0,
      recordings: 0,
      transcriptions: 0,
      orphans: 0,
    });
    const exported = lines(await readFile(file, "utf8")).map((line) => JSON.parse(line).sid as string);
    expect(new Set(exported)).toEqual(all);
    // Duplicates only for Interactions in flight at a kill: at most --concurrency per kill.
    expect(exported.length - all.size).toBeLessThanOrEqual(kills * 8);
    await expectNoPersonalData(file, secrets);
  }, 120_000);
});
