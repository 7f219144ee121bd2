import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator, ProxyInteraction } from "../../src/emulator/index.js";
import { get, messagePath, start } from "./helpers.js";

const DAY = 86_400_000;
let emu: Emulator;

beforeAll(async () => {
  emu = await start({
    services: 2,
    sessions: 4,
    interactions: 500,
    randomSeed: 42,
    notFinalRate: 0.1,
    foreignRate: 0.05,
  });
});
afterAll(() => emu.close());

function interactions(e: Emulator = emu): ProxyInteraction[] {
  return e.store.listSessions().flatMap((s) => e.store.listInteractions(s.sid));
}

/** Everything but absolute timestamps, which move with the start time (ages do not). */
function fingerprint(e: Emulator): string {
  const strip = (o: object) => Object.entries(o).filter(([k]) => !/^date_|url$|^links$|_time$/.test(k));
  return JSON.stringify([
    e.store.listServices().map(strip),
    e.store.listSessions().map(strip),
    interactions(e).map(strip),
    e.store.listMessages().map(strip),
    e.store.listCalls().map(strip),
  ]);
}

describe("seed reproducibility", () => {
  it("the same random seed gives the same SIDs and data; another seed gives other SIDs", async () => {
    const options = { services: 1, sessions: 3, interactions: 50, randomSeed: 5 };
    const a = await start(options);
    const b = await start(options);
    const c = await start({ ...options, randomSeed: 6 });
    try {
      expect(fingerprint(a)).toBe(fingerprint(b));
      expect(interactions(a).map((i) => i.sid)).toEqual(interactions(b).map((i) => i.sid));
      const cSids = new Set(interactions(c).map((i) => i.sid));
      expect(interactions(a).some((i) => cSids.has(i.sid))).toBe(false);
      // reset() with the same seed rebuilds the same data too.
      a.reset();
      expect(fingerprint(a)).toBe(fingerprint(b));
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });

  it("uses the option counts, and valid SIDs everywhere", () => {
    const counts = emu.state().counts;
    expect(counts).toMatchObject({ services: 2, sessions: 8, interactions: 4000, orphans: 0 });
    for (const i of interactions()) {
      expect(i.sid).toMatch(/^KI[0-9a-f]{32}$/);
      expect(i.account_sid).toBe(emu.accountSid);
    }
  });
});

describe("seed realism", () => {
  it("mixes two-legged SMS/MMS, voice, one-sided and unknown interactions", () => {
    const all = interactions();
    const two = all.filter((i) => i.type === "message" && i.inbound_resource_sid?.startsWith("SM"));
    const mms = all.filter((i) => i.inbound_resource_sid?.startsWith("MM"));
    const voice = all.filter((i) => i.type === "voice");
    const oneSided = all.filter((i) => i.type === "message" && i.inbound_resource_sid === null);
    const unknown = all.filter((i) => i.type === "unknown");
    for (const group of [two, mms, voice, oneSided, unknown]) expect(group.length).toBeGreaterThan(20);
    for (const i of voice) {
      expect(i.inbound_resource_sid).toMatch(/^CA/);
      expect(i.outbound_resource_sid).toMatch(/^CA/);
      expect(JSON.parse(i.data ?? "")).toEqual({ duration: expect.stringMatching(/^\d+$/) });
    }
    for (const i of oneSided) {
      expect(i.inbound_participant_sid).toBeNull();
      expect(i.inbound_resource_type).toBeNull();
      expect(i.outbound_resource_type).toBe("Message");
    }
    for (const i of [...two, ...mms, ...oneSided]) {
      expect(JSON.parse(i.data ?? "").body).toEqual(expect.any(String));
    }
    expect(new Set(two.map((i) => i.data)).size).toBeGreaterThan(10);
  });

  it("uses realistic statuses, about notFinalRate of them not final", () => {
    const messages = emu.store.listMessages();
    const calls = emu.store.listCalls();
    const messageStatuses = new Set(messages.map((m) => m.status));
    const callStatuses = new Set(calls.map((c) => c.status));
    for (const s of messageStatuses)
      expect(["delivered", "received", "sent", "undelivered", "failed", "queued", "sending"]).toContain(s);
    for (const s of callStatuses)
      expect(["completed", "busy", "no-answer", "in-progress", "ringing"]).toContain(s);
    for (const s of ["delivered", "received", "undelivered", "failed", "queued", "sending"])
      expect(messageStatuses).toContain(s);
    for (const s of ["completed", "busy", "no-answer", "in-progress", "ringing"])
      expect(callStatuses).toContain(s);
    const notFinal = [...messages, ...calls].filter((r) =>
      ["queued", "sending", "in-progress", "ringing"].includes(r.status),
    );
    const rate = notFinal.length / (messages.length + calls.length);
    expect(rate).toBeGreaterThan(0.06);
    expect(rate).toBeLessThan(0.14);
  });

  it("links foreignRate of interactions to IM resources the v2010 API does not hold", async () => {
    const foreign = interactions().filter((i) => i.inbound_resource_sid?.startsWith("IM"));
    expect(foreign.length / 4000).toBeGreaterThan(0.03);
    expect(foreign.length / 4000).toBeLessThan(0.07);
    for (const i of foreign) {
      expect(i.inbound_resource_type).toBe("Message");
      expect(i.inbound_resource_url).toBeNull();
      expect(emu.store.getMessage(i.inbound_resource_sid ?? "")).toBeUndefined();
    }
    const sample = foreign[0]?.outbound_resource_sid ?? "";
    expect((await get(emu, messagePath(emu, sample))).status).toBe(400);
  });

  it("spreads date_created over the last 90 days, and interactions link existing resources", () => {
    const now = Date.now();
    const ages = interactions().map((i) => now - Date.parse(i.date_created));
    expect(Math.min(...ages)).toBeGreaterThanOrEqual(-1000);
    expect(Math.max(...ages)).toBeLessThan(90 * DAY);
    expect(ages.filter((a) => a > 30 * DAY).length).toBeGreaterThan(2000);
    expect(ages.filter((a) => a < 30 * DAY).length).toBeGreaterThan(1000);
    for (const i of interactions()) {
      for (const sid of [i.inbound_resource_sid, i.outbound_resource_sid]) {
        if (!sid || sid.startsWith("IM")) continue;
        expect(emu.store.getMessage(sid) ?? emu.store.getCall(sid)).toBeDefined();
      }
    }
  });

  it("gives sessions several statuses, unique names and two participants each", () => {
    const sessions = emu.store.listSessions();
    expect(new Set(sessions.map((s) => s.status))).toEqual(
      new Set(["open", "in-progress", "closed", "failed"]),
    );
    expect(new Set(sessions.map((s) => s.unique_name)).size).toBe(sessions.length);
    for (const s of sessions) {
      const participants = emu.store.listParticipants(s.sid);
      expect(participants).toHaveLength(2);
      expect(participants.every((p) => /^\+1\d{10}$/.test(p.identifier))).toBe(true);
      expect(s.date_ended === null).toBe(s.status === "open" || s.status === "in-progress");
    }
  });

  it("seeds 100,000 interactions in one session", async () => {
    const big = await start({ services: 1, sessions: 1, interactions: 100_000 });
    try {
      expect(big.state().counts.interactions).toBe(100_000);
    } finally {
      await big.close();
    }
  });
});
