import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { apiGet, type Emulator, emulator, envFor, reseed, stateOf } from "../helpers/emulator.js";

/**
 * Issue 15, item 3: the requests each command sends, against docs/performance.md#requests-per-command.
 * For each command the count is computed from what the emulator holds before the run, in two parts:
 * `bound`, the requests no client could go below given Twilio's API (the pages it must read, the
 * DELETEs it must send), and `extra`, what proxy-ix sends above that (each term says why). The run's
 * `--json` report (`requests.total`, where the command has one) and the emulator's own count of the
 * requests it answered must both be exactly `bound + extra`.
 */
let emu: Emulator;
let dir: string;

beforeAll(async () => {
  emu = await emulator();
  dir = await mkdtemp(join(tmpdir(), "proxy-ix-requests-"));
});
afterAll(async () => {
  await emu.close();
  await rm(dir, { recursive: true, force: true });
});

/** Twilio answers at most 100 records a page from Proxy lists; v2010 lists (PageSize=1000) up to 1,000. */
const PROXY_PAGE = 100;
const API_PAGE = 1000;
/** The page size of a v2010 child list asked without PageSize (Media, Recordings, Transcriptions). */
const CHILD_PAGE = 50;

/** Pages to read a list of n records: an empty list is one page too. */
const pages = (n: number, size: number) => Math.max(1, Math.ceil(n / size));

interface Count {
  bound: number;
  extra: number;
}

/** Runs proxy-ix and returns the requests the emulator answered, and the report's count when there is one. */
async function counted(args: string[]): Promise<{ server: number; reported: number | null; stdout: string }> {
  const before = (await stateOf(emu)).requests.total;
  const result = await runCli(args, { env: envFor(emu) });
  expect(result.stderr).not.toMatch(/failed|could not/i);
  expect(result.code).toBe(0);
  const server = (await stateOf(emu)).requests.total - before;
  const report = args.includes("--json") && result.stdout.startsWith("{") ? JSON.parse(result.stdout) : null;
  return { server, reported: report?.requests?.total ?? null, stdout: result.stdout };
}

function expectCount(run: { server: number; reported: number | null }, count: Count): void {
  expect(run.server).toBe(count.bound + count.extra);
  if (run.reported !== null) expect(run.reported).toBe(count.bound + count.extra);
}

/** The Service is not configured in these runs: proxy-ix reads the Services list (one page) to find it. */
const SERVICE_LOOKUP = 1;

function sessions() {
  return emu.store.listSessions();
}

/** Session pages plus every Session's Interaction pages: what reading everything costs. */
function readAll(pageSize = PROXY_PAGE): number {
  const all = sessions();
  return (
    pages(all.length, PROXY_PAGE) +
    all.reduce((sum, s) => sum + pages(emu.store.listInteractions(s.sid).length, pageSize), 0)
  );
}

function interactionsOf(sessionSids: string[]) {
  return sessionSids.flatMap((sid) => emu.store.listInteractions(sid));
}

/**
 * What `--include-resources` costs for one Interaction, beyond its own DELETE. A client must list
 * what is under each leg before deleting it (Twilio documents no cascade): a Message's Media, a Call's
 * Recordings, each Recording's Transcriptions, then one DELETE each, children first. proxy-ix reads
 * each Message first (`num_media`) and lists its Media only when that is not "0": the same one request
 * for a Message without Media, one more for a Message with Media.
 */
function resourceRequests(interaction: {
  inbound_resource_sid: string | null;
  outbound_resource_sid: string | null;
}): Count {
  const count: Count = { bound: 0, extra: 0 };
  const legs = new Set([interaction.inbound_resource_sid, interaction.outbound_resource_sid]);
  for (const sid of legs) {
    if (!sid) continue;
    if (sid.startsWith("CA")) {
      const recordings = emu.store.listRecordings().filter((r) => r.call_sid === sid);
      count.bound += pages(recordings.length, CHILD_PAGE) + 1;
      for (const recording of recordings) {
        const transcriptions = emu.store
          .listTranscriptions()
          .filter((t) => t.recording_sid === recording.sid);
        count.bound += pages(transcriptions.length, CHILD_PAGE) + transcriptions.length + 1;
      }
    } else {
      const media = emu.store.listMedia().filter((m) => m.parent_sid === sid);
      count.bound += pages(media.length, CHILD_PAGE) + media.length + 1;
      if (emu.store.getMessage(sid)?.num_media !== "0") count.extra += 1;
    }
  }
  return count;
}

