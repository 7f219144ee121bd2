import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { lines, runCli, startCli } from "../helpers/cli.js";
import { type Emulator, emulator, envFor, reseed, waitFor } from "../helpers/emulator.js";
import { expectNoPersonalData, personalData } from "../helpers/personal-data.js";
import { STUB_ACCOUNT, type StubTwilio, sidOf, stubTwilio, twilioError } from "../helpers/stub-twilio.js";

/**
 * `orphans --delete` against the real emulator. Orphans come two ways, as on a real account: seeded ones
 * (`--orphans`), and the Messages and Calls a `purge` without `--include-resources` left behind (with
 * their Media, Recordings and Transcriptions, from `--media-rate` and `--recording-rate`). What is
 * expected is read from the emulator's own store, never from proxy-ix's code.
 */
let emu: Emulator;
let env: Record<string, string | undefined>;
let dir: string;

beforeAll(async () => {
  emu = await emulator();
  env = envFor(emu);
  dir = mkdtempSync(join(tmpdir(), "proxy-ix-orphans-delete-"));
});
afterAll(() => emu.close());

/** Everything the emulator holds, by SID, in its API shape. */
function snapshot(): Map<string, string> {
  const all = new Map<string, string>();
  const put = (records: { sid: string }[]) => {
    for (const record of records) all.set(record.sid, JSON.stringify(record));
  };
  put(emu.store.listServices());
  const sessions = emu.store.listSessions();
  put(sessions);
  for (const session of sessions) {
    put(emu.store.listParticipants(session.sid));
    put(emu.store.listInteractions(session.sid));
  }
  put(emu.store.listMessages());
  put(emu.store.listCalls());
  put(emu.store.listMedia());
  put(emu.store.listRecordings());
  put(emu.store.listTranscriptions());
  return all;
}

/** The orphaned Messages and Calls, and each with everything under it (Media; Recordings, Transcriptions). */
function orphanTrees(): Map<string, string[]> {
  const under = new Map<string, string[]>();
  const add = (parent: string, sid: string) => under.set(parent, [...(under.get(parent) ?? []), sid]);
  for (const media of emu.store.listMedia()) add(media.parent_sid, media.sid);
  for (const recording of emu.store.listRecordings()) add(recording.call_sid, recording.sid);
  for (const transcription of emu.store.listTranscriptions())
    add(transcription.recording_sid, transcription.sid);
  const tree = (sid: string): string[] => [sid, ...(under.get(sid) ?? []).flatMap(tree)];
  const trees = new Map<string, string[]>();
  for (const record of [...emu.store.listMessages(), ...emu.store.listCalls()]) {
    if (emu.store.isOrphan(record.sid)) trees.set(record.sid, tree(record.sid));
  }
  return trees;
}

/** Seeded orphans, other traffic, and the legs (with Media and Recordings) of one purged Session. */
async function seedWithChildren(notFinalRate = 0): Promise<void> {
  reseed(emu, {
    sessions: 4,
    interactions: 24,
    orphans: 20,
    otherTraffic: 10,
    mediaRate: 1,
    recordingRate: 1,
    notFinalRate,
  });
  const session = emu.state().sessions[0]?.sid as string;
  const purge = await runCli(["purge", "--session", session, "--yes"], { env });
  expect(purge.code).toBe(0);
}

const deletes = () => emu.state().requests.by_method?.DELETE ?? 0;

