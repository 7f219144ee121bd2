import { chmod, mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, lines, runCli } from "../helpers/cli.js";
import {
  apiGet,
  type Emulator,
  emulator,
  envFor,
  reseed,
  resourcePath,
  stateOf,
} from "../helpers/emulator.js";
import { expectNoPersonalData, personalData } from "../helpers/personal-data.js";

interface Interaction {
  sid: string;
  session_sid: string;
  type: string;
  date_created: string;
  inbound_resource_sid: string | null;
  outbound_resource_sid: string | null;
}

interface Report {
  dry_run: boolean;
  interactions: Record<"matched" | "deleted" | "already_gone" | "deferred" | "skipped" | "failed", number>;
  resources: Record<"deleted" | "already_gone" | "deferred" | "skipped" | "failed", number>;
  resources_by_kind: Record<
    "messages" | "calls" | "media" | "recordings" | "transcriptions",
    Record<"deleted" | "already_gone" | "deferred" | "skipped" | "failed", number>
  >;
  failures: {
    interaction_sid: string;
    resource_sid: string | null;
    status: number | null;
    code: number | null;
    message: string;
  }[];
  deferred: { interaction_sid: string; resource_sid: string; code: number }[];
  skipped: { interaction_sid: string; resource_sid: string; reason: string }[];
  stopped: string | null;
  duration_ms: number;
  would_delete?: {
    interactions: number;
    resources: number;
    resources_by_kind: Record<"messages" | "calls" | "media" | "recordings" | "transcriptions", number>;
  };
}

let emu: Emulator;
let env: Record<string, string | undefined>;
let dir: string;

beforeAll(async () => {
  emu = await emulator();
  env = envFor(emu);
  dir = await mkdtemp(join(tmpdir(), "proxy-ix-test-"));
});
afterAll(() => emu.close());

async function listAll(args: string[]): Promise<Interaction[]> {
  const result = await runCli(["list", ...args, "--ndjson"], { env });
  expect(result.code).toBe(0);
  return lines(result.stdout).map((line) => JSON.parse(line) as Interaction);
}

function legs(interaction: Interaction): string[] {
  return [interaction.inbound_resource_sid, interaction.outbound_resource_sid].filter(
    (sid): sid is string => !!sid,
  );
}

async function exists(path: string): Promise<boolean> {
  const { status } = await apiGet(emu, path);
  if (status !== 200 && status !== 404) throw new Error(`unexpected ${status} for ${path}`);
  return status === 200;
}

/** What lies under these legs, read by the test itself through the API (v2010 lists, one page of up to 1000). */
async function childrenOf(legSids: string[]) {
  const count = { media: 0, recordings: 0, transcriptions: 0 };
  const items = async (path: string, key: string) => {
    const { status, body } = await apiGet(emu, `${path}?PageSize=1000`);
    if (status !== 200) throw new Error(`GET ${path}: ${status}`);
    return (body as Record<string, { sid: string }[]>)[key] ?? [];
  };
  for (const sid of legSids) {
    const base = resourcePath(emu, sid).replace(/\.json$/, "");
    if (!sid.startsWith("CA")) {
      count.media += (await items(`${base}/Media.json`, "media_list")).length;
      continue;
    }
    for (const recording of await items(`${base}/Recordings.json`, "recordings")) {
      count.recordings++;
      const path = `/2010-04-01/Accounts/${emu.accountSid}/Recordings/${recording.sid}/Transcriptions.json`;
      count.transcriptions += (await items(path, "transcriptions")).length;
    }
  }
  return count;
}

