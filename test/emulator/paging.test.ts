import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../src/emulator/index.js";
import { del, expectTwilioError, get, type Json, listAll, sessionPath, start } from "./helpers.js";

let emu: Emulator;
let path: string;
let expectedSids: string[];

beforeAll(async () => {
  emu = await start({ services: 1, sessions: 1, interactions: 2_500, randomSeed: 7 });
});
afterAll(() => emu.close());

function resetSession(): void {
  emu.reset();
  const session = emu.store.listSessions()[0];
  path = `${sessionPath(emu, session?.sid ?? "")}/Interactions`;
  expectedSids = emu.store.listInteractions(session?.sid ?? "").map((i) => i.sid);
}

/** Newest date_created first, ties by SID ascending. */
function inTwilioOrder(items: { sid: string; date_created: string }[]): boolean {
  return items.every((item, i) => {
    const prev = items[i - 1];
    if (!prev) return true;
    const a = Date.parse(prev.date_created);
    const b = Date.parse(item.date_created);
    return a > b || (a === b && prev.sid < item.sid);
  });
}

describe("paging", () => {
  beforeAll(resetSession);

  it.each([1, 50, 1000])(
    "PageSize=%i walks every item exactly once, in order, following next_page_url",
    async (size) => {
      const pagesToRead = size === 1 ? 120 : Number.POSITIVE_INFINITY;
      const items: Json[] = [];
      let url: string | null = `${emu.url}${path}?PageSize=${size}`;
      let pages = 0;
      while (url && pages < pagesToRead) {
        const reply: Json = await get(emu, url);
        expect(reply.status).toBe(200);
        expect(reply.body.meta.page).toBe(pages);
        expect(reply.body.meta.page_size).toBe(size);
        items.push(...reply.body.interactions);
        url = reply.body.meta.next_page_url;
        pages++;
      }
      const sids = items.map((i) => i.sid);
      expect(new Set(sids).size).toBe(sids.length);
      expect(inTwilioOrder(items)).toBe(true);
      if (size === 1) {
        expect(sids).toEqual(expectedSids.slice(0, 120));
      } else {
        expect(sids).toEqual(expectedSids);
        // Proxy lists answer at most 100 per page by default, whatever PageSize asks.
        expect(pages).toBe(Math.ceil(expectedSids.length / Math.min(size, 100)));
      }
    },
  );

  it("defaults to 50 per page and gives meta exactly Twilio's keys", async () => {
    const reply = await get(emu, path);
    expect(reply.body.interactions).toHaveLength(50);
    const meta = reply.body.meta;
    expect(Object.keys(meta).sort()).toEqual(
      ["first_page_url", "key", "next_page_url", "page", "page_size", "previous_page_url", "url"].sort(),
    );
    expect(meta).toMatchObject({
      key: "interactions",
      page: 0,
      page_size: 50,
      url: `${emu.url}${path}?PageSize=50&Page=0`,
      first_page_url: `${emu.url}${path}?PageSize=50&Page=0`,
      previous_page_url: null,
    });
    const next = new URL(meta.next_page_url);
    expect(next.origin).toBe(emu.url);
    expect(next.pathname).toBe(path);
    expect(next.searchParams.get("PageSize")).toBe("50");
    expect(next.searchParams.get("Page")).toBe("1");
    expect(next.searchParams.get("PageToken")).toMatch(/^PA/);
  });

  it("gives next_page_url null on the last page, never a link to an empty page", async () => {
    const total = expectedSids.length;
    for (const size of [total, total + 1, 1000]) {
      const { metas, items } = await listAll(emu, `${path}?PageSize=${Math.min(size, 1000)}`, "interactions");
      expect(items).toHaveLength(total);
      expect(metas.at(-1).next_page_url).toBeNull();
      expect(metas.slice(0, -1).every((m: Json) => typeof m.next_page_url === "string")).toBe(true);
    }
    // An exact multiple: 2,500 in pages of 100 is 25 pages, the 25th with next null.
    const { metas } = await listAll(emu, `${path}?PageSize=100`, "interactions");
    expect(metas).toHaveLength(25);
  });

  it("links back with previous_page_url", async () => {
    const first = await get(emu, `${path}?PageSize=10`);
    const second = await get(emu, first.body.meta.next_page_url);
    expect(second.body.meta.previous_page_url).toMatch(/PageToken=PB/);
    const back = await get(emu, second.body.meta.previous_page_url);
    expect(back.body.interactions.map((i: Json) => i.sid)).toEqual(
      first.body.interactions.map((i: Json) => i.sid),
    );
    expect(back.body.meta.previous_page_url).toBeNull();
  });

  it.each(["0", "1001", "abc", "-1", "1.5", ""])("rejects PageSize=%s with 400", async (size) => {
    expectTwilioError(await get(emu, `${path}?PageSize=${size}`), 400, 20001);
  });

  it.each(["-1", "x", "0.5"])("rejects Page=%s with 400", async (page) => {
    expectTwilioError(await get(emu, `${path}?Page=${page}`), 400, 20001);
  });

  it.each(["garbage", "PAnot-base64!", `PA${Buffer.from("12_notasid").toString("base64url")}`])(
    "rejects PageToken=%s with 400",
    async (token) => {
      expectTwilioError(await get(emu, `${path}?PageToken=${encodeURIComponent(token)}`), 400, 20001);
    },
  );

  it("pages services, sessions and participants the same way", async () => {
    emu.reset({ services: 3, sessions: 5, interactions: 1 });
    const services = await listAll(emu, "/v1/Services?PageSize=2", "services");
    expect(services.items).toHaveLength(3);
    expect(services.metas).toHaveLength(2);
    const sessions = await listAll(
      emu,
      `/v1/Services/${services.items[0].sid}/Sessions?PageSize=2`,
      "sessions",
    );
    expect(sessions.items).toHaveLength(5);
    expect(inTwilioOrder(sessions.items)).toBe(true);
    const participants = await listAll(
      emu,
      `${sessionPath(emu, sessions.items[0].sid)}/Participants?PageSize=1`,
      "participants",
    );
    expect(participants.items).toHaveLength(2);
    emu.reset({ services: 1, sessions: 1, interactions: 2_500 });
    resetSession();
  });
});

