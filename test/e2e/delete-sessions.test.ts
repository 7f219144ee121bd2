import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lines, runCli } from "../helpers/cli.js";
import { apiGet, type Emulator, emulator, envFor, reseed, stateOf } from "../helpers/emulator.js";

/**
 * Issue 12, item 2: `purge --delete-sessions`. The emulator seeds Sessions in turn open, in-progress,
 * closed, failed; deleting a Session deletes its Participants (and their phone numbers).
 */
let emu: Emulator;
let dir: string;
let env: Record<string, string | undefined>;
let files = 0;

beforeAll(async () => {
  emu = await emulator();
  env = envFor(emu);
  dir = await mkdtemp(join(tmpdir(), "proxy-ix-delete-sessions-"));
});
afterAll(async () => {
  await emu.close();
  await rm(dir, { recursive: true, force: true });
});

const fresh = () => join(dir, `export-${++files}.ndjson`);

function sessionsByStatus(): Record<string, string> {
  return Object.fromEntries(emu.store.listSessions().map((session) => [session.status, session.sid]));
}

function purge(args: string[]) {
  return runCli(["purge", "--include-resources", "--delete-sessions", "--yes", ...args], { env });
}

interface SessionDeletion {
  statuses: string[];
  deleted: number;
  already_gone: number;
  kept: number;
  failed: number;
  would_delete?: number;
  sessions: { session_sid: string; status: string; outcome: string; reason: string | null }[];
}

