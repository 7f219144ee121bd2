import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_FAULTS } from "../../src/emulator/index.js";
import { runCli } from "../helpers/cli.js";
import {
  apiGet,
  type Emulator,
  emulator,
  envFor,
  reseed,
  resourcePath,
  stateOf,
} from "../helpers/emulator.js";

/**
 * Purge under injected faults (docs/reliability.md, "fault matrix"): whatever the network and the
 * server do, the run ends with no failure, no orphan, and every linked Message/Call of a deleted
 * Interaction answering 404.
 */
interface Report {
  interactions: Record<string, number>;
  resources: Record<string, number>;
  failures: unknown[];
}

let emu: Emulator;
let env: Record<string, string | undefined>;

beforeAll(async () => {
  emu = await emulator();
  env = envFor(emu);
});
afterAll(() => emu.close());

const scenarios = [
  {
    name: "--fail-rate 0.1 (500s, 503s, connections destroyed mid-response)",
    faults: { failRate: 0.1 },
    args: [],
  },
  { name: "--hang-rate 0.02 with a short --timeout", faults: { hangRate: 0.02 }, args: ["--timeout", "500"] },
  { name: "--max-concurrency 2", faults: { maxConcurrency: 2 }, args: [] },
  { name: "--max-concurrency 2 --retry-after 1", faults: { maxConcurrency: 2, retryAfter: 1 }, args: [] },
  {
    name: "all of them at once",
    faults: { failRate: 0.1, hangRate: 0.02, maxConcurrency: 2, retryAfter: 1, latency: 2, jitter: 2 },
    args: ["--timeout", "1000"],
  },
];

describe.each(scenarios)("purge of 1,000 Interactions under $name", ({ faults, args }) => {
  it("ends with 0 failures, 0 orphans, and every linked resource of a deleted Interaction gone", async () => {
    reseed(emu, { sessions: 1, interactions: 1000, notFinalRate: 0 });
    const session = (await stateOf(emu)).sessions[0]?.sid as string;
    const interactions = [...emu.store.listInteractions(session)];
    expect(interactions).toHaveLength(1000);
    emu.setFaults({ ...DEFAULT_FAULTS, ...faults });
    let result: Awaited<ReturnType<typeof runCli>>;
    try {
      result = await runCli(
        ["purge", "--session", session, "--include-resources", "--yes", "--json", ...args],
        {
          env,
          timeoutMs: 240_000,
        },
      );
    } finally {
      emu.setFaults(DEFAULT_FAULTS);
    }
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.failures).toEqual([]);
    expect(report.interactions.failed).toBe(0);
    expect(report.resources.failed).toBe(0);
    // A DELETE whose answer was lost was applied: its retry finds it already gone.
    expect((report.interactions.deleted ?? 0) + (report.interactions.already_gone ?? 0)).toBe(1000);
    const state = await stateOf(emu);
    expect(state.counts.interactions).toBe(0);
    expect(state.counts.orphans).toBe(0);
    expect(state.counts.messages + state.counts.calls).toBe(0);
    for (const interaction of interactions.slice(0, 25)) {
      for (const sid of [interaction.inbound_resource_sid, interaction.outbound_resource_sid]) {
        if (sid) expect((await apiGet(emu, resourcePath(emu, sid))).status).toBe(404);
      }
    }
  }, 300_000);
});
