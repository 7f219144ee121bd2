/**
 * Issue #12 item 5: Media on MMS, Recordings (some processing, some transcribed) on Calls, Participants,
 * Session DELETE, orphans per kind, and restoring a deleted Recording behind the tool's back.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../src/emulator/index.js";
import { DEFAULT_POLICY, DEFAULT_SEED } from "../../src/emulator/index.js";
import {
  callPath,
  del,
  expectTwilioError,
  get,
  type Json,
  messagePath,
  sessionPath,
  start,
} from "./helpers.js";

let emu: Emulator;

beforeAll(async () => {
  emu = await start();
});
afterAll(() => emu.close());

function reset(options: Parameters<Emulator["reset"]>[0] = {}): void {
  emu.reset({ ...DEFAULT_SEED, ...DEFAULT_POLICY, ...options });
}

const mediaList = (sid: string) => `${messagePath(emu, sid).replace(/\.json$/, "")}/Media.json`;
const mediaPath = (parent: string, sid: string) =>
  `${messagePath(emu, parent).replace(/\.json$/, "")}/Media/${sid}.json`;
const recordingList = (call: string) => `${callPath(emu, call).replace(/\.json$/, "")}/Recordings.json`;
const recordingPath = (call: string, sid: string) =>
  `${callPath(emu, call).replace(/\.json$/, "")}/Recordings/${sid}.json`;
const transcriptionList = (recording: string) =>
  `/2010-04-01/Accounts/${emu.accountSid}/Recordings/${recording}/Transcriptions.json`;
const transcriptionPath = (recording: string, sid: string) =>
  `/2010-04-01/Accounts/${emu.accountSid}/Recordings/${recording}/Transcriptions/${sid}.json`;

async function control(name: string, body: string) {
  const response = await fetch(`${emu.url}/__emulator/${name}`, { method: "POST", body });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Json };
}

function orphanTotal(): number {
  const o = emu.state().orphans_by_kind;
  return o.messages + o.calls + o.media + o.recordings + o.transcriptions;
}

describe("the default seed", () => {
  it("has every kind, so the demo shows each: Participants, Media, Recordings, Transcriptions, processing ones", () => {
    reset();
    const { counts, orphans_by_kind } = emu.state();
    expect(counts.participants).toBe(6);
    expect(counts.media).toBeGreaterThan(0);
    expect(counts.recordings).toBeGreaterThan(0);
    expect(counts.transcriptions).toBeGreaterThan(0);
    expect(orphans_by_kind).toEqual({ messages: 0, calls: 0, media: 0, recordings: 0, transcriptions: 0 });
    reset({ notFinalRate: 0.3, recordingRate: 1 });
    const statuses = new Set(emu.store.listRecordings().map((r) => r.status));
    expect(statuses).toEqual(new Set(["completed", "processing"]));
  });

  it("attaches Media to MMS only (num_media of them), Recordings to completed Calls only", () => {
    reset({ interactions: 200, mediaRate: 0.5, recordingRate: 1 });
    const media = emu.store.listMedia();
    for (const message of emu.store.listMessages()) {
      const mine = media.filter((m) => m.parent_sid === message.sid);
      expect(mine.length, message.sid).toBe(Number(message.num_media));
      expect(mine.length > 0).toBe(message.sid.startsWith("MM"));
    }
    const calls = new Map(emu.store.listCalls().map((c) => [c.sid, c]));
    const recordings = emu.store.listRecordings();
    for (const r of recordings) expect(calls.get(r.call_sid)?.status).toBe("completed");
    const completed = [...calls.values()].filter((c) => c.status === "completed");
    expect(recordings).toHaveLength(completed.length);
  });

  it("keeps every Interaction, Message and Call SID whatever mediaRate and recordingRate say", () => {
    reset({ mediaRate: 0, recordingRate: 0 });
    const before = emu.store
      .listSessions()
      .flatMap((s) => emu.store.listInteractions(s.sid).map((i) => i.sid));
    const calls = emu.store.listCalls().map((c) => c.sid);
    expect(emu.state().counts).toMatchObject({ media: 0, recordings: 0, transcriptions: 0 });
    reset({ mediaRate: 1, recordingRate: 1 });
    expect(
      emu.store.listSessions().flatMap((s) => emu.store.listInteractions(s.sid).map((i) => i.sid)),
    ).toEqual(before);
    expect(emu.store.listCalls().map((c) => c.sid)).toEqual(calls);
  });
});

describe("Media", () => {
  it("lists (v2010 envelope, paged), fetches and deletes a Message's Media; a deleted one is 404", async () => {
    reset({ interactions: 100, mediaRate: 1 });
    const parent = emu.store.listMessages().find((m) => Number(m.num_media) >= 2);
    const sid = parent?.sid ?? "";
    const first = await get(emu, `${mediaList(sid)}?PageSize=1`);
    expect(first.status).toBe(200);
    expect(Object.keys(first.body).sort()).toEqual([
      "end",
      "first_page_uri",
      "media_list",
      "next_page_uri",
      "page",
      "page_size",
      "previous_page_uri",
      "start",
      "uri",
    ]);
    expect(first.body).toMatchObject({ page: 0, page_size: 1, start: 0, end: 0, previous_page_uri: null });
    expect(first.body.next_page_uri).toMatch(
      /^\/2010-04-01\/.*\/Media\.json\?PageSize=1&Page=1&PageToken=PAME/,
    );
    const second = await get(emu, first.body.next_page_uri);
    expect(second.body).toMatchObject({ page: 1, start: 1, end: 1 });
    const all = await get(emu, mediaList(sid));
    expect(all.body.media_list).toHaveLength(Number(parent?.num_media));
    const one = all.body.media_list[0];
    expect(one).toMatchObject({ parent_sid: sid, account_sid: emu.accountSid, uri: mediaPath(sid, one.sid) });
    expect((await get(emu, mediaPath(sid, one.sid))).body).toEqual(one);
    const before = emu.state().counts.media;
    expect((await del(emu, mediaPath(sid, one.sid))).status).toBe(204);
    expectTwilioError(await get(emu, mediaPath(sid, one.sid)), 404, 20404);
    expectTwilioError(await del(emu, mediaPath(sid, one.sid)), 404, 20404);
    expect(emu.state().counts.media).toBe(before - 1);
    expect((await get(emu, mediaList(sid))).body.media_list).toHaveLength(Number(parent?.num_media) - 1);
  });

  it("a Media under another Message is 404", async () => {
    reset({ interactions: 100, mediaRate: 1 });
    const [a, b] = emu.store.listMessages().filter((m) => m.sid.startsWith("MM"));
    const media = emu.store.listMedia().find((m) => m.parent_sid === a?.sid);
    expectTwilioError(await get(emu, mediaPath(b?.sid ?? "", media?.sid ?? "")), 404, 20404);
  });

  it("stays after its Message is deleted, as an orphan, and can still be deleted under its Message's path", async () => {
    reset({ interactions: 100, mediaRate: 1, notFinalRate: 0 });
    const parent = emu.store.listMessages().find((m) => m.sid.startsWith("MM"));
    const sid = parent?.sid ?? "";
    const count = Number(parent?.num_media);
    expect((await del(emu, messagePath(emu, sid))).status).toBe(204);
    expect(emu.state().orphans_by_kind.media).toBe(count);
    expect(emu.state().counts.orphans).toBe(orphanTotal());
    const list = await get(emu, mediaList(sid));
    expect(list.body.media_list).toHaveLength(count);
    for (const m of list.body.media_list) {
      expect(emu.store.isOrphan(m.sid)).toBe(true);
      expect((await del(emu, mediaPath(sid, m.sid))).status).toBe(204);
    }
    expect(emu.state().orphans_by_kind.media).toBe(0);
  });
});

describe("Recordings and Transcriptions", () => {
  it("a processing Recording answers 20009 to DELETE; a completed one is deleted; its Transcriptions stay as orphans", async () => {
    reset({ interactions: 200, recordingRate: 1, notFinalRate: 0.3 });
    const recordings = emu.store.listRecordings();
    const processing = recordings.find((r) => r.status === "processing");
    const transcribed = emu.store.listTranscriptions()[0];
    const recording = recordings.find((r) => r.sid === transcribed?.recording_sid);
    expect(processing && recording).toBeTruthy();
    const list = await get(emu, recordingList(processing?.call_sid ?? ""));
    expect(list.body.recordings.map((r: Json) => r.sid)).toEqual([processing?.sid]);
    expectTwilioError(
      await del(emu, recordingPath(processing?.call_sid ?? "", processing?.sid ?? "")),
      409,
      20009,
    );
    expect(emu.state().counts.recordings).toBe(recordings.length);

    const transcriptions = await get(emu, transcriptionList(recording?.sid ?? ""));
    expect(transcriptions.body.transcriptions.map((t: Json) => t.sid)).toEqual([transcribed?.sid]);
    expect((await del(emu, recordingPath(recording?.call_sid ?? "", recording?.sid ?? ""))).status).toBe(204);
    expectTwilioError(
      await get(emu, recordingPath(recording?.call_sid ?? "", recording?.sid ?? "")),
      404,
      20404,
    );
    expect(emu.state().orphans_by_kind.transcriptions).toBe(1);
    expect(emu.store.isOrphan(transcribed?.sid ?? "")).toBe(true);
    // The Transcription is still reachable under its (deleted) Recording, and deletable.
    expect((await get(emu, transcriptionPath(recording?.sid ?? "", transcribed?.sid ?? ""))).status).toBe(
      200,
    );
    expect((await del(emu, transcriptionPath(recording?.sid ?? "", transcribed?.sid ?? ""))).status).toBe(
      204,
    );
    expect(emu.state().orphans_by_kind.transcriptions).toBe(0);
    expect(emu.state().counts.orphans).toBe(0);
  });

  it("deleting a Call leaves its Recordings, as orphans", async () => {
    reset({ interactions: 100, recordingRate: 1, notFinalRate: 0 });
    const recording = emu.store.listRecordings()[0];
    expect((await del(emu, callPath(emu, recording?.call_sid ?? ""))).status).toBe(204);
    expect(emu.state().orphans_by_kind.recordings).toBe(1);
    expect(emu.state().counts.orphans).toBe(1);
    expect((await del(emu, recordingPath(recording?.call_sid ?? "", recording?.sid ?? ""))).status).toBe(204);
    expect(emu.state().orphans_by_kind.recordings).toBe(0);
  });

  it("finalize completes processing Recordings, so they can be deleted", async () => {
    reset({ interactions: 100, recordingRate: 1, notFinalRate: 0.5 });
    const processing = emu.store.listRecordings().find((r) => r.status === "processing");
    await control("finalize", "");
    expect(emu.store.listRecordings().every((r) => r.status === "completed")).toBe(true);
    expect((await del(emu, recordingPath(processing?.call_sid ?? "", processing?.sid ?? ""))).status).toBe(
      204,
    );
  });
});

describe("Participants and Session DELETE", () => {
  it("lists Participants with identifier and proxy_identifier", async () => {
    reset();
    const session = emu.store.listSessions()[0];
    const reply = await get(emu, `${sessionPath(emu, session?.sid ?? "")}/Participants`);
    expect(reply.body.participants).toHaveLength(2);
    for (const p of reply.body.participants) {
      expect(p.identifier).toMatch(/^\+1\d{10}$/);
      expect(p.proxy_identifier).toMatch(/^\+1\d{10}$/);
    }
  });

  it("removes the Session's Interactions and Participants, leaves Messages/Calls/Media/Recordings as orphans", async () => {
    reset({ interactions: 100, mediaRate: 1, recordingRate: 1, notFinalRate: 0 });
    const session = emu.store.listSessions()[0];
    const path = sessionPath(emu, session?.sid ?? "");
    const interactions = emu.store.listInteractions(session?.sid ?? "");
    const legs = interactions
      .flatMap((i) => [i.inbound_resource_sid, i.outbound_resource_sid])
      .filter(Boolean);
    const before = emu.state().counts;
    expect((await del(emu, path)).status).toBe(204);
    const after = emu.state();
    expect(after.counts).toMatchObject({
      sessions: before.sessions - 1,
      participants: before.participants - 2,
      interactions: before.interactions - interactions.length,
      messages: before.messages,
      calls: before.calls,
      media: before.media,
      recordings: before.recordings,
    });
    const messages = legs.filter((sid) => !sid?.startsWith("CA")).length;
    expect(after.orphans_by_kind).toEqual({
      messages,
      calls: legs.length - messages,
      media: 0,
      recordings: 0,
      transcriptions: 0,
    });
    expect(after.counts.orphans).toBe(legs.length);
    expectTwilioError(await get(emu, `${path}/Participants`), 404, 20404);
  });
});

describe("restoring a deleted Recording behind the tool's back", () => {
  it("POST /__emulator/restore-recording brings it back under its Call (an orphan if the Call is gone)", async () => {
    reset({ interactions: 100, recordingRate: 1, notFinalRate: 0 });
    const recording = emu.store.listRecordings()[0];
    const call = recording?.call_sid ?? "";
    const path = recordingPath(call, recording?.sid ?? "");
    expect((await del(emu, path)).status).toBe(204);
    expect((await del(emu, callPath(emu, call))).status).toBe(204);
    const before = emu.state().counts;
    const reply = await control("restore-recording", JSON.stringify({ sid: recording?.sid }));
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ restored: recording?.sid, call_sid: call });
    expect(emu.state().counts.recordings).toBe(before.recordings + 1);
    expect(emu.state().orphans_by_kind.recordings).toBe(1);
    expect((await get(emu, path)).body).toEqual(recording);
    expect((await control("restore-recording", JSON.stringify({ sid: recording?.sid }))).status).toBe(404);
  });

  it.each([
    ["a live Recording", 404],
    ["a never-seen SID", 404],
    ["a malformed SID", 400],
    ["a SID of another kind", 400],
  ] as const)("answers %s with %i", async (what, status) => {
    reset({ recordingRate: 1 });
    const sids: Record<string, string | undefined> = {
      "a live Recording": emu.store.listRecordings()[0]?.sid,
      "a never-seen SID": `RE${"0".repeat(32)}`,
      "a malformed SID": "RE123",
      "a SID of another kind": emu.store.listCalls()[0]?.sid,
    };
    const reply = await control("restore-recording", JSON.stringify({ sid: sids[what] }));
    expectTwilioError(reply, status, status === 400 ? 20001 : 20404);
  });

  it.each(['{"sid": 5}', "[]", '{"sid": "x", "__proto__": 1}', '{"constructor": 1}', "{nope"])(
    "400s the body %s",
    async (body) => {
      expectTwilioError(await control("restore-recording", body), 400, 20001);
    },
  );

  it("in-process: restoreRecording(sid), which throws for a SID that names no deleted Recording", async () => {
    reset({ interactions: 100, recordingRate: 1, notFinalRate: 0 });
    const recording = emu.store.listRecordings()[0];
    expect(() => emu.restoreRecording(recording?.sid ?? "")).toThrow(/no deleted Recording/);
    expect((await del(emu, recordingPath(recording?.call_sid ?? "", recording?.sid ?? ""))).status).toBe(204);
    emu.restoreRecording(recording?.sid ?? "");
    expect(emu.store.listRecordings().map((r) => r.sid)).toContain(recording?.sid);
  });
});
