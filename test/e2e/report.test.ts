import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isFinalCallStatus, isFinalMessageStatus } from "../../src/emulator/statuses.js";
import { lines, runCli } from "../helpers/cli.js";
import { apiGet, type Emulator, emulator, envFor, reseed, stateOf } from "../helpers/emulator.js";

/**
 * `report` against what the emulator holds, read here through the emulator's own API (not through
 * proxy-ix's code), so a misreading shared by both would show.
 */
let emu: Emulator;
let env: Record<string, string | undefined>;

beforeAll(async () => {
  emu = await emulator();
  env = envFor(emu);
});
afterAll(() => emu.close());

interface RawInteraction {
  sid: string;
  type: string;
  date_created: string;
  inbound_resource_sid: string | null;
  inbound_resource_status: string | null;
  outbound_resource_sid: string | null;
  outbound_resource_status: string | null;
}

/** Every Session and its Interactions, read page by page through the emulator's API. */
async function holdings(): Promise<{
  sessions: { sid: string; status: string }[];
  byKC: Map<string, RawInteraction[]>;
}> {
  const state = await stateOf(emu);
  const service = state.sessions[0]?.service_sid as string;
  const byKC = new Map<string, RawInteraction[]>();
  for (const session of state.sessions) {
    const items: RawInteraction[] = [];
    let path: string | null = `/v1/Services/${service}/Sessions/${session.sid}/Interactions?PageSize=100`;
    while (path) {
      const { body } = (await apiGet(emu, path)) as {
        body: { interactions: RawInteraction[]; meta: { next_page_url: string | null } };
      };
      items.push(...body.interactions);
      path = body.meta.next_page_url
        ? new URL(body.meta.next_page_url).pathname + new URL(body.meta.next_page_url).search
        : null;
    }
    byKC.set(session.sid, items);
  }
  return { sessions: state.sessions, byKC };
}

function bucket(asOf: number, created: string): string {
  const days = (asOf - Date.parse(created)) / 86_400_000;
  if (days < 7) return "<7d";
  if (days < 30) return "7–30d";
  if (days < 90) return "30–90d";
  if (days < 365) return "90–365d";
  return ">365d";
}

function tally(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

describe("report", () => {
  it("--json agrees exactly with what the emulator holds", async () => {
    reseed(emu, { sessions: 8, interactions: 150 });
    const result = await runCli(["report", "--json", "--purge-until", "45d"], { env });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    const report = JSON.parse(result.stdout);
    const { sessions, byKC } = await holdings();
    const all = [...byKC.values()].flat();
    const asOf = Date.parse(report.as_of);

    expect(report.sessions.total).toBe(sessions.length);
    expect(report.sessions.by_status).toEqual(tally(sessions.map((s) => s.status)));
    expect(report.sessions.without_interactions).toBe(
      [...byKC.values()].filter((list) => list.length === 0).length,
    );
    expect(report.interactions.total).toBe(all.length);
    expect(report.interactions.by_type).toEqual(tally(all.map((i) => i.type)));
    const ages = tally(all.map((i) => bucket(asOf, i.date_created)));
    for (const label of ["<7d", "7–30d", "30–90d", "90–365d", ">365d"]) {
      expect(report.interactions.by_age[label]).toBe(ages[label] ?? 0);
    }
    const oldest = [...all].sort((a, b) => Date.parse(a.date_created) - Date.parse(b.date_created))[0];
    expect(report.interactions.oldest.date_created).toBe(oldest?.date_created);

    const legs = all.flatMap((i) => [
      { sid: i.inbound_resource_sid, status: i.inbound_resource_status },
      { sid: i.outbound_resource_sid, status: i.outbound_resource_status },
    ]);
    const messages = legs.filter((leg) => /^(SM|MM)/.test(leg.sid ?? ""));
    const calls = legs.filter((leg) => /^CA/.test(leg.sid ?? ""));
    expect(report.resources.by_kind.messages).toEqual({
      total: messages.length,
      finalized: messages.filter((leg) => isFinalMessageStatus(leg.status ?? "")).length,
      not_finalized: messages.filter((leg) => !isFinalMessageStatus(leg.status ?? "")).length,
    });
    expect(report.resources.by_kind.calls).toEqual({
      total: calls.length,
      finalized: calls.filter((leg) => isFinalCallStatus(leg.status ?? "")).length,
      not_finalized: calls.filter((leg) => !isFinalCallStatus(leg.status ?? "")).length,
    });

    const cutoff = Date.parse(report.would_purge.until);
    expect(cutoff).toBeCloseTo(asOf - 45 * 86_400_000, -4);
    const old = all.filter((i) => Date.parse(i.date_created) < cutoff);
    expect(report.would_purge.interactions).toBe(old.length);
    expect(old.length).toBeGreaterThan(0);
    // Nothing was changed, and no message body was printed.
    expect((await stateOf(emu)).counts.interactions).toBe(all.length);
    expect(result.stdout).not.toContain('"data"');
  });

  it("piped: one section<TAB>key<TAB>value line per figure; --session narrows the scope", async () => {
    reseed(emu, { sessions: 3, interactions: 20 });
    const state = await stateOf(emu);
    const session = state.sessions[1];
    const result = await runCli(["report", "--session", session?.sid as string], { env });
    expect(result.code).toBe(0);
    const rows = lines(result.stdout).map((line) => line.split("\t"));
    expect(rows.every((row) => row.length === 3)).toBe(true);
    const get = (section: string, key: string) =>
      rows.find((row) => row[0] === section && row[1] === key)?.[2];
    expect(get("sessions", "total")).toBe("1");
    expect(get("interactions", "total")).toBe(String(session?.interactions));
  });

  it("on a terminal: tables and an age histogram within 80 columns, never the data field", async () => {
    reseed(emu, { sessions: 4, interactions: 60 });
    const result = await runCli(["report"], { env, tty: true });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ {2}<7d +#* +\d/m);
    expect(result.stdout).toMatch(/^LINKED RESOURCES +TOTAL +FINALIZED +NOT FINALIZED$/m);
    for (const line of result.stdout.split("\n")) expect(line.length).toBeLessThanOrEqual(80);
  });

  it("rejects --limit, and --session-status with --session, before sending anything", async () => {
    reseed(emu, { sessions: 2, interactions: 5 });
    const before = (await stateOf(emu)).requests.total;
    const limit = await runCli(["report", "--limit", "5"], { env });
    expect(limit.code).toBe(2);
    expect(limit.stderr).toMatch(/^proxy-ix: --limit does not apply to report/);
    const state = await stateOf(emu);
    const mixed = await runCli(
      ["report", "--session", state.sessions[0]?.sid as string, "--session-status", "open"],
      { env },
    );
    expect(mixed.code).toBe(2);
    expect((await stateOf(emu)).requests.total).toBe(before);
  });
});