describe("deleting between pages", () => {
  beforeAll(resetSession);

  it("with deletedAnchor ignore, a purge that deletes each page before fetching the next sees every item exactly once", async () => {
    resetSession();
    emu.reset({ deletedAnchor: "ignore" });
    const seen: string[] = [];
    let url: string | null = `${path}?PageSize=100`;
    while (url) {
      const reply: Json = await get(emu, url);
      const sids = reply.body.interactions.map((i: Json) => i.sid as string);
      seen.push(...sids);
      for (const sid of sids) expect((await del(emu, `${path}/${sid}`)).status).toBe(204);
      url = reply.body.meta.next_page_url;
    }
    expect(seen).toEqual(expectedSids);
    expect(emu.state().counts.interactions).toBe(0);
    emu.reset({ deletedAnchor: "empty" });
  });

  it("items deleted before they are reached are not listed, every other one is listed once", async () => {
    resetSession();
    const doomed = new Set(expectedSids.filter((_, i) => i % 7 === 3));
    const seen: string[] = [];
    let url: string | null = `${path}?PageSize=50`;
    let page = 0;
    while (url) {
      const reply: Json = await get(emu, url);
      seen.push(...reply.body.interactions.map((i: Json) => i.sid));
      // Delete a few items on this page and a batch further ahead, as a concurrent purge would.
      for (const sid of reply.body.interactions.slice(0, 3).map((i: Json) => i.sid))
        await del(emu, `${path}/${sid}`);
      if (page === 2) for (const sid of doomed) await del(emu, `${path}/${sid}`);
      url = reply.body.meta.next_page_url;
      page++;
    }
    expect(new Set(seen).size).toBe(seen.length);
    const seenAfterPage2 = new Set(seen.slice(150));
    const expected = expectedSids.filter((sid, i) => i < 150 || !doomed.has(sid));
    expect(seen).toEqual(expected);
    for (const sid of doomed)
      if (expectedSids.indexOf(sid) >= 150) expect(seenAfterPage2.has(sid)).toBe(false);
  });
});

describe("a large session", () => {
  it("lists 100,000 interactions in pages of 1000 (maxPageSize 1000), each exactly once", async () => {
    emu.reset({ services: 1, sessions: 1, interactions: 100_000, maxPageSize: 1000 });
    const session = emu.store.listSessions()[0];
    const { items, metas } = await listAll(
      emu,
      `${sessionPath(emu, session?.sid ?? "")}/Interactions?PageSize=1000`,
      "interactions",
    );
    expect(metas).toHaveLength(100);
    expect(items).toHaveLength(100_000);
    expect(new Set(items.map((i) => i.sid)).size).toBe(100_000);
    expect(inTwilioOrder(items)).toBe(true);
    // 100,000 in 90 days at one-second resolution makes ties certain; they must be ordered by SID.
    const ties = items.filter((item, i) => i > 0 && items[i - 1].date_created === item.date_created);
    expect(ties.length).toBeGreaterThan(0);
  });
});
