import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
 * --visible-days (issue #11 item 5) against the emulator with `--api-retention-days 30`: Messages/Calls
 * older than 30 days answer 20404 but stay in Twilio's hands (the emulator's `archived`). An Interaction
 * older than --visible-days whose record answers 20404 is kept and counted not_visible; a younger one's
 * 20404 means gone, as before.
 */
const DAY_MS = 86_400_000;
const RETENTION_DAYS = 30;

let emu: Emulator;
let env: Record<string, string | undefined>;

beforeAll(async () => {
  emu = await emulator({ apiRetentionDays: RETENTION_DAYS });
  env = envFor(emu);
});
afterAll(() => emu.close());

type Counts = Record<
  "matched" | "deleted" | "already_gone" | "not_visible" | "deferred" | "skipped" | "failed",
  number
>;

interface Report {
  interactions: Counts;
  resources: Counts;
  not_visible: { interaction_sid: string; resource_sid: string; interaction_date_created: string }[];
  failures: unknown[];
}

/**
 * A Session of 150 Interactions spread over 90 days. Interactions within a day of the cut-offs that
 * matter are left out of the per-SID checks, so the seconds a run takes change nothing.
 */
function seed() {
  reseed(emu, { apiRetentionDays: RETENTION_DAYS, sessions: 1, interactions: 150, notFinalRate: 0 });
  const session = emu.store.listSessions()[0]?.sid as string;
  const all = emu.store.listInteractions(session).map((i) => ({
    sid: i.sid,
    ageDays: (Date.now() - Date.parse(i.date_created ?? "")) / DAY_MS,
    legs: [i.inbound_resource_sid, i.outbound_resource_sid].filter((s): s is string => !!s),
  }));
  return { session, all, archived: emu.state().counts.archived };
}

const sids = (list: { sid: string }[]) => list.map((i) => i.sid).sort();