describe("purge --include-resources", () => {
  it("purges a Session of 2,000: only deferred Interactions stay, with their resources; no orphans; others untouched", async () => {
    reseed(emu, { sessions: 3, interactions: 2000, notFinalRate: 0.05 });
    const before = await stateOf(emu);
    const [target, ...others] = before.sessions;
    if (!target) throw new Error("seed");
    const interactions = await listAll(["--session", target.sid]);
    expect(interactions).toHaveLength(2000);

    const result = await runCli(
      ["purge", "--session", target.sid, "--include-resources", "--yes", "--json"],
      { env },
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.interactions.matched).toBe(2000);
    expect(report.interactions.failed).toBe(0);
    expect(report.resources.failed).toBe(0);
    expect(report.interactions.deferred).toBeGreaterThan(0);
    expect(report.interactions.deleted + report.interactions.deferred).toBe(2000);

    const left = await listAll(["--session", target.sid]);
    const deferredSids = new Set(report.deferred.map((d) => d.interaction_sid));
    expect(left.map((i) => i.sid).sort()).toEqual([...deferredSids].sort());
    const leftSids = new Set(left.map((i) => i.sid));
    for (const interaction of interactions) {
      const kept = leftSids.has(interaction.sid);
      for (const sid of legs(interaction)) {
        const deferredHere = report.deferred.some((d) => d.resource_sid === sid);
        // A deleted Interaction's resources are all gone; a kept one keeps at least its deferred ones.
        if (!kept) expect(await exists(resourcePath(emu, sid))).toBe(false);
        else if (deferredHere) expect(await exists(resourcePath(emu, sid))).toBe(true);
      }
    }
    const after = await stateOf(emu);
    expect(after.counts.orphans).toBe(0);
    for (const other of others) {
      expect(after.sessions.find((s) => s.sid === other.sid)?.interactions).toBe(other.interactions);
    }
    // The legs (Messages and Calls) alone: Media, Recordings and Transcriptions count under their own kinds.
    const { messages, calls } = report.resources_by_kind;
    expect(messages.deleted + calls.deleted).toBe(
      interactions.filter((i) => !leftSids.has(i.sid)).reduce((n, i) => n + legs(i).length, 0) +
        left.reduce((n, i) => n + legs(i).length, 0) -
        (messages.deferred + calls.deferred),
    );
    const kinds = Object.values(report.resources_by_kind);
    expect(kinds.reduce((n, k) => n + k.deleted, 0)).toBe(report.resources.deleted);
    // The seed put Media and Recordings on this Session: they were erased too (0 orphans above).
    expect(report.resources_by_kind.media.deleted).toBeGreaterThan(0);
    expect(report.resources_by_kind.recordings.deleted).toBeGreaterThan(0);

    // A later run, once the resources are final, finishes the job.
    emu.finalizeAll();
    const rerun = await runCli(["purge", "--session", target.sid, "--include-resources", "--yes", "--json"], {
      env,
    });
    expect(rerun.code).toBe(0);
    expect((JSON.parse(rerun.stdout) as Report).interactions.deleted).toBe(left.length);
    expect(await listAll(["--session", target.sid])).toHaveLength(0);
    expect((await stateOf(emu)).counts.orphans).toBe(0);
  });

  it("a Recording still processing (20009) keeps its Call and its Interaction; once final, a re-run erases every kind", async () => {
    reseed(emu, { sessions: 1, interactions: 300, notFinalRate: 0.2, recordingRate: 1, mediaRate: 0.5 });
    const session = (await stateOf(emu)).sessions[0]?.sid as string;
    const args = ["purge", "--session", session, "--include-resources", "--yes", "--json"];
    const result = await runCli(args, { env });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.resources_by_kind.recordings.deferred).toBeGreaterThan(0);
    expect(report.resources_by_kind.media.deleted).toBeGreaterThan(0);
    expect(report.resources_by_kind.transcriptions.deleted).toBeGreaterThan(0);
    const left = new Map((await listAll(["--session", session])).map((i) => [i.sid, i]));
    const processing = report.deferred.filter((d) => d.resource_sid.startsWith("RE"));
    expect(processing.length).toBe(report.resources_by_kind.recordings.deferred);
    for (const entry of processing) {
      const interaction = left.get(entry.interaction_sid);
      if (!interaction) throw new Error(`${entry.interaction_sid} was deleted though its Recording stays`);
      // The Recording is still reachable under one of the Interaction's Calls, which stays too.
      const found = [];
      for (const call of legs(interaction).filter((sid) => sid.startsWith("CA"))) {
        const path = resourcePath(emu, call).replace(/\.json$/, `/Recordings/${entry.resource_sid}.json`);
        if ((await apiGet(emu, path)).status === 200) found.push(call);
      }
      expect(found).toHaveLength(1);
      expect(await exists(resourcePath(emu, found[0] as string))).toBe(true);
    }
    expect((await stateOf(emu)).counts.orphans).toBe(0);

    emu.finalizeAll();
    expect((await runCli(args, { env })).code).toBe(0);
    const after = await stateOf(emu);
    expect(after.counts).toMatchObject({
      interactions: 0,
      media: 0,
      recordings: 0,
      transcriptions: 0,
      orphans: 0,
    });
  });

  it("--all-sessions with --until and --type removes exactly the matching Interactions", async () => {
    reseed(emu, { sessions: 3, interactions: 60, notFinalRate: 0 });
    const all = await listAll(["--all-sessions"]);
    const cut = Date.now() - 30 * 86_400_000;
    const matching = all.filter((i) => i.type === "message" && Date.parse(i.date_created) < cut);
    expect(matching.length).toBeGreaterThan(0);
    const result = await runCli(
      [
        "purge",
        "--all-sessions",
        "--until",
        "30d",
        "--type",
        "message",
        "--include-resources",
        "--yes",
        "--json",
      ],
      { env },
    );
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.interactions.deleted).toBe(matching.length);
    const left = new Set((await listAll(["--all-sessions"])).map((i) => i.sid));
    for (const interaction of all) expect(left.has(interaction.sid)).toBe(!matching.includes(interaction));
    expect((await stateOf(emu)).counts.orphans).toBe(0);
  });

  it("--limit deletes at most N Interactions this run", async () => {
    reseed(emu, { sessions: 1, interactions: 50, notFinalRate: 0 });
    const session = (await stateOf(emu)).sessions[0]?.sid as string;
    const result = await runCli(
      ["purge", "--session", session, "--limit", "7", "--include-resources", "--yes", "--json"],
      {
        env,
      },
    );
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as Report).interactions.deleted).toBe(7);
    expect((await stateOf(emu)).counts.interactions).toBe(43);
  });
});

