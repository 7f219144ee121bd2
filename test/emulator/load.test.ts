/** Concurrent load: the counters stay exact (no timing asserts; figures come from scripts/emulator-throughput.js). */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../src/emulator/index.js";
import { del, get, sessionPath, start } from "./helpers.js";

let emu: Emulator;

beforeAll(async () => {
  emu = await start({ sessions: 1, interactions: 2_000 });
});
afterAll(() => emu.close());

async function pool<T>(count: number, width: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await task(i);
      }
    }),
  );
  return results;
}

describe("under concurrent load", () => {
  it("counts every request exactly, and deletes each item once", async () => {
    const session = emu.store.listSessions()[0];
    const base = `${sessionPath(emu, session?.sid ?? "")}/Interactions`;
    const sids = emu.store.listInteractions(session?.sid ?? "").map((i) => i.sid);
    emu.reset();
    const gets = await pool(1_000, 20, (i) => get(emu, `${base}/${sids[i % sids.length]}`));
    expect(gets.every((r) => r.status === 200)).toBe(true);
    const deletes = await pool(sids.length, 20, (i) => del(emu, `${base}/${sids[i]}`));
    expect(deletes.every((r) => r.status === 204)).toBe(true);
    const state = emu.state();
    expect(state.counts.interactions).toBe(0);
    expect(state.requests).toMatchObject({
      total: 3_000,
      by_status: { "200": 1_000, "204": 2_000 },
      by_method: { GET: 1_000, DELETE: 2_000 },
      in_flight: 0,
    });
  });

  it("sees requests overlap when responses are slow, never beyond the clients' concurrency", async () => {
    emu.reset();
    emu.setFaults({ latency: 20 });
    await pool(100, 10, () => get(emu, "/v1/Services"));
    emu.setFaults({ latency: 0 });
    const { requests } = emu.state();
    expect(requests.total).toBe(100);
    expect(requests.max_in_flight).toBeGreaterThan(1);
    expect(requests.max_in_flight).toBeLessThanOrEqual(10);
  });
});
