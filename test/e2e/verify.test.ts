import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lines, runCli } from "../helpers/cli.js";
import { type Emulator, emulator, envFor, reseed, stateOf } from "../helpers/emulator.js";
import { STUB_ACCOUNT, type StubInteraction, stubTwilio, twilioError } from "../helpers/stub-twilio.js";

/**
 * Issue 12, item 3: `proxy-ix verify FILE…` proves that what an export lists is gone. The export files
 * are written here by hand, v2 and v1 lines, from what the emulator holds; the test deletes part of it
 * through the emulator's API, and verify must name exactly the rest.
 */
let emu: Emulator;
let dir: string;
let env: Record<string, string | undefined>;

beforeAll(async () => {
  emu = await emulator();
  env = envFor(emu);
  dir = await mkdtemp(join(tmpdir(), "proxy-ix-verify-"));
});
afterAll(async () => {
  await emu.close();
  await rm(dir, { recursive: true, force: true });
});

interface Item {
  kind: string;
  sid: string;
  parent: string;
  path: string;
}

/** What the emulator holds, as export lines (session 0 as v2, session 1 as v1) and the items they list. */
function exportOf(): { v2: string[]; v1: string[]; items: Item[] } {
  const { store, accountSid } = emu;
  const api = `/2010-04-01/Accounts/${accountSid}`;
  const [first, second] = store.listSessions();
  if (!first || !second) throw new Error("the seed has two Sessions");
  const items: Item[] = [];
  const proxy = (session: { sid: string; service_sid: string }) =>
    `/v1/Services/${session.service_sid}/Sessions/${session.sid}`;
  const v2: string[] = [];
  for (const interaction of store.listInteractions(first.sid)) {
    const resources: { kind: string; sid: string; parent_sid?: string }[] = [];
    items.push({
      kind: "interaction",
      sid: interaction.sid,
      parent: first.sid,
      path: `${proxy(first)}/Interactions/${interaction.sid}`,
    });
    for (const leg of [interaction.inbound_resource_sid, interaction.outbound_resource_sid]) {
      if (!leg) continue;
      if (leg.startsWith("CA")) {
        resources.push({ kind: "call", sid: leg });
        items.push({ kind: "call", sid: leg, parent: interaction.sid, path: `${api}/Calls/${leg}.json` });
        for (const recording of store.listRecordings().filter((r) => r.call_sid === leg)) {
          resources.push({ kind: "recording", sid: recording.sid, parent_sid: leg });
          items.push({
            kind: "recording",
            sid: recording.sid,
            parent: leg,
            path: `${api}/Calls/${leg}/Recordings/${recording.sid}.json`,
          });
          for (const tr of store.listTranscriptions().filter((t) => t.recording_sid === recording.sid)) {
            resources.push({ kind: "transcription", sid: tr.sid, parent_sid: recording.sid });
            items.push({
              kind: "transcription",
              sid: tr.sid,
              parent: recording.sid,
              path: `${api}/Recordings/${recording.sid}/Transcriptions/${tr.sid}.json`,
            });
          }
        }
      } else {
        resources.push({ kind: "message", sid: leg });
        items.push({
          kind: "message",
          sid: leg,
          parent: interaction.sid,
          path: `${api}/Messages/${leg}.json`,
        });
        for (const media of store.listMedia().filter((m) => m.parent_sid === leg)) {
          resources.push({ kind: "media", sid: media.sid, parent_sid: leg });
          items.push({
            kind: "media",
            sid: media.sid,
            parent: leg,
            path: `${api}/Messages/${leg}/Media/${media.sid}.json`,
          });
        }
      }
    }
    v2.push(
      JSON.stringify({
        v: 2,
        kind: "interaction",
        exported_at: new Date().toISOString(),
        account_sid: accountSid,
        service_sid: first.service_sid,
        session_sid: first.sid,
        sid: interaction.sid,
        type: interaction.type,
        date_created: interaction.date_created,
        resources,
      }),
    );
  }
  const participants = store.listParticipants(first.sid);
  v2.push(
    JSON.stringify({
      v: 2,
      kind: "session",
      exported_at: new Date().toISOString(),
      account_sid: accountSid,
      service_sid: first.service_sid,
      sid: first.sid,
      status: first.status,
      date_created: first.date_created,
      participants: participants.map((p) => ({ sid: p.sid, identifier_last2: p.identifier.slice(-2) })),
    }),
  );
  items.push({ kind: "session", sid: first.sid, parent: first.service_sid, path: proxy(first) });
  for (const p of participants) {
    items.push({
      kind: "participant",
      sid: p.sid,
      parent: first.sid,
      path: `${proxy(first)}/Participants/${p.sid}`,
    });
  }
  // v1: the Interaction exactly as the API returned it (older proxy-ix); only its Message/Call legs count.
  const v1: string[] = [];
  for (const interaction of store.listInteractions(second.sid)) {
    v1.push(JSON.stringify(interaction));
    items.push({
      kind: "interaction",
      sid: interaction.sid,
      parent: second.sid,
      path: `${proxy(second)}/Interactions/${interaction.sid}`,
    });
    for (const leg of [interaction.inbound_resource_sid, interaction.outbound_resource_sid]) {
      if (!leg) continue;
      const kind = leg.startsWith("CA") ? "call" : "message";
      const path = `${api}/${kind === "call" ? "Calls" : "Messages"}/${leg}.json`;
      items.push({ kind, sid: leg, parent: interaction.sid, path });
    }
  }
  return { v2, v1, items };
}