describe("orphans --delete", () => {
  it("--yes deletes every orphan, children first, and touches nothing else", async () => {
    await seedWithChildren();
    const trees = orphanTrees();
    const doomed = new Set([...trees.values()].flat());
    const kinds = [...doomed].map((sid) => sid.slice(0, 2));
    // Among the orphans: Media, Recordings and Transcriptions, so "children first" is exercised.
    for (const prefix of ["ME", "RE", "TR", "CA"]) expect(kinds).toContain(prefix);
    expect(emu.state().counts.orphans).toBe(trees.size);
    const secrets = await personalData(emu);
    const before = snapshot();
    const deletesBefore = deletes();
    const exportPath = join(dir, "yes.ndjson");

    const result = await runCli(
      ["orphans", "--delete", "--since", "120d", "--yes", "--json", "--export", exportPath],
      { env },
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const state = emu.state();
    expect(state.counts.orphans).toBe(0);
    // Nothing else touched: what is left is exactly what was there, less the orphans' trees.
    const after = snapshot();
    const expected = new Map([...before].filter(([sid]) => !doomed.has(sid)));
    expect([...after.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [sid, json] of after) expect(json).toBe(expected.get(sid));
    // One DELETE per resource: nothing was tried that was not an orphan or under one.
    expect(deletes() - deletesBefore).toBe(doomed.size);

    const report = JSON.parse(result.stdout);
    expect(report.command).toBe("orphans");
    expect(report.orphans).toMatchObject({ matched: trees.size, deleted: trees.size, failed: 0 });
    expect(report.resources).toMatchObject({ deleted: doomed.size, deferred: 0, failed: 0 });
    const count = (prefix: string) => [...doomed].filter((sid) => sid.startsWith(prefix)).length;
    expect(report.resources_by_kind.media.deleted).toBe(count("ME"));
    expect(report.resources_by_kind.recordings.deleted).toBe(count("RE"));
    expect(report.resources_by_kind.transcriptions.deleted).toBe(count("TR"));

    // The export: one line per orphan naming its whole tree; SIDs and dates, no number, no body.
    const text = readFileSync(exportPath, "utf8");
    const exported = lines(text).map((line) => JSON.parse(line));
    expect(exported.map((line) => line.sid).sort()).toEqual([...trees.keys()].sort());
    for (const line of exported) {
      expect(line.kind).toBe("orphan");
      expect(line.resources.map((r: { sid: string }) => r.sid).sort()).toEqual(
        [...(trees.get(line.sid) ?? [])].sort(),
      );
    }
    expect(text).not.toMatch(/\+\d{6}/);
    await expectNoPersonalData(exportPath, secrets);
    for (const json of before.values()) {
      const body = (JSON.parse(json) as { body?: string }).body;
      if (body) expect(text).not.toContain(body);
    }
    // `verify` reads the orphan lines and finds every resource gone.
    const verify = await runCli(["verify", exportPath], { env });
    expect(verify.code).toBe(0);
    expect(verify.stderr).toContain(`Checked ${doomed.size}: ${doomed.size} gone`);
  });

  it("--dry-run lists and counts the orphans and changes nothing", async () => {
    await seedWithChildren();
    const trees = orphanTrees();
    const doomed = [...trees.values()].flat();
    const before = snapshot();
    const deletesBefore = deletes();

    const listed = await runCli(["orphans", "--delete", "--since", "120d", "--dry-run"], { env });
    expect(listed.code).toBe(0);
    expect(
      lines(listed.stdout)
        .map((line) => line.split("\t")[0])
        .sort(),
    ).toEqual([...trees.keys()].sort());
    expect(listed.stderr).toContain("Dry run: nothing was deleted.");
    expect(listed.stderr).toContain(`Would delete ${trees.size} orphans`);

    const json = await runCli(["orphans", "--delete", "--since", "120d", "--dry-run", "--json"], { env });
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report.would_delete.orphans).toBe(trees.size);
    expect(report.would_delete.resources).toBe(doomed.length);
    expect(report.would_delete.resources_by_kind.media).toBe(doomed.filter((s) => s.startsWith("ME")).length);
    expect(report.orphans.deleted).toBe(0);
    expect(deletes()).toBe(deletesBefore);
    expect(snapshot()).toEqual(before);
  });

  it("an orphan not finalized yet (20009: a Call in progress, a Recording processing) is deferred: exit 1", async () => {
    await seedWithChildren(0.5);
    // Orphaned Calls that have started (they are listed) and have a Recording still processing.
    const processing = emu.store
      .listRecordings()
      .filter((r) => r.status === "processing" && emu.store.isOrphan(r.call_sid))
      .filter((r) => emu.store.getCall(r.call_sid)?.start_time);
    expect(processing.length).toBeGreaterThan(0);
    const listed = await runCli(["orphans", "--json", "--since", "120d"], { env });
    const found = new Set((JSON.parse(listed.stdout) as { sid: string }[]).map((o) => o.sid));

    const result = await runCli(["orphans", "--delete", "--since", "120d", "--yes", "--json"], { env });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.orphans.failed).toBe(0);
    expect(report.orphans.deleted + report.orphans.deferred).toBe(found.size);
    // Every orphan found is gone, except the deferred ones, which are all still there.
    const left = [...found].filter((sid) => emu.store.getMessage(sid) ?? emu.store.getCall(sid));
    const deferred = new Set(report.deferred.map((d: { orphan_sid: string }) => d.orphan_sid));
    expect(deferred).toEqual(new Set(left));
    expect(report.orphans.deferred).toBe(left.length);
    for (const entry of report.deferred) expect(entry.code).toBe(20009);
    // A Call kept for its Recording: the Recording's DELETE was deferred, so the Call was never tried.
    for (const recording of processing) {
      expect(deferred).toContain(recording.call_sid);
      expect(report.deferred).toContainEqual({
        orphan_sid: recording.call_sid,
        resource_sid: recording.sid,
        code: 20009,
      });
    }

    // Once Twilio has finished with them, the next run deletes them.
    emu.finalizeAll();
    const next = await runCli(["orphans", "--delete", "--since", "120d", "--yes", "--json"], { env });
    expect(JSON.parse(next.stdout).orphans.deferred).toBe(0);
    for (const sid of left) expect(emu.store.getMessage(sid) ?? emu.store.getCall(sid)).toBeUndefined();
  });

  it("on a terminal it asks, and 'no' deletes nothing (exit 2)", async () => {
    await seedWithChildren();
    const trees = orphanTrees();
    const before = snapshot();
    const deletesBefore = deletes();
    const result = await runCli(["orphans", "--delete", "--since", "120d"], {
      env,
      tty: true,
      input: "n\n",
    });
    expect(result.code).toBe(2);
    const calls = [...trees.keys()].filter((sid) => sid.startsWith("CA")).length;
    expect(result.stderr).toContain(`Delete ${trees.size - calls} orphaned Messages and ${calls} Calls`);
    expect(result.stderr).toContain("Cancelled: nothing was deleted.");
    expect(deletes()).toBe(deletesBefore);
    expect(snapshot()).toEqual(before);
  });

  it("on a terminal, 'y' deletes what the question counted", async () => {
    await seedWithChildren();
    const trees = orphanTrees();
    const result = await runCli(["orphans", "--delete", "--since", "120d"], {
      env,
      tty: true,
      input: "y\n",
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`Orphans:   ${trees.size} found`);
    expect(emu.state().counts.orphans).toBe(0);
  });

  it.each([
    [["--delete"], "--delete needs an explicit window: give --since"],
    [["--delete", "--until", "1d", "--yes"], "--delete needs an explicit window: give --since"],
    [["--delete", "--since", "30d"], "this deletes data: pass --yes to confirm"],
    [["--dry-run"], "--dry-run goes with --delete"],
    [["--yes"], "--yes goes with --delete"],
    [["--export", "x.ndjson"], "--export goes with --delete"],
    [["--delete", "--since", "30d", "--yes", "--ndjson"], "with --delete, --json prints the report"],
    [["--delete", "--since", "30d", "--yes", "--concurrency", "0"], "expected a whole number from 1 to 256"],
  ])("bad input %j: exit 2, one line, nothing sent", async (args, message) => {
    reseed(emu, { orphans: 5 });
    const result = await runCli(["orphans", ...args], { env });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(/^proxy-ix: /);
    expect(result.stderr).toContain(message);
    expect(emu.state().requests.total).toBe(0);
    expect(emu.state().counts.orphans).toBe(5);
  });
});

describe("orphans --delete: Twilio's answers decide the outcome", () => {
  let stub: StubTwilio;
  const P1 = "+15550000001";
  const yesterday = new Date(Date.now() - 86_400_000).toUTCString();
  const orphans = [0xa1, 0xa2, 0xa3].map((n) => sidOf("SM", n));
  const messagePath = (sid: string) => `/2010-04-01/Accounts/${STUB_ACCOUNT}/Messages/${sid}.json`;

  // A stub with one proxy number and three orphaned Messages to it (no Interaction links them).
  beforeEach(async () => {
    stub = await stubTwilio(1, 1);
    for (const sid of orphans) stub.resources.add(sid);
    stub.script({
      path: /\/PhoneNumbers$/,
      answer: (_req, url) => ({
        status: 200,
        body: {
          phone_numbers: [{ sid: sidOf("PN", 1), phone_number: P1 }],
          meta: { key: "phone_numbers", url: url.href, next_page_url: null, page: 0, page_size: 1000 },
        },
      }),
    });
    stub.script({
      method: "GET",
      path: /\/Messages\.json$/,
      answer: (_req, url) => ({
        status: 200,
        body: {
          messages:
            url.searchParams.get("To") === P1
              ? orphans.map((sid) => ({ sid, from: "+15550100001", to: P1, date_sent: yesterday }))
              : [],
          next_page_uri: null,
        },
      }),
    });
    stub.script({
      method: "GET",
      path: /\/Calls\.json$/,
      answer: { status: 200, body: { calls: [], next_page_uri: null } },
    });
    // Plain SMS: no Media to list.
    stub.script({
      method: "GET",
      path: /\/Messages\/SM[0-9a-f]{32}\.json$/,
      answer: (_req, url) => ({
        status: 200,
        body: { sid: /SM[0-9a-f]{32}/.exec(url.pathname)?.[0], account_sid: STUB_ACCOUNT, num_media: "0" },
      }),
    });
  });
  afterEach(() => stub.close());

  const run = (...extra: string[]) =>
    runCli(["orphans", "--delete", "--since", "7d", "--yes", "--json", "--concurrency", "1", ...extra], {
      env: stub.env(),
    });
  const deletesSent = () => stub.requests.filter((r) => r.method === "DELETE").map((r) => r.path);

  it("legal hold (80615): the run stops at once, exit 1, nothing more is sent", async () => {
    stub.script({ method: "DELETE", path: /\/Messages\//, answer: twilioError(403, 80615, "legal hold") });
    const result = await run();
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.stopped).toBe("legal_hold");
    expect(report.orphans.failed).toBe(1);
    expect(deletesSent()).toHaveLength(1);
    for (const sid of orphans) expect(stub.resources.has(sid)).toBe(true);
  });

  it("a 404 without Twilio's 20404 proves nothing: a failure (exit 1), not 'already gone'", async () => {
    stub.script({
      method: "DELETE",
      path: new RegExp(`${orphans[0]}\\.json$`),
      answer: { status: 404, headers: { "content-type": "text/html" }, body: "<html>Not Found</html>" },
    });
    const result = await run();
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.orphans).toMatchObject({ matched: 3, deleted: 2, already_gone: 0, failed: 1 });
    expect(report.failures[0]).toMatchObject({
      orphan_sid: orphans[0],
      resource_sid: orphans[0],
      status: 404,
    });
  });

  it("404 with 20404 is already gone (exit 0); 20429 is retried", async () => {
    stub.resources.delete(orphans[0] as string);
    stub.script({
      method: "DELETE",
      path: new RegExp(`${orphans[1]}\\.json$`),
      times: 1,
      answer: { ...twilioError(429, 20429, "Too Many Requests"), headers: { "retry-after": "0" } },
    });
    const result = await run();
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.orphans).toMatchObject({ matched: 3, deleted: 2, already_gone: 1, failed: 0 });
    expect(deletesSent().filter((path) => path === messagePath(orphans[1] as string))).toHaveLength(2);
    expect(stub.resources.has(orphans[1] as string)).toBe(false);
  });
});