describe("purge --include-resources with --api-retention-days 30 on the server", () => {
  it("--visible-days 30 (the account's window): old Interactions kept as not_visible, their records still archived; young ones purged", async () => {
    const { session, all, archived } = seed();
    const old = all.filter((i) => i.ageDays > RETENTION_DAYS + 1 && i.legs.length > 0);
    const young = all.filter((i) => i.ageDays < RETENTION_DAYS - 1);
    expect(old.length).toBeGreaterThan(20);
    expect(young.length).toBeGreaterThan(20);
    expect(archived).toBeGreaterThan(20);

    const exportFile = join(mkdtempSync(join(tmpdir(), "proxy-ix-visible-")), "removed.ndjson");
    const result = await runCli(
      [
        "purge",
        "--session",
        session,
        "--include-resources",
        "--yes",
        "--json",
        "--visible-days",
        "30",
        "--export",
        exportFile,
      ],
      { env },
    );
    // Kept records that still exist: "not everything could be deleted".
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("");
    const report = JSON.parse(result.stdout) as Report;
    expect(report.failures).toEqual([]);
    expect(report.interactions.failed).toBe(0);
    expect(report.interactions.already_gone).toBe(0);
    expect(report.interactions.not_visible + report.interactions.deleted).toBe(150);

    const left = emu.store.listInteractions(session);
    const keptSids = left.map((i) => i.sid);
    expect(report.interactions.not_visible).toBe(left.length);
    // Every old one with a linked record is kept; no young one is.
    for (const i of old) expect(keptSids).toContain(i.sid);
    for (const i of young) expect(keptSids).not.toContain(i.sid);
    // Each listed record belongs to a kept Interaction older than the window, and still answers 404.
    expect(report.not_visible.length).toBe(report.resources.not_visible);
    for (const entry of report.not_visible.slice(0, 10)) {
      expect(keptSids).toContain(entry.interaction_sid);
      expect(Date.now() - Date.parse(entry.interaction_date_created)).toBeGreaterThan(30 * DAY_MS);
      expect((await apiGet(emu, resourcePath(emu, entry.resource_sid))).status).toBe(404);
    }
    // The archived records are still held by "Twilio", none of them orphaned; everything else is gone.
    const state = await stateOf(emu);
    expect(state.counts.archived).toBe(archived);
    expect(state.counts.orphans).toBe(0);
    expect(state.counts.messages + state.counts.calls).toBe(archived);

    // A second run changes nothing and says the same.
    const again = await runCli(
      ["purge", "--session", session, "--include-resources", "--yes", "--json", "--visible-days", "30"],
      { env },
    );
    expect(again.code).toBe(1);
    const second = JSON.parse(again.stdout) as Report;
    expect(second.interactions).toMatchObject({ matched: left.length, not_visible: left.length, deleted: 0 });
    expect(sids(emu.store.listInteractions(session))).toEqual([...keptSids].sort());

    // verify agrees: the kept Interactions remain, their records' 404 proves nothing (not visible),
    // everything of the young ones is gone.
    const verified = await runCli(["verify", "--visible-days", "30", "--json", exportFile], { env });
    expect(verified.code).toBe(1);
    const totals = (JSON.parse(verified.stdout) as { totals: { all: Record<string, number> } }).totals.all;
    expect(totals).toMatchObject({
      remaining: left.length,
      not_visible: report.resources.not_visible,
      errors: 0,
    });
    expect(totals.gone).toBeGreaterThan(young.length);
    const text = await runCli(["verify", "--visible-days", "30", exportFile], { env });
    expect(text.code).toBe(1);
    expect(text.stderr).toMatch(
      new RegExp(`${report.resources.not_visible} not visible \\(404, but older than --visible-days`),
    );
  }, 180_000);

  it("--visible-days 10 (shorter than the account's window): Interactions 10-30 days old are deleted (their records answered 204), the older ones kept; the summary says so", async () => {
    const { session, all, archived } = seed();
    const middle = all.filter((i) => i.ageDays > 11 && i.ageDays < RETENTION_DAYS - 1 && i.legs.length > 0);
    const old = all.filter((i) => i.ageDays > RETENTION_DAYS + 1 && i.legs.length > 0);
    expect(middle.length).toBeGreaterThan(5);

    const result = await runCli(
      ["purge", "--session", session, "--include-resources", "--yes", "--visible-days", "10"],
      { env },
    );
    expect(result.code).toBe(1);
    const left = emu.store.listInteractions(session);
    const keptSids = left.map((i) => i.sid);
    for (const i of middle) expect(keptSids).not.toContain(i.sid);
    for (const i of old) expect(keptSids).toContain(i.sid);
    const n = left.length;
    expect(result.stderr).toMatch(
      new RegExp(
        `Interactions: 150 matched, ${150 - n} deleted, 0 already gone, ${n} not visible, 0 deferred`,
      ),
    );
    expect(result.stderr).toMatch(
      new RegExp(
        `${n} Interactions kept: a linked record answered 404 .*docs/reliability\\.md#archived-records`,
      ),
    );
    expect(result.stderr).toMatch(/Not visible \(404 past --visible-days: may be archived; kept\):/);
    const state = await stateOf(emu);
    expect(state.counts.orphans).toBe(0);
    expect(state.counts.messages + state.counts.calls).toBe(archived);
  }, 120_000);

  it("the default --visible-days 395 on an account that keeps 30 days: the old records' 20404 counts as gone, and their archived records are orphaned (why the option must match the account)", async () => {
    const { session, archived } = seed();
    const result = await runCli(["purge", "--session", session, "--include-resources", "--yes", "--json"], {
      env,
    });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.interactions).toMatchObject({ deleted: 150, not_visible: 0 });
    expect(report.resources.not_visible).toBe(0);
    expect(report.resources.already_gone).toBeGreaterThan(0);
    const state = await stateOf(emu);
    expect(state.counts.interactions).toBe(0);
    expect(state.counts.orphans).toBe(archived);
  }, 120_000);

  it("no retention window on the server, --visible-days 1: nothing answers 404, so age alone keeps nothing", async () => {
    reseed(emu, { sessions: 1, interactions: 60, notFinalRate: 0 });
    const session = emu.store.listSessions()[0]?.sid as string;
    const result = await runCli(
      ["purge", "--session", session, "--include-resources", "--yes", "--json", "--visible-days", "1"],
      { env },
    );
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.interactions).toMatchObject({ matched: 60, deleted: 60, not_visible: 0 });
    const state = await stateOf(emu);
    expect([state.counts.interactions, state.counts.orphans, state.counts.archived]).toEqual([0, 0, 0]);
  }, 120_000);
});