describe("Twilio's paging: each page token names the last item of its page", () => {
  // The emulator's default for a token whose item was deleted is the worst case: the listing ends
  // there, silently. `error` answers 400 instead. Either way one run must reach the end.
  for (const deletedAnchor of [undefined, "error"] as const) {
    it(`purges a Session of 2,500 (pages of 100) in one run${deletedAnchor ? `, --deleted-anchor ${deletedAnchor}` : ", default emulator"}: only deferred ones left, 0 orphans`, async () => {
      reseed(emu, { sessions: 1, interactions: 2500, ...(deletedAnchor ? { deletedAnchor } : {}) });
      const session = (await stateOf(emu)).sessions[0]?.sid as string;
      const result = await runCli(["purge", "--session", session, "--include-resources", "--yes", "--json"], {
        env,
      });
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      const report = JSON.parse(result.stdout) as Report;
      expect(report.interactions.matched).toBe(2500);
      expect(report.interactions.failed).toBe(0);
      expect(report.interactions.deleted + report.interactions.deferred).toBe(2500);
      const state = await stateOf(emu);
      expect(state.counts.interactions).toBe(report.interactions.deferred);
      expect(state.counts.orphans).toBe(0);
      const left = new Set((await listAll(["--session", session])).map((i) => i.sid));
      expect(left).toEqual(new Set(report.deferred.map((d) => d.interaction_sid)));
    });
  }
});

