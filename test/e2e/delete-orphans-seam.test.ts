import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiClient, createApiClient } from "../../src/api/client.js";
import { deleteOrphans } from "../../src/audit/delete-orphans.js";
import { findOrphans, type Orphan } from "../../src/audit/orphans.js";
import { resolveConfig } from "../../src/config.js";
import { type Emulator, emulator, envFor, reseed } from "../helpers/emulator.js";

/**
 * The seams `erase --participant` builds on, called in-process against the real emulator over
 * loopback: `findOrphans` limited to one other party, and `deleteOrphans` fed with what it found.
 * What is expected is read from the emulator's store, never from proxy-ix's code.
 */
let emu: Emulator;
let client: ApiClient;

beforeAll(async () => {
  emu = await emulator();
  client = createApiClient(resolveConfig({}, envFor(emu)));
});
afterAll(() => emu.close());

const YEAR_MS = 365 * 86_400_000;
const window = () => ({ since: new Date(Date.now() - YEAR_MS), until: new Date() });

async function collect(orphans: AsyncIterable<Orphan>): Promise<Orphan[]> {
  const all: Orphan[] = [];
  for await (const orphan of orphans) all.push(orphan);
  return all;
}

/** The seeded orphans' other party (the number that is not the Service's), by SID. */
function partiesOfSeeded(proxyNumbers: Set<string>): Map<string, string> {
  const parties = new Map<string, string>();
  for (const sid of emu.state().seeded_orphans) {
    const record = emu.store.getMessage(sid) ?? emu.store.getCall(sid);
    const party = proxyNumbers.has(record?.to ?? "") ? record?.from : record?.to;
    if (party) parties.set(sid, party);
  }
  return parties;
}

describe("findOrphans with a party, then deleteOrphans", () => {
  it("finds only the orphans between that number and the proxy numbers, and deletes only them", async () => {
    reseed(emu, { sessions: 3, interactions: 10, orphans: 40, otherTraffic: 20, notFinalRate: 0 });
    const [service] = emu.store.listServices();
    const serviceSid = service?.sid as string;
    const all = await collect(findOrphans(client, serviceSid, window()).orphans);
    const proxyNumbers = new Set(all.map((o) => o.proxy_number));
    const parties = partiesOfSeeded(proxyNumbers);
    // The party with the most orphans, and the orphans of everyone else (which must stay).
    const tally = new Map<string, number>();
    for (const party of parties.values()) tally.set(party, (tally.get(party) ?? 0) + 1);
    const [party] = [...tally.entries()].sort((a, b) => b[1] - a[1])[0] ?? [];
    const theirs = [...parties].filter(([, p]) => p === party).map(([sid]) => sid);
    const others = [...parties].filter(([, p]) => p !== party).map(([sid]) => sid);
    expect(theirs.length).toBeGreaterThan(1);
    expect(others.length).toBeGreaterThan(0);

    const search = findOrphans(client, serviceSid, window(), { party });
    const found = await collect(search.orphans);
    expect(found.map((o) => o.sid).sort()).toEqual([...theirs].sort());

    const { report, listingError } = await deleteOrphans(client, toIterable(found), {
      serviceSid,
      dryRun: false,
      concurrency: 4,
      exportFile: null,
    });
    expect(listingError).toBeUndefined();
    expect(report.orphans).toMatchObject({ matched: theirs.length, deleted: theirs.length, failed: 0 });
    for (const sid of theirs) expect(emu.store.getMessage(sid) ?? emu.store.getCall(sid)).toBeUndefined();
    for (const sid of others) expect(emu.store.getMessage(sid) ?? emu.store.getCall(sid)).toBeDefined();
  });
});

async function* toIterable<T>(items: T[]): AsyncGenerator<T> {
  yield* items;
}