function sum(counts: Count[]): Count {
  return counts.reduce((a, b) => ({ bound: a.bound + b.bound, extra: a.extra + b.extra }), {
    bound: 0,
    extra: 0,
  });
}

describe("requests per command (docs/performance.md)", () => {
  it("fetch: one GET", async () => {
    reseed(emu, { sessions: 2, interactions: 5 });
    const session = sessions()[0]?.sid as string;
    const interaction = emu.store.listInteractions(session)[0]?.sid as string;
    const run = await counted(["fetch", interaction, "--session", session]);
    expectCount(run, { bound: 1, extra: SERVICE_LOOKUP });
  });

  it("list and report read every page once, nothing more", async () => {
    // 120 Sessions: two Session pages; one Session of 230 Interactions: three Interaction pages.
    reseed(emu, { sessions: 120, interactions: 2 });
    const one = sessions()[0]?.sid as string;
    const list = await counted(["list", "--all-sessions", "--ndjson"]);
    expectCount(list, { bound: readAll(), extra: SERVICE_LOOKUP });
    const report = await counted(["report", "--json"]);
    expectCount(report, { bound: readAll(), extra: SERVICE_LOOKUP });
    reseed(emu, { sessions: 1, interactions: 230 });
    const single = sessions()[0]?.sid as string;
    expect(single).not.toBe(one);
    const listOne = await counted(["list", "--session", single, "--json"]);
    expectCount(listOne, { bound: pages(230, PROXY_PAGE), extra: SERVICE_LOOKUP });
    // report --session reads the Session itself (its status and dates are counted) before its pages.
    const reportOne = await counted(["report", "--session", single, "--json"]);
    expectCount(reportOne, { bound: 1 + pages(230, PROXY_PAGE), extra: SERVICE_LOOKUP });
  });

  it("purge: the pages, then one DELETE per Interaction", async () => {
    reseed(emu, { sessions: 3, interactions: 130, notFinalRate: 0 });
    const count = {
      bound: readAll() + interactionsOf(sessions().map((s) => s.sid)).length,
      extra: SERVICE_LOOKUP,
    };
    const run = await counted(["purge", "--all-sessions", "--yes", "--json"]);
    expectCount(run, count);
    expect((await stateOf(emu)).counts.interactions).toBe(0);
  });

  it("purge --include-resources, then verify of its export: one GET per item listed", async () => {
    reseed(emu, { sessions: 3, interactions: 130, notFinalRate: 0 });
    const interactions = interactionsOf(sessions().map((s) => s.sid));
    const resources = sum(interactions.map(resourceRequests));
    // The seed has Media, Recordings and Transcriptions to find, and no child list longer than a page.
    const counts = (await stateOf(emu)).counts;
    expect(counts.media * counts.recordings * counts.transcriptions).toBeGreaterThan(0);
    const expected = {
      bound: readAll() + interactions.length + resources.bound,
      extra: SERVICE_LOOKUP + resources.extra,
    };
    const file = join(dir, "purge.ndjson");
    const run = await counted([
      "purge",
      "--all-sessions",
      "--include-resources",
      "--export",
      file,
      "--yes",
      "--json",
    ]);
    expectCount(run, expected);
    const after = (await stateOf(emu)).counts;
    expect(after.interactions + after.messages + after.calls + after.media + after.orphans).toBe(0);
    // verify: every item the export lists, one GET each (nothing in Twilio's API checks several at once).
    const listed =
      counts.interactions +
      counts.messages +
      counts.calls +
      counts.media +
      counts.recordings +
      counts.transcriptions;
    const verify = await counted(["verify", file, "--json"]);
    expectCount(verify, { bound: listed, extra: 0 });
  });

  it("purge --include-resources --delete-sessions: then a second Session listing, each Session re-read, the closed/failed ones re-checked empty and deleted", async () => {
    // Statuses rotate open, in-progress, closed, failed: two of four Sessions are deleted.
    reseed(emu, { sessions: 4, interactions: 30, notFinalRate: 0 });
    const all = sessions();
    const deletable = all.filter((s) => s.status === "closed" || s.status === "failed");
    expect(deletable.length).toBeGreaterThan(0);
    const participants = deletable.reduce(
      (n, s) => n + pages(emu.store.listParticipants(s.sid).length, PROXY_PAGE),
      0,
    );
    const interactions = interactionsOf(all.map((s) => s.sid));
    const resources = sum(interactions.map(resourceRequests));
    const before = (await stateOf(emu)).counts;
    const participantCount = deletable.reduce((n, s) => n + emu.store.listParticipants(s.sid).length, 0);
    const expected = {
      // Reading and deleting the Interactions; one DELETE per empty closed/failed Session; the
      // export's Participants of each (their SIDs are recorded before the Session goes).
      bound: readAll() + interactions.length + resources.bound + deletable.length + participants,
      // A second Session listing, a GET of each Session (its status now), a one-item Interaction
      // page of each closed/failed one (still empty?).
      extra: SERVICE_LOOKUP + resources.extra + pages(all.length, PROXY_PAGE) + all.length + deletable.length,
    };
    const file = join(dir, "sessions.ndjson");
    const run = await counted([
      "purge",
      "--all-sessions",
      "--delete-sessions",
      "--include-resources",
      "--export",
      file,
      "--yes",
      "--json",
    ]);
    expectCount(run, expected);
    expect((await stateOf(emu)).counts.sessions).toBe(all.length - deletable.length);
    // verify of that export: everything deleted, each deleted Session and each of its Participants too.
    const after = (await stateOf(emu)).counts;
    const kinds = ["interactions", "messages", "calls", "media", "recordings", "transcriptions"] as const;
    const gone = kinds.reduce((n, kind) => n + before[kind] - after[kind], 0);
    const verify = await counted(["verify", file, "--json"]);
    expectCount(verify, { bound: gone + deletable.length + participantCount, extra: 0 });
  });

  it("delete: the Session, then per Interaction a GET and a DELETE", async () => {
    reseed(emu, { sessions: 1, interactions: 10, notFinalRate: 0 });
    const session = sessions()[0]?.sid as string;
    const chosen = emu.store.listInteractions(session).slice(0, 4);
    const plain = await counted([
      "delete",
      ...chosen.slice(0, 2).map((i) => i.sid),
      "--session",
      session,
      "--yes",
      "--json",
    ]);
    // A client could DELETE each at once; proxy-ix first checks the Session exists (a mistyped one
    // must not read as "already gone") and reads each Interaction (export line, account, already gone).
    expectCount(plain, { bound: 2, extra: SERVICE_LOOKUP + 1 + 2 });
    const rest = chosen.slice(2);
    const resources = sum(rest.map(resourceRequests));
    const full = await counted([
      "delete",
      ...rest.map((i) => i.sid),
      "--session",
      session,
      "--include-resources",
      "--yes",
      "--json",
    ]);
    // With resources the GET of each Interaction is needed: its legs are what is deleted.
    expectCount(full, {
      bound: 2 * rest.length + resources.bound,
      extra: SERVICE_LOOKUP + 1 + resources.extra,
    });
  });

  it("orphans: the proxy numbers, every Interaction page, and four v2010 lists per number", async () => {
    reseed(emu, { sessions: 3, interactions: 130, orphans: 6 });
    const service = emu.store.listServices()[0]?.sid as string;
    const numbers = (await apiGet(emu, `/v1/Services/${service}/PhoneNumbers?PageSize=1000`)).body as {
      phone_numbers: { phone_number: string }[];
    };
    const proxyNumbers = numbers.phone_numbers.map((n) => n.phone_number);
    expect(proxyNumbers.length).toBeGreaterThan(0);
    // Each Messages/Calls list (To or From one number) fits in one page of 1,000.
    for (const number of proxyNumbers) {
      for (const list of [emu.store.listMessages(), emu.store.listCalls()]) {
        expect(list.filter((r) => r.to === number).length).toBeLessThan(API_PAGE);
        expect(list.filter((r) => r.from === number).length).toBeLessThan(API_PAGE);
      }
    }
    const run = await counted(["orphans", "--json"]);
    expect(JSON.parse(run.stdout).length).toBeGreaterThan(0);
    expectCount(run, {
      bound: pages(proxyNumbers.length, PROXY_PAGE) + readAll() + 4 * proxyNumbers.length,
      extra: SERVICE_LOOKUP,
    });
  });
});