describe("safety", () => {
  it("--dry-run lists and counts, deletes nothing and needs no --yes", async () => {
    reseed(emu, { sessions: 2, interactions: 30, notFinalRate: 0 });
    const session = (await stateOf(emu)).sessions[0]?.sid as string;
    const plan = await runCli(["purge", "--session", session, "--include-resources", "--dry-run"], { env });
    expect(plan.code).toBe(0);
    const planned = lines(plan.stdout).filter((line) => line.startsWith("KI"));
    expect(planned).toHaveLength(30);
    expect(lines(plan.stdout)).toHaveLength(30);
    expect(plan.stderr).toContain("Dry run: nothing was deleted.");
    const json = await runCli(["purge", "--session", session, "--include-resources", "--dry-run", "--json"], {
      env,
    });
    const report = JSON.parse(json.stdout) as Report;
    expect(report.dry_run).toBe(true);
    expect(report.would_delete?.interactions).toBe(30);
    const interactions = await listAll(["--session", session]);
    const legSids = interactions.flatMap(legs);
    const children = await childrenOf(legSids);
    expect(report.would_delete?.resources_by_kind).toEqual({
      messages: legSids.filter((sid) => !sid.startsWith("CA")).length,
      calls: legSids.filter((sid) => sid.startsWith("CA")).length,
      media: children.media,
      recordings: children.recordings,
      transcriptions: children.transcriptions,
    });
    expect(children.media + children.recordings).toBeGreaterThan(0);
    expect(report.would_delete?.resources).toBe(
      legSids.length + children.media + children.recordings + children.transcriptions,
    );
    const state = await stateOf(emu);
    expect(state.requests.by_status["204"] ?? 0).toBe(0);
    expect(state.counts.interactions).toBe(60);
  });

  it("refuses to delete without a terminal unless --yes: exit 2, nothing sent", async () => {
    reseed(emu, { sessions: 1, interactions: 5 });
    const session = (await stateOf(emu)).sessions[0]?.sid as string;
    const result = await runCli(["purge", "--session", session], { env });
    expect(result.code).toBe(2);
    expect(lines(result.stderr)).toEqual([expect.stringContaining("--yes")]);
    expect((await stateOf(emu)).requests.total).toBe(0);
  });

  it("on a terminal, shows the plan and asks; 'n' deletes nothing, 'y' deletes", async () => {
    reseed(emu, { sessions: 1, interactions: 12, notFinalRate: 0 });
    const session = (await stateOf(emu)).sessions[0]?.sid as string;
    const no = await runCli(["purge", "--session", session, "--include-resources"], {
      env,
      tty: true,
      input: "n\n",
    });
    expect(no.stderr).toMatch(
      /Delete 12 Interactions in 1 Session and their \d+ linked Messages\/Calls\? Their Media, Recordings and Transcriptions go first\. This cannot be undone\. \[y\/N\]/,
    );
    expect(no.stderr).toContain("Cancelled: nothing was deleted.");
    expect(no.code).toBe(2);
    expect((await stateOf(emu)).counts.interactions).toBe(12);
    const yes = await runCli(["purge", "--session", session, "--include-resources"], {
      env,
      tty: true,
      input: "y\n",
    });
    expect(yes.code).toBe(0);
    expect(yes.stderr).toMatch(/Interactions: 12 matched, 12 deleted/);
    expect((await stateOf(emu)).counts.interactions).toBe(0);
  });

  it("without --include-resources deletes only Interactions, and tells a terminal user once", async () => {
    reseed(emu, { sessions: 1, interactions: 10, notFinalRate: 0 });
    const session = (await stateOf(emu)).sessions[0]?.sid as string;
    const interactions = await listAll(["--session", session]);
    const result = await runCli(["purge", "--session", session, "--yes"], { env, tty: true });
    expect(result.code).toBe(0);
    expect(result.stderr.match(/linked Messages and Calls stay in the account/g)).toHaveLength(1);
    const state = await stateOf(emu);
    expect(state.counts.interactions).toBe(0);
    expect(state.counts.orphans).toBe(interactions.reduce((n, i) => n + legs(i).length, 0));
  });

  it("--export appends every removed Interaction before deleting it, mode 0600, never truncating", async () => {
    reseed(emu, { sessions: 1, interactions: 25, notFinalRate: 0 });
    const session = (await stateOf(emu)).sessions[0]?.sid as string;
    const interactions = await listAll(["--session", session]);
    const secrets = await personalData(emu);
    const file = join(dir, "export.ndjson");
    const first = await runCli(
      ["purge", "--session", session, "--limit", "10", "--include-resources", "--yes", "--export", file],
      { env },
    );
    expect(first.code).toBe(0);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const second = await runCli(
      ["purge", "--session", session, "--include-resources", "--yes", "--export", file],
      { env },
    );
    expect(second.code).toBe(0);
    const exported = lines(await readFile(file, "utf8")).map((line) => JSON.parse(line));
    expect(exported.map((i) => i.sid).sort()).toEqual(interactions.map((i) => i.sid).sort());
    // Format v2 (docs/output.md): what was erased, by SID and kind, and nothing of its content.
    const first0 = interactions[0] as Interaction;
    const line = exported.find((i) => i.sid === first0.sid);
    expect(line).toMatchObject({
      v: 2,
      kind: "interaction",
      account_sid: emu.accountSid,
      session_sid: session,
      date_created: first0.date_created,
    });
    const legKinds = (line.resources as { kind: string; sid: string }[]).filter((r) =>
      ["message", "call"].includes(r.kind),
    );
    expect(legKinds.map((r) => r.sid)).toEqual(legs(first0));
    await expectNoPersonalData(file, secrets);
  });

  it("an existing --export file that others can read is refused before anything is sent", async () => {
    reseed(emu, { sessions: 1, interactions: 5 });
    const session = (await stateOf(emu)).sessions[0]?.sid as string;
    const file = join(dir, "shared.ndjson");
    await writeFile(file, "", { mode: 0o644 });
    await chmod(file, 0o644);
    const result = await runCli(["purge", "--session", session, "--yes", "--export", file], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("can be read by others (mode 644)");
    expect((await stateOf(emu)).requests.total).toBe(0);
  });

  it("keeps a failing exit code when the reader of stdout has gone away", async () => {
    reseed(emu, { sessions: 1, interactions: 10, notFinalRate: 0 });
    emu.setFaults({ legalHold: true });
    try {
      const session = (await stateOf(emu)).sessions[0]?.sid as string;
      const { spawn } = await import("node:child_process");
      const code = await new Promise<number | null>((resolve) => {
        const child = spawn(
          "bash",
          [
            "-c",
            `set -o pipefail; node ${BIN} purge --session ${session} --include-resources --yes --json | head -c 0`,
          ],
          { env: { PATH: process.env.PATH, ...env } as NodeJS.ProcessEnv, stdio: "ignore" },
        );
        child.on("close", resolve);
      });
      expect(code).toBe(1);
    } finally {
      emu.setFaults({ legalHold: false });
    }
  });

  it("an --export path that cannot be written is a usage error before anything is sent", async () => {
    reseed(emu, { sessions: 1, interactions: 5 });
    const session = (await stateOf(emu)).sessions[0]?.sid as string;
    const result = await runCli(
      ["purge", "--session", session, "--yes", "--export", join(dir, "no-such-dir", "x.ndjson")],
      { env },
    );
    expect(result.code).toBe(2);
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toContain("--export");
    expect((await stateOf(emu)).requests.total).toBe(0);
  });
});

describe("outcomes", () => {
  it("reports skipped (foreign resource kinds) and deferred (20009) Interactions, and keeps them", async () => {
    reseed(emu, { sessions: 1, interactions: 200, notFinalRate: 0.1, foreignRate: 0.1 });
    const session = (await stateOf(emu)).sessions[0]?.sid as string;
    const result = await runCli(["purge", "--session", session, "--include-resources", "--yes", "--json"], {
      env,
    });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.interactions.skipped).toBeGreaterThan(0);
    expect(report.interactions.deferred).toBeGreaterThan(0);
    expect(report.skipped.every((s) => !/^(SM|MM|CA)/.test(s.resource_sid))).toBe(true);
    expect(report.deferred.every((d) => d.code === 20009)).toBe(true);
    const left = new Set((await listAll(["--session", session])).map((i) => i.sid));
    for (const entry of [...report.skipped, ...report.deferred])
      expect(left.has(entry.interaction_sid)).toBe(true);
    expect(left.size).toBe(report.interactions.skipped + report.interactions.deferred);
    expect((await stateOf(emu)).counts.orphans).toBe(0);

    const human = await runCli(["purge", "--session", session, "--include-resources", "--yes"], { env });
    expect(human.code).toBe(0);
    expect(human.stderr).toContain("Deferred (not finalized yet, Twilio error 20009): run again later:");
    expect(human.stderr).toContain("Skipped (kept):");
  });

  it("stops on legal hold (80615): nothing deleted, exit 1, reported", async () => {
    reseed(emu, { sessions: 1, interactions: 100, notFinalRate: 0 });
    emu.setFaults({ legalHold: true });
    try {
      const session = (await stateOf(emu)).sessions[0]?.sid as string;
      const result = await runCli(["purge", "--session", session, "--include-resources", "--yes", "--json"], {
        env,
      });
      expect(result.code).toBe(1);
      const report = JSON.parse(result.stdout) as Report;
      expect(report.stopped).toBe("legal_hold");
      expect(report.interactions.deleted).toBe(0);
      expect(report.failures[0]?.code).toBe(80615);
      // It stopped starting new work: far fewer than 100 Interactions were tried.
      expect(report.interactions.matched).toBeLessThan(100);
      expect((await stateOf(emu)).counts.interactions).toBe(100);
    } finally {
      emu.setFaults({ legalHold: false });
    }
  });

  it("delete removes the given Interactions and reports ones already gone", async () => {
    reseed(emu, { sessions: 1, interactions: 10, notFinalRate: 0 });
    const session = (await stateOf(emu)).sessions[0]?.sid as string;
    const [a, b] = await listAll(["--session", session]);
    if (!a || !b) throw new Error("seed");
    const first = await runCli(
      ["delete", a.sid, b.sid, "--session", session, "--include-resources", "--yes", "--json"],
      {
        env,
      },
    );
    expect(first.code).toBe(0);
    expect((JSON.parse(first.stdout) as Report).interactions).toMatchObject({ matched: 2, deleted: 2 });
    for (const sid of [...legs(a), ...legs(b)]) expect(await exists(resourcePath(emu, sid))).toBe(false);
    const again = await runCli(
      ["delete", a.sid, "--session", session, "--include-resources", "--yes", "--json"],
      { env },
    );
    expect(again.code).toBe(0);
    expect((JSON.parse(again.stdout) as Report).interactions).toMatchObject({ deleted: 0, already_gone: 1 });
    const plan = await runCli(["delete", a.sid, "--session", session, "--dry-run"], { env });
    expect(plan.code).toBe(0);
    expect(plan.stderr).toContain("1 of the given Interactions were not found (already gone)");
    expect((await stateOf(emu)).counts.interactions).toBe(8);
  });
});

describe("errors while deleting", () => {
  it("a Session that does not exist: exit 4 for purge and delete, as for list; nothing deleted", async () => {
    reseed(emu, { sessions: 1, interactions: 5 });
    const missing = `KC${"0".repeat(32)}`;
    const ki = `KI${"1".repeat(32)}`;
    const purge = await runCli(["purge", "--session", missing, "--yes", "--json"], { env });
    expect(purge.code).toBe(4);
    expect(JSON.parse(purge.stdout).stopped).toBe("error");
    const del = await runCli(["delete", ki, "--session", missing, "--yes"], { env });
    expect(del.code).toBe(4);
    expect(lines(del.stderr)).toEqual([expect.stringContaining("20404")]);
    expect((await stateOf(emu)).requests.by_method?.DELETE ?? 0).toBe(0);
  });

  it("credentials refused while listing: exit 3", async () => {
    reseed(emu, { sessions: 1, interactions: 5 });
    const session = (await stateOf(emu)).sessions[0]?.sid as string;
    const result = await runCli(["purge", "--session", session, "--yes"], {
      env: { ...env, TWILIO_AUTH_TOKEN: "nope-nope" },
    });
    expect(result.code).toBe(3);
  });
});