describe("orphans --delete and Ctrl-C", () => {
  it("SIGINT: in-flight work finishes, the report is printed, exit 130; a re-run completes", async () => {
    reseed(emu, { sessions: 2, interactions: 4, orphans: 300, notFinalRate: 0 });
    const seeded = emu.state().seeded_orphans.length;
    emu.setFaults({ latency: 20 });
    try {
      const run = startCli(
        ["orphans", "--delete", "--since", "120d", "--yes", "--json", "--concurrency", "4"],
        { env },
      );
      await waitFor(async () => emu.state().counts.orphans < seeded - 20);
      run.child.kill("SIGINT");
      const result = await run.result;
      expect(result.code).toBe(130);
      const report = JSON.parse(result.stdout);
      expect(report.stopped).toBe("interrupted");
      expect(report.orphans.deleted).toBeGreaterThan(0);
      expect(report.orphans.deleted).toBeLessThan(seeded);
      expect(emu.state().counts.orphans).toBe(seeded - report.orphans.deleted);
    } finally {
      emu.setFaults({ latency: 0 });
    }
    const rerun = await runCli(["orphans", "--delete", "--since", "120d", "--yes"], { env });
    expect(rerun.code).toBe(0);
    expect(emu.state().counts.orphans).toBe(0);
  });
});