describe("purge --delete-sessions", () => {
  it("deletes the closed and failed Sessions it emptied, with their Participants; keeps open ones, saying why", async () => {
    reseed(emu, { sessions: 4, interactions: 3, notFinalRate: 0 });
    const sid = sessionsByStatus();
    const participants = Object.fromEntries(
      Object.entries(sid).map(([status, session]) => [status, emu.store.listParticipants(session)]),
    );
    expect(participants.closed?.length).toBeGreaterThan(0);
    const result = await purge(["--all-sessions", "--json", "--export", fresh()]);
    expect(result.code).toBe(0);
    const deletion: SessionDeletion = JSON.parse(result.stdout).session_deletion;
    expect(deletion).toMatchObject({ statuses: ["closed", "failed"], deleted: 2, kept: 2, failed: 0 });
    const kept = deletion.sessions.filter((entry) => entry.outcome === "kept");
    expect(kept.map((entry) => [entry.session_sid, entry.reason]).sort()).toEqual(
      [
        [sid.open, "its status is open (not in --session-status)"],
        [sid["in-progress"], "its status is in-progress (not in --session-status)"],
      ].sort(),
    );

    const state = await stateOf(emu);
    expect(state.sessions.map((session) => session.status).sort()).toEqual(["in-progress", "open"]);
    expect(state.counts.participants).toBe(
      (participants.open?.length ?? 0) + (participants["in-progress"]?.length ?? 0),
    );
    for (const status of ["closed", "failed"]) {
      for (const participant of participants[status] ?? [])
        expect(emu.store.getParticipant(participant.sid)).toBeUndefined();
      const service = emu.store.listServices()[0]?.sid;
      const gone = await apiGet(emu, `/v1/Services/${service}/Sessions/${sid[status]}/Participants`);
      expect(gone.status).toBe(404);
    }
  });

  it("deletes an open Session only when its status is named", async () => {
    reseed(emu, { sessions: 4, interactions: 2, notFinalRate: 0 });
    const sid = sessionsByStatus();
    const unnamed = await purge(["--session", sid.open as string, "--json"]);
    expect(unnamed.code).toBe(0);
    expect(JSON.parse(unnamed.stdout).session_deletion).toMatchObject({ deleted: 0, kept: 1 });
    expect(emu.store.getSession(sid.open as string)).toBeDefined();

    const named = await purge(["--session", sid.open as string, "--session-status", "open", "--json"]);
    expect(named.code).toBe(0);
    expect(JSON.parse(named.stdout).session_deletion).toMatchObject({
      deleted: 1,
      kept: 0,
      statuses: ["open"],
    });
    expect(emu.store.getSession(sid.open as string)).toBeUndefined();
    // The other Sessions were not in scope: untouched, Interactions and all.
    expect(
      emu.store
        .listSessions()
        .map((session) => session.status)
        .sort(),
    ).toEqual(["closed", "failed", "in-progress"]);
    expect(emu.store.listInteractions(sid.closed as string)).toHaveLength(2);
  });

  it("keeps a Session that still has a deferred Interaction", async () => {
    reseed(emu, { sessions: 4, interactions: 4, notFinalRate: 1 });
    const sid = sessionsByStatus();
    const result = await purge(["--session", sid.closed as string, "--json"]);
    const report = JSON.parse(result.stdout);
    expect(report.interactions.deferred).toBeGreaterThan(0);
    expect(report.session_deletion).toMatchObject({ deleted: 0, kept: 1, failed: 0 });
    expect(report.session_deletion.sessions[0].reason).toBe(
      "it still has Interactions (deferred, failed or not selected)",
    );
    expect(emu.store.getSession(sid.closed as string)).toBeDefined();
    expect(emu.store.listParticipants(sid.closed as string).length).toBeGreaterThan(0);
  });

  it("--dry-run deletes nothing and names the Sessions that would go", async () => {
    reseed(emu, { sessions: 4, interactions: 3, notFinalRate: 0 });
    const sid = sessionsByStatus();
    const before = await stateOf(emu);
    const result = await runCli(
      ["purge", "--all-sessions", "--include-resources", "--delete-sessions", "--dry-run"],
      {
        env,
      },
    );
    expect(result.code).toBe(0);
    const after = await stateOf(emu);
    expect(after.counts).toEqual(before.counts);
    expect(after.requests.by_method?.DELETE ?? 0).toBe(0);
    expect(result.stderr).toContain("Sessions (closed,failed): 2 would be deleted, 2 kept, 0 failed.");
    const wouldGo = lines(result.stderr).filter((line) => line.endsWith("would be deleted"));
    expect(wouldGo.sort()).toEqual(
      [`  ${sid.closed} (closed) would be deleted`, `  ${sid.failed} (failed) would be deleted`].sort(),
    );
  });

  it("writes a session line per deleted Session, with no full phone number and no unique_name", async () => {
    reseed(emu, { sessions: 4, interactions: 2, notFinalRate: 0 });
    const sid = sessionsByStatus();
    const uniqueNames = [sid.closed, sid.failed].map(
      (session) => emu.store.getSession(session as string)?.unique_name,
    );
    expect(uniqueNames.every((name) => typeof name === "string" && name.length > 0)).toBe(true);
    const people = [sid.closed, sid.failed].flatMap((session) =>
      emu.store.listParticipants(session as string),
    );
    const file = fresh();
    const result = await purge(["--all-sessions", "--json", "--export", file]);
    expect(result.code).toBe(0);
    const text = await readFile(file, "utf8");
    const sessionLines = lines(text)
      .map((line) => JSON.parse(line))
      .filter((line) => line.kind === "session");
    expect(sessionLines.map((line) => line.sid).sort()).toEqual([sid.closed, sid.failed].sort());
    for (const line of sessionLines) {
      expect(Object.keys(line).sort()).toEqual(
        [
          "v",
          "kind",
          "exported_at",
          "account_sid",
          "service_sid",
          "sid",
          "status",
          "date_created",
          "participants",
        ].sort(),
      );
      expect(line.v).toBe(2);
    }
    expect(
      sessionLines.flatMap((line) => line.participants).sort((a, b) => a.sid.localeCompare(b.sid)),
    ).toEqual(
      people
        .map((person) => ({ sid: person.sid, identifier_last2: person.identifier.slice(-2) }))
        .sort((a, b) => a.sid.localeCompare(b.sid)),
    );
    const sessionText = lines(text)
      .filter((line) => line.includes('"kind":"session"'))
      .join("\n");
    for (const person of people) {
      expect(sessionText).not.toContain(person.identifier);
      expect(sessionText).not.toContain(person.identifier.replace(/^\+/, ""));
      expect(sessionText).not.toContain(person.proxy_identifier);
    }
    for (const name of uniqueNames) expect(sessionText).not.toContain(name);
  });

  it("verify proves the deleted Sessions and their Participants gone from the export", async () => {
    reseed(emu, { sessions: 4, interactions: 2, notFinalRate: 0 });
    const sid = sessionsByStatus();
    const file = fresh();
    const result = await purge(["--session", sid.closed as string, "--json", "--export", file]);
    expect(JSON.parse(result.stdout).session_deletion).toMatchObject({ deleted: 1 });
    const participants = lines(await readFile(file, "utf8"))
      .map((line) => JSON.parse(line))
      .filter((line) => line.kind === "session")
      .flatMap((line) => line.participants);
    expect(participants.length).toBeGreaterThan(0);
    const verified = await runCli(["verify", "--json", file], { env });
    const report = JSON.parse(verified.stdout);
    expect(report.totals.session).toEqual({ checked: 1, gone: 1, remaining: 0, not_visible: 0, errors: 0 });
    expect(report.totals.participant).toMatchObject({
      checked: participants.length,
      gone: participants.length,
    });
    expect(verified.code).toBe(0);
  });

  it("the confirmation names the Sessions that would go; 'no' deletes nothing", async () => {
    reseed(emu, { sessions: 4, interactions: 2, notFinalRate: 0 });
    const before = await stateOf(emu);
    const result = await runCli(["purge", "--all-sessions", "--delete-sessions"], {
      env,
      tty: true,
      input: "n\n",
    });
    expect(result.stderr).toContain(
      "then every Session in scope left empty whose status is closed or failed (with its Participants)? This cannot be undone.",
    );
    expect(result.code).toBe(2);
    expect((await stateOf(emu)).counts).toEqual(before.counts);
  });
});
