/**
 * The realistic/pessimistic policy (issue #11): Proxy pages of at most 100, page tokens naming the last
 * item, a deleted anchor ending the listing, `Page` without a token refused, Twilio hosts in bodies, and
 * the Messages/Calls retention window.
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
  listAll,
  messagePath,
  sessionPath,
  start,
} from "./helpers.js";

let emu: Emulator;

beforeAll(async () => {
  emu = await start({ services: 1, sessions: 1, interactions: 250 });
});
afterAll(() => emu.close());

function reset(options: Parameters<Emulator["reset"]>[0] = {}): string {
  emu.reset({ ...DEFAULT_SEED, ...DEFAULT_POLICY, sessions: 1, interactions: 250, ...options });
  const session = emu.store.listSessions()[0];
  return session ? `${sessionPath(emu, session.sid)}/Interactions` : "";
}

function sids(reply: Json, key = "interactions"): string[] {
  return reply.body[key].map((i: Json) => i.sid);
}

describe("page size", () => {
  it("Proxy lists answer at most 100 per page whatever PageSize asks, and echo the PageSize asked", async () => {
    const path = reset();
    const all = emu.store.listInteractions(emu.store.listSessions()[0]?.sid ?? "").map((i) => i.sid);
    const reply = await get(emu, `${path}?PageSize=1000`);
    expect(reply.status).toBe(200);
    expect(sids(reply)).toEqual(all.slice(0, 100));
    expect(reply.body.meta.page_size).toBe(1000);
    expect(reply.body.meta.next_page_url).toContain("PageSize=1000");
    const { items, metas } = await listAll(emu, `${path}?PageSize=1000`, "interactions");
    expect(items.map((i: Json) => i.sid)).toEqual(all);
    expect(metas.map((m: Json) => m.page)).toEqual([0, 1, 2]);
    // Below the cap, PageSize is honoured as before.
    expect(sids(await get(emu, `${path}?PageSize=37`))).toHaveLength(37);
  });

  it("caps Sessions and Services lists too", async () => {
    reset({ sessions: 150, interactions: 0 });
    const service = emu.store.listServices()[0]?.sid;
    const sessions = await get(emu, `/v1/Services/${service}/Sessions?PageSize=500`);
    expect(sessions.body.sessions).toHaveLength(100);
    reset({ services: 120, sessions: 0, interactions: 0 });
    expect((await get(emu, "/v1/Services?PageSize=1000")).body.services).toHaveLength(100);
  });

  it("maxPageSize relaxes the cap (up to PageSize's own maximum of 1000)", async () => {
    const path = reset({ maxPageSize: 1000 });
    expect(sids(await get(emu, `${path}?PageSize=1000`))).toHaveLength(250);
    const path7 = reset({ maxPageSize: 7 });
    expect(sids(await get(emu, `${path7}?PageSize=50`))).toHaveLength(7);
  });
});

describe("page tokens", () => {
  it("are PA + the SID of the page's last item, PB + the SID of its first", async () => {
    const path = reset();
    const first = await get(emu, `${path}?PageSize=10`);
    const next = new URL(first.body.meta.next_page_url);
    expect(next.searchParams.get("PageToken")).toBe(`PA${sids(first).at(-1)}`);
    const second = await get(emu, first.body.meta.next_page_url);
    const previous = new URL(second.body.meta.previous_page_url);
    expect(previous.searchParams.get("PageToken")).toBe(`PB${sids(second)[0]}`);
  });

  it("a token naming an item of another list, or of another kind, is 400/20001", async () => {
    reset({ sessions: 2, interactions: 5 });
    const [a, b] = emu.store.listSessions();
    const other = emu.store.listInteractions(b?.sid ?? "")[0]?.sid;
    const participant = emu.store.listParticipants(a?.sid ?? "")[0]?.sid;
    const path = `${sessionPath(emu, a?.sid ?? "")}/Interactions`;
    expectTwilioError(await get(emu, `${path}?Page=1&PageToken=PA${other}`), 400, 20001);
    expectTwilioError(await get(emu, `${path}?Page=1&PageToken=PA${participant}`), 400, 20001);
    expectTwilioError(await get(emu, `${path}?Page=1&PageToken=PAKI${"0".repeat(32)}`), 400, 20001);
  });
});

describe("a deleted anchor", () => {
  async function deleteAnchorOfFirstPage(path: string) {
    const first = await get(emu, `${path}?PageSize=100`);
    const anchor = sids(first).at(-1);
    expect((await del(emu, `${path}/${anchor}`)).status).toBe(204);
    return first.body.meta.next_page_url as string;
  }

  it("by default ends the listing: the next page is empty with next_page_url null", async () => {
    const path = reset();
    const next = await deleteAnchorOfFirstPage(path);
    const reply = await get(emu, next);
    expect(reply.status).toBe(200);
    expect(reply.body.interactions).toEqual([]);
    expect(reply.body.meta).toMatchObject({ next_page_url: null, previous_page_url: null, page: 1 });
    expect(emu.state().counts.interactions).toBe(249);
  });

  it("with deletedAnchor error, the next page is 400/20001", async () => {
    const path = reset({ deletedAnchor: "error" });
    const next = await deleteAnchorOfFirstPage(path);
    const reply = await get(emu, next);
    expectTwilioError(reply, 400, 20001);
    expect(reply.body.message).toMatch(/no longer exists/);
  });

  it("with deletedAnchor ignore, the listing goes on from where the anchor was", async () => {
    const path = reset({ deletedAnchor: "ignore" });
    const all = emu.store.listInteractions(emu.store.listSessions()[0]?.sid ?? "").map((i) => i.sid);
    const next = await deleteAnchorOfFirstPage(path);
    expect(sids(await get(emu, next))).toEqual(all.slice(100, 200));
  });

  it("a deleted anchor of a previous_page_url (PB) follows the same policy", async () => {
    const path = reset();
    const first = await get(emu, `${path}?PageSize=10`);
    const second = await get(emu, first.body.meta.next_page_url);
    expect((await del(emu, `${path}/${sids(second)[0]}`)).status).toBe(204);
    const back = await get(emu, second.body.meta.previous_page_url);
    expect(back.body.interactions).toEqual([]);
    expect(back.body.meta.next_page_url).toBeNull();
  });

  it("survives a Session delete: its deleted Interactions still resolve as deleted anchors", async () => {
    reset({ sessions: 1, interactions: 30 });
    const session = emu.store.listSessions()[0];
    const path = sessionPath(emu, session?.sid ?? "");
    const first = await get(emu, `${path}/Interactions?PageSize=10`);
    expect((await del(emu, path)).status).toBe(204);
    // The Session itself is gone now, so its list is 404 whatever the token.
    expectTwilioError(await get(emu, first.body.meta.next_page_url), 404, 20404);
  });
});

describe("Page without a PageToken", () => {
  it.each(["1", "2", "37"])("Page=%s alone is 400/20001", async (page) => {
    const path = reset();
    const reply = await get(emu, `${path}?PageSize=10&Page=${page}`);
    expectTwilioError(reply, 400, 20001);
  });

  it("Page=0 alone is the first page", async () => {
    const path = reset();
    expect((await get(emu, `${path}?Page=0`)).status).toBe(200);
  });
});

describe("twilioHosts", () => {
  it("puts every body URL on Twilio's hosts while serving the same paths here", async () => {
    reset({ twilioHosts: true, interactions: 30 });
    const services = await get(emu, "/v1/Services");
    const service = services.body.services[0];
    expect(service.url).toBe(`https://proxy.twilio.com/v1/Services/${service.sid}`);
    expect(service.links.sessions).toBe(`https://proxy.twilio.com/v1/Services/${service.sid}/Sessions`);
    expect(services.body.meta.url).toMatch(/^https:\/\/proxy\.twilio\.com\/v1\/Services\?/);
    // Served on the emulator's origin: take the path and query of each Twilio URL.
    const here = (url: string) => {
      const u = new URL(url);
      return `${u.pathname}${u.search}`;
    };
    const sessions = await get(emu, here(service.links.sessions));
    const session = sessions.body.sessions[0];
    expect(session.url).toMatch(/^https:\/\/proxy\.twilio\.com\/v1\/Services\/KS\w+\/Sessions\/KC\w+$/);
    const participants = await get(emu, here(session.links.participants));
    expect(participants.body.participants[0].url).toMatch(/^https:\/\/proxy\.twilio\.com\//);
    const page = await get(emu, `${here(session.links.interactions)}?PageSize=10`);
    expect(page.body.meta.next_page_url).toMatch(/^https:\/\/proxy\.twilio\.com\/.*PageToken=PAKI/);
    const withLeg = page.body.interactions.find((i: Json) => i.outbound_resource_url);
    expect(withLeg.outbound_resource_url).toBe(
      `https://api.twilio.com/2010-04-01/Accounts/${emu.accountSid}/${withLeg.outbound_resource_type === "Call" ? "Calls" : "Messages"}/${withLeg.outbound_resource_sid}.json`,
    );
    const second = await get(emu, here(page.body.meta.next_page_url));
    expect(second.status).toBe(200);
    expect(second.body.interactions).toHaveLength(10);
    expect((await get(emu, here(withLeg.outbound_resource_url))).status).toBe(200);
  });

  it("is off by default: body URLs point at the emulator", async () => {
    reset({ interactions: 5 });
    const reply = await get(emu, "/v1/Services");
    expect(reply.body.services[0].url.startsWith(`${emu.url}/v1/Services/`)).toBe(true);
  });
});

describe("the API retention window", () => {
  const DAY = 86_400_000;

  function ageDays(date: string): number {
    return (Date.now() - Date.parse(date)) / DAY;
  }

  it("answers 20404 to GET and DELETE of older Messages/Calls, keeps them, and counts them as archived", async () => {
    reset({ apiRetentionDays: 30, interactions: 200, notFinalRate: 0 });
    const messages = emu.store.listMessages();
    const calls = emu.store.listCalls();
    // A margin of a day around the cut-off keeps the test independent of the seconds the test takes.
    const old = messages.filter((m) => ageDays(m.date_created) > 31);
    const young = messages.filter((m) => ageDays(m.date_created) < 29);
    const oldCalls = calls.filter((c) => ageDays(c.date_created) > 31);
    expect(old.length).toBeGreaterThan(10);
    expect(young.length).toBeGreaterThan(10);
    expect(oldCalls.length).toBeGreaterThan(3);
    const archived = [...messages, ...calls].filter((r) => ageDays(r.date_created) > 30).length;
    expect(emu.state().counts.archived).toBe(archived);
    const before = emu.state().counts;
    for (const m of old.slice(0, 5)) {
      expectTwilioError(await get(emu, messagePath(emu, m.sid)), 404, 20404);
      expectTwilioError(await del(emu, messagePath(emu, m.sid)), 404, 20404);
    }
    for (const c of oldCalls.slice(0, 3)) {
      expectTwilioError(await get(emu, callPath(emu, c.sid)), 404, 20404);
      expectTwilioError(await del(emu, callPath(emu, c.sid)), 404, 20404);
    }
    expect(emu.state().counts).toEqual(before);
    for (const m of young.slice(0, 5)) expect((await get(emu, messagePath(emu, m.sid))).status).toBe(200);
    expect((await del(emu, messagePath(emu, young[0]?.sid ?? ""))).status).toBe(204);
    expect(emu.state().counts.messages).toBe(before.messages - 1);
  });

  it("counts an archived Message as an orphan once its Interaction is deleted", async () => {
    const path = reset({ apiRetentionDays: 30, interactions: 200, notFinalRate: 0 });
    const interaction = emu.store
      .listInteractions(emu.store.listSessions()[0]?.sid ?? "")
      .find((i) => i.outbound_resource_sid && ageDays(i.date_created) > 31);
    const sid = interaction?.outbound_resource_sid ?? "";
    expect((await del(emu, `${path}/${interaction?.sid}`)).status).toBe(204);
    expect(emu.store.isOrphan(sid)).toBe(true);
    expect(emu.state().counts.orphans).toBeGreaterThanOrEqual(1);
    // Still unreachable through the API: the orphan is archived, not deleted.
    const kind = sid.startsWith("CA") ? callPath(emu, sid) : messagePath(emu, sid);
    expectTwilioError(await del(emu, kind), 404, 20404);
    expect(emu.store.isOrphan(sid)).toBe(true);
  });

  it("is off by default: every Message/Call answers, nothing is archived", async () => {
    reset({ interactions: 200 });
    const oldest = emu.store
      .listMessages()
      .sort((a, b) => ageDays(b.date_created) - ageDays(a.date_created))[0];
    expect(ageDays(oldest?.date_created ?? "")).toBeGreaterThan(60);
    expect((await get(emu, messagePath(emu, oldest?.sid ?? ""))).status).toBe(200);
    expect(emu.state().counts.archived).toBe(0);
  });
});