async function apiDelete(path: string): Promise<void> {
  const auth = Buffer.from(`${emu.accountSid}:${emu.authToken}`).toString("base64");
  const response = await fetch(`${emu.url}${path}`, {
    method: "DELETE",
    headers: { authorization: `Basic ${auth}` },
  });
  if (response.status !== 204) throw new Error(`DELETE ${path}: ${response.status}`);
}

async function write(name: string, content: string[]): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, `${content.join("\n")}\n`);
  return file;
}

/** The TSV rows of `verify` (piped): kind, sid, parent, state. */
function rowsOf(stdout: string): string[] {
  return lines(stdout).sort();
}

describe("verify", () => {
  it("names exactly what is left, passes once all is gone, and notices a Recording restored behind its back", async () => {
    reseed(emu, { sessions: 2, interactions: 6, mediaRate: 1, recordingRate: 1, notFinalRate: 0 });
    const { v2, v1, items } = exportOf();
    const kinds = new Set(items.map((item) => item.kind));
    expect([...kinds].sort()).toEqual(
      [
        "call",
        "interaction",
        "media",
        "message",
        "participant",
        "recording",
        "session",
        "transcription",
      ].sort(),
    );
    const v2File = await write("v2.ndjson", v2);
    const v1File = await write("v1.ndjson", v1);

    // Leave one item of every kind that can be deleted one by one, plus the Session and its Participants
    // (the emulator deletes Participants only with their Session); delete everything else.
    const left = new Set<Item>();
    for (const kind of ["interaction", "message", "call", "media", "recording", "transcription"]) {
      left.add(items.find((item) => item.kind === kind) as Item);
    }
    for (const item of items) if (item.kind === "session" || item.kind === "participant") left.add(item);
    for (const item of items) if (!left.has(item)) await apiDelete(item.path);

    const first = await runCli(["verify", v2File, v1File], { env });
    expect(first.stderr).toMatch(
      new RegExp(`Checked ${items.length}: ${items.length - left.size} gone; ${left.size} still exist\\.`),
    );
    expect(first.code).toBe(1);
    expect(rowsOf(first.stdout)).toEqual(
      [...left].map((item) => `${item.kind}\t${item.sid}\t${item.parent}\tremaining`).sort(),
    );

    // The rest goes (the Session last: its DELETE takes its Participants along).
    for (const item of left)
      if (item.kind !== "session" && item.kind !== "participant") await apiDelete(item.path);
    await apiDelete(items.find((item) => item.kind === "session")?.path as string);
    const second = await runCli(["verify", v2File, v1File], { env });
    expect(second.stdout).toBe("");
    expect(second.stderr).toContain(
      `Checked ${items.length}: ${items.length} gone; everything listed is gone.`,
    );
    expect(second.code).toBe(0);

    // Twilio keeps a Recording behind the tool's back: verify must say so.
    const recording = items.find((item) => item.kind === "recording") as Item;
    const restore = await fetch(`${emu.url}/__emulator/restore-recording`, {
      method: "POST",
      body: JSON.stringify({ sid: recording.sid }),
    });
    expect(restore.status).toBe(200);
    const third = await runCli(["verify", "--json", v2File, v1File], { env });
    expect(third.code).toBe(1);
    const report = JSON.parse(third.stdout);
    expect(report.remaining).toEqual([{ kind: "recording", sid: recording.sid, parent: recording.parent }]);
    expect(report.all_gone).toBe(false);
    expect(report.totals.recording).toEqual({
      checked: items.filter((item) => item.kind === "recording").length,
      gone: items.filter((item) => item.kind === "recording").length - 1,
      remaining: 1,
      not_visible: 0,
      errors: 0,
    });
    expect(report.totals.all).toEqual({
      checked: items.length,
      gone: items.length - 1,
      remaining: 1,
      not_visible: 0,
      errors: 0,
    });
    expect(report.errors).toEqual([]);
    expect(report.other_account).toEqual({ lines: 0, account_sids: [] });

    // On a terminal: an aligned table with a header.
    const table = await runCli(["verify", v2File, v1File], { env, tty: true });
    expect(table.code).toBe(1);
    expect(lines(table.stdout).map((line) => line.split(/\s+/).join(" "))).toEqual([
      "KIND SID PARENT STATE",
      `recording ${recording.sid} ${recording.parent} remaining`,
    ]);
  });

  it("reports what it could not check as such, never as gone", async () => {
    reseed(emu, { sessions: 2, interactions: 1, notFinalRate: 0 });
    const { v1 } = exportOf();
    const file = await write("unchecked.ndjson", v1.slice(0, 1));
    const interactionSid = JSON.parse(v1[0] as string).sid;
    // 500s, 503s and cut connections, after the client's retries: nothing is proven either way.
    emu.setFaults({ failRate: 1 });
    try {
      const result = await runCli(["verify", "--json", file], { env, timeoutMs: 50_000 });
      expect(result.code).toBe(1);
      const report = JSON.parse(result.stdout);
      expect(report.all_gone).toBe(false);
      expect(report.totals.all.gone).toBe(0);
      expect(report.totals.all.errors).toBe(report.totals.all.checked);
      expect(report.errors.map((error: { sid: string }) => error.sid)).toContain(interactionSid);
    } finally {
      emu.setFaults({ failRate: 0 });
    }
  }, 60_000);

  it("takes only Twilio's 404/20404 for gone: a gateway's 404 is a failure to check; refused credentials stop", async () => {
    const stub = await stubTwilio(1, 1);
    try {
      const interaction = [...stub.interactions.values()][0]?.[0] as StubInteraction;
      const file = await write("stub.ndjson", [JSON.stringify(interaction)]);
      stub.script({ path: /\/Interactions\/KI/, times: 1, answer: twilioError(404, 20404) });
      stub.script({
        path: new RegExp(`/Messages/${interaction.inbound_resource_sid}\\.json$`),
        times: 1,
        answer: { status: 404, headers: { "content-type": "text/html" }, body: "<html>Not Found</html>" },
      });
      stub.script({
        path: new RegExp(`/Messages/${interaction.outbound_resource_sid}\\.json$`),
        times: 1,
        answer: twilioError(404, 20404),
      });
      // The stub's Interactions date from 2025: within --visible-days 3650 a 20404 proves "gone".
      const result = await runCli(["verify", "--visible-days", "3650", file], { env: stub.env() });
      expect(result.stderr).toContain("Checked 3: 2 gone; 1 could not be checked.");
      expect(result.code).toBe(1);
      expect(lines(result.stdout)).toEqual([
        `message\t${interaction.inbound_resource_sid}\t${interaction.sid}\tunchecked: GET /2010-04-01/Accounts/${STUB_ACCOUNT}/Messages/${interaction.inbound_resource_sid}.json: HTTP 404: unexpected response (text/html, not a Twilio error)`,
      ]);

      stub.script({ path: /./, answer: twilioError(401, 20003) });
      const refused = await runCli(["verify", file], { env: stub.env() });
      expect(refused.code).toBe(3);
      expect(refused.stdout).toBe("");
    } finally {
      await stub.close();
    }
  });

  it("reports lines of another account without checking them: no proof, exit 1", async () => {
    reseed(emu, { sessions: 2, interactions: 1, notFinalRate: 0 });
    const { v1 } = exportOf();
    const other = `AC${"0".repeat(32)}`;
    const line = { ...JSON.parse(v1[0] as string), account_sid: other };
    const file = await write("other.ndjson", [JSON.stringify(line)]);
    const before = (await stateOf(emu)).requests.total;
    const result = await runCli(["verify", file], { env });
    expect(result.stderr).toContain(`1 line of another account (${other}) not checked`);
    expect(result.stderr).toContain("Checked 0: 0 gone; everything checked is gone.");
    expect(result.code).toBe(1);
    expect((await stateOf(emu)).requests.total).toBe(before);
  });

  describe("bad input: one line naming file and line, exit 2, nothing sent", () => {
    const good = () => exportOf().v1[0] as string;
    it.each([
      ["a line that is not JSON", (ok: string) => [ok, "{not json"], /:2: not JSON$/],
      [
        "an unknown format version",
        (ok: string) => [ok, ok, JSON.stringify({ v: 3, kind: "interaction" })],
        /:3: unknown export format "v": 3$/,
      ],
      [
        "a malformed SID",
        (ok: string) => [JSON.stringify({ ...JSON.parse(ok), sid: "KI../../x" })],
        /:1: "sid" is not a KI SID$/,
      ],
      ["an unknown v2 kind", () => [JSON.stringify({ v: 2, kind: "note" })], /:1: unknown "kind"/],
    ])("%s", async (_name, build, message) => {
      reseed(emu, { sessions: 2, interactions: 1, notFinalRate: 0 });
      const file = await write(`bad-${_name.replace(/\W+/g, "-")}.ndjson`, build(good()));
      const before = (await stateOf(emu)).requests.total;
      const result = await runCli(["verify", file], { env });
      expect(result.code).toBe(2);
      expect(lines(result.stderr)).toHaveLength(1);
      expect(result.stderr.trim()).toMatch(
        new RegExp(`^proxy-ix: ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}${message.source}`),
      );
      expect(result.stdout).toBe("");
      expect((await stateOf(emu)).requests.total).toBe(before);
    });

    it("an unreadable file", async () => {
      const missing = join(dir, "no-such-file.ndjson");
      const result = await runCli(["verify", missing], { env });
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(`proxy-ix: cannot read ${missing}: ENOENT\n`);
    });
  });
});
