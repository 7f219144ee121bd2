/**
 * Issue #13 item 4: Service PhoneNumbers, Messages/Calls lists with the v2010 filters and paging, from/to
 * consistent with Participants and proxy numbers, seeded orphans and other traffic.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../src/emulator/index.js";
import { DEFAULT_POLICY, DEFAULT_SEED, RETURNING_CUSTOMER, startEmulator } from "../../src/emulator/index.js";
import { del, expectTwilioError, get, type Json, messagePath, sessionPath, start } from "./helpers.js";

let emu: Emulator;

beforeAll(async () => {
  emu = await start();
});
afterAll(() => emu.close());

function reset(options: Parameters<Emulator["reset"]>[0] = {}): void {
  emu.reset({ ...DEFAULT_SEED, ...DEFAULT_POLICY, ...options });
}

const account = () => `/2010-04-01/Accounts/${emu.accountSid}`;

/** Every item of a v2010 list, following next_page_uri as given, checking the envelope on the way. */
async function list2010(path: string, key: string): Promise<{ items: Json[]; pages: Json[] }> {
  const items: Json[] = [];
  const pages: Json[] = [];
  let next: string | null = path;
  while (next) {
    const reply: Json = await get(emu, next);
    if (reply.status !== 200) throw new Error(`GET ${next} → ${reply.status} ${JSON.stringify(reply.body)}`);
    const { [key]: page, ...envelope } = reply.body;
    expect(envelope.start).toBe(envelope.page * envelope.page_size);
    if (page.length > 0) expect(envelope.end).toBe(envelope.start + page.length - 1);
    items.push(...page);
    pages.push(envelope);
    next = envelope.next_page_uri;
  }
  return { items, pages };
}

/** Proxy numbers of every Service, from the API. */
async function proxyNumbers(): Promise<Map<string, Json>> {
  const numbers = new Map<string, Json>();
  for (const service of emu.store.listServices()) {
    const reply = await get(emu, `/v1/Services/${service.sid}/PhoneNumbers`);
    for (const n of reply.body.phone_numbers) numbers.set(n.phone_number, n);
  }
  return numbers;
}

describe("Service PhoneNumbers", () => {
  it("lists and fetches each Service's pool; every Participant's proxy number is in its Service's pool", async () => {
    reset({ services: 2, sessions: 6 });
    let participants = 0;
    for (const service of emu.store.listServices()) {
      const reply = await get(emu, `/v1/Services/${service.sid}/PhoneNumbers`);
      expect(reply.status).toBe(200);
      const pool: Json[] = reply.body.phone_numbers;
      expect(pool).toHaveLength(5);
      expect(reply.body.meta.key).toBe("phone_numbers");
      const bySid = new Map(pool.map((n) => [n.sid, n]));
      for (const session of emu.store.listSessions(service.sid)) {
        for (const p of emu.store.listParticipants(session.sid)) {
          expect(bySid.get(p.proxy_identifier_sid)?.phone_number).toBe(p.proxy_identifier);
          participants++;
        }
      }
      expect(pool.reduce((n, x) => n + x.in_use, 0)).toBe(emu.store.listSessions(service.sid).length * 2);
      const one = pool[0];
      expect((await get(emu, new URL(one.url).pathname)).body).toEqual(one);
      expect(one.url).toBe(`${emu.url}/v1/Services/${service.sid}/PhoneNumbers/${one.sid}`);
    }
    expect(participants).toBe(24);
    const other = emu.store.listServices()[1]?.sid;
    const first = (await get(emu, `/v1/Services/${emu.store.listServices()[0]?.sid}/PhoneNumbers`)).body;
    expectTwilioError(
      await get(emu, `/v1/Services/${other}/PhoneNumbers/${first.phone_numbers[0].sid}`),
      404,
      20404,
    );
  });
});

describe("Messages and Calls", () => {
  it("carry from/to consistent with their Interaction's Participants and proxy numbers", () => {
    reset({ interactions: 100, notFinalRate: 0 });
    const messages = new Map(emu.store.listMessages().map((m) => [m.sid, m]));
    const calls = new Map(emu.store.listCalls().map((c) => [c.sid, c]));
    let checked = 0;
    for (const session of emu.store.listSessions()) {
      const participants = new Map(emu.store.listParticipants(session.sid).map((p) => [p.sid, p]));
      for (const i of emu.store.listInteractions(session.sid)) {
        for (const [leg, inbound] of [
          ["inbound", true],
          ["outbound", false],
        ] as const) {
          const sid = i[`${leg}_resource_sid`];
          if (!sid) continue;
          const party = participants.get(i[`${leg}_participant_sid`] ?? "");
          const resource = messages.get(sid) ?? calls.get(sid);
          expect(resource?.from).toBe(inbound ? party?.identifier : party?.proxy_identifier);
          expect(resource?.to).toBe(inbound ? party?.proxy_identifier : party?.identifier);
          if (sid.startsWith("CA"))
            expect(calls.get(sid)?.phone_number_sid).toBe(party?.proxy_identifier_sid);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(300);
  });

  it("list every Message and Call once in v2010 pages (up to 1000 per page, not Proxy's 100)", async () => {
    reset({ interactions: 400 });
    const messages = await list2010(`${account()}/Messages.json?PageSize=1000`, "messages");
    expect(messages.items.length).toBe(emu.state().counts.messages);
    expect(messages.items.length).toBeGreaterThan(1000);
    expect(messages.pages[0]).toMatchObject({
      page: 0,
      page_size: 1000,
      start: 0,
      end: 999,
      previous_page_uri: null,
    });
    expect(new Set(messages.items.map((m) => m.sid)).size).toBe(messages.items.length);
    const calls = await list2010(`${account()}/Calls.json?PageSize=50`, "calls");
    expect(new Set(calls.items.map((c) => c.sid))).toEqual(new Set(emu.store.listCalls().map((c) => c.sid)));
    const first = calls.pages[0];
    expect(first.first_page_uri).toBe(`${account()}/Calls.json?PageSize=50&Page=0`);
    expect(first.next_page_uri).toMatch(
      /^\/2010-04-01\/Accounts\/AC\w+\/Calls\.json\?PageSize=50&Page=1&PageToken=PACA\w{32}$/,
    );
  });

  it("filter by To and From, keeping the filters in the page URIs", async () => {
    reset({ interactions: 300 });
    const numbers = await proxyNumbers();
    const uses = (n: string) => emu.store.listMessages().filter((m) => m.to === n).length;
    const number = [...numbers.keys()].sort((a, b) => uses(b) - uses(a))[0] as string;
    const to = await list2010(
      `${account()}/Messages.json?To=${encodeURIComponent(number)}&PageSize=20`,
      "messages",
    );
    const expected = emu.store.listMessages().filter((m) => m.to === number);
    expect(expected.length).toBeGreaterThan(20);
    expect(new Set(to.items.map((m) => m.sid))).toEqual(new Set(expected.map((m) => m.sid)));
    expect(to.pages[0].next_page_uri).toContain(`To=${encodeURIComponent(number)}&PageSize=20&Page=1`);
    const from = await list2010(`${account()}/Calls.json?From=${encodeURIComponent(number)}`, "calls");
    expect(new Set(from.items.map((c) => c.sid))).toEqual(
      new Set(
        emu.store
          .listCalls()
          .filter((c) => c.from === number)
          .map((c) => c.sid),
      ),
    );
    expect((await get(emu, `${account()}/Messages.json?To=%2B10000000000`)).body.messages).toEqual([]);
  });

  it("filter by DateSent (a day, on or before, on or after, instants) and StartTime; unsent Messages match no date", async () => {
    reset({ interactions: 300, notFinalRate: 0.2 });
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const messages = emu.store.listMessages();
    const sentMs = (m: Json) => (m.date_sent ? Date.parse(m.date_sent) : null);
    const pivot = Date.now() - 30 * 86_400_000;
    const pivotDay = day(pivot);
    const dayStart = Date.parse(`${pivotDay}T00:00:00Z`);
    const cases: [string, (ms: number) => boolean][] = [
      [`DateSent=${pivotDay}`, (ms) => ms >= dayStart && ms < dayStart + 86_400_000],
      [`DateSent%3C=${pivotDay}`, (ms) => ms < dayStart + 86_400_000],
      [`DateSent%3E=${pivotDay}`, (ms) => ms >= dayStart],
      [
        `DateSent%3E=${day(pivot - 10 * 86_400_000)}&DateSent%3C=${pivotDay}`,
        (ms) => ms >= dayStart - 10 * 86_400_000 && ms < dayStart + 86_400_000,
      ],
      [`DateSent%3E=${new Date(dayStart + 3_600_000).toISOString()}`, (ms) => ms >= dayStart + 3_600_000],
    ];
    for (const [query, keep] of cases) {
      const { items } = await list2010(`${account()}/Messages.json?${query}`, "messages");
      const expected = messages.filter((m) => {
        const ms = sentMs(m);
        return ms !== null && keep(ms);
      });
      expect(new Set(items.map((m) => m.sid)), query).toEqual(new Set(expected.map((m) => m.sid)));
    }
    const unsent = messages.filter((m) => m.date_sent === null);
    expect(unsent.length).toBeGreaterThan(0);
    const everything = await list2010(`${account()}/Messages.json?DateSent%3E=2000-01-01`, "messages");
    expect(everything.items).toHaveLength(messages.length - unsent.length);
    const calls = await list2010(`${account()}/Calls.json?StartTime%3C=${pivotDay}`, "calls");
    const expectedCalls = emu.store
      .listCalls()
      .filter((c) => c.start_time !== null && Date.parse(c.start_time) < dayStart + 86_400_000);
    expect(new Set(calls.items.map((c) => c.sid))).toEqual(new Set(expectedCalls.map((c) => c.sid)));
  });

  it.each([
    "DateSent=2026-02-30",
    "DateSent%3C=yesterday",
    "DateSent%3E=2026-13-01",
    "DateSent=2026-01-05T25:00:00Z",
  ])("answers 400/20001 to a malformed date filter (%s) rather than ignore it", async (query) => {
    reset();
    expectTwilioError(await get(emu, `${account()}/Messages.json?${query}`), 400, 20001);
  });

  it("a deleted Message leaves the list; a deleted anchor ends it (deletedAnchor empty)", async () => {
    reset({ interactions: 100, notFinalRate: 0 });
    const first = await get(emu, `${account()}/Messages.json?PageSize=10`);
    const anchor = first.body.messages.at(-1).sid;
    expect((await del(emu, messagePath(emu, anchor))).status).toBe(204);
    const next = await get(emu, first.body.next_page_uri);
    expect(next.body.messages).toEqual([]);
    expect(next.body.next_page_uri).toBeNull();
    const all = await list2010(`${account()}/Messages.json?PageSize=1000`, "messages");
    expect(all.items.map((m) => m.sid)).not.toContain(anchor);
  });

  it("hides Messages/Calls past apiRetentionDays from the lists", async () => {
    reset({ interactions: 200, apiRetentionDays: 30 });
    const { items } = await list2010(`${account()}/Messages.json?PageSize=1000`, "messages");
    const young = emu.store
      .listMessages()
      .filter((m) => Date.parse(m.date_created) > Date.now() - 29 * 86_400_000);
    expect(emu.state().counts.archived).toBeGreaterThan(0);
    expect(items.length).toBeLessThan(emu.state().counts.messages);
    for (const m of young) expect(items.map((x) => x.sid)).toContain(m.sid);
    for (const m of items) expect(Date.parse(m.date_created)).toBeGreaterThan(Date.now() - 31 * 86_400_000);
  });
});

describe("seeded orphans and other traffic", () => {
  it("orphans: N Messages/Calls through proxy numbers, linked by no live Interaction, reported in seeded_orphans", async () => {
    reset({ services: 2, sessions: 3, orphans: 25, otherTraffic: 0 });
    const state = emu.state();
    expect(state.seeded_orphans).toHaveLength(25);
    expect(new Set(state.seeded_orphans).size).toBe(25);
    expect(state.counts.orphans).toBe(25);
    const calls = state.seeded_orphans.filter((sid) => sid.startsWith("CA")).length;
    expect(state.orphans_by_kind).toMatchObject({ messages: 25 - calls, calls });
    expect(calls).toBeGreaterThan(0);
    const linked = new Set(
      emu.store
        .listSessions()
        .flatMap((s) => emu.store.listInteractions(s.sid))
        .flatMap((i) => [i.inbound_resource_sid, i.outbound_resource_sid]),
    );
    const numbers = await proxyNumbers();
    const byNumber = new Map([...emu.store.listMessages(), ...emu.store.listCalls()].map((r) => [r.sid, r]));
    for (const sid of state.seeded_orphans) {
      expect(linked.has(sid)).toBe(false);
      expect(emu.store.isOrphan(sid)).toBe(true);
      const r = byNumber.get(sid);
      expect(numbers.has(r?.from ?? "") || numbers.has(r?.to ?? "")).toBe(true);
    }
    const msg = state.seeded_orphans.find((sid) => !sid.startsWith("CA")) ?? "";
    expect((await del(emu, messagePath(emu, msg))).status).toBe(204);
    expect(emu.state().counts.orphans).toBe(24);
  });

  it("other traffic: Messages on no proxy number, never orphans; the rest of the seed is unchanged by either", async () => {
    reset({ interactions: 50 });
    const plain = emu.store.listMessages().map((m) => m.sid);
    const interactions = emu.store
      .listSessions()
      .flatMap((s) => emu.store.listInteractions(s.sid).map((i) => i.sid));
    reset({ interactions: 50, otherTraffic: 40, orphans: 10 });
    const numbers = await proxyNumbers();
    const extra = emu.store.listMessages().filter((m) => !plain.includes(m.sid));
    const orphans = new Set(emu.state().seeded_orphans);
    const other = extra.filter((m) => !orphans.has(m.sid));
    expect(other).toHaveLength(40);
    for (const m of other) {
      expect(numbers.has(m.from) || numbers.has(m.to)).toBe(false);
      expect(emu.store.isOrphan(m.sid)).toBe(false);
    }
    expect(emu.state().counts.orphans).toBe(10);
    expect(
      emu.store.listSessions().flatMap((s) => emu.store.listInteractions(s.sid).map((i) => i.sid)),
    ).toEqual(interactions);
    for (const sid of plain) expect(emu.store.getMessage(sid)).toBeDefined();
  });

  it("refuses orphans without a Session to have gone through", async () => {
    expect(() => emu.reset({ sessions: 0, orphans: 1 })).toThrow(/orphans need at least one session/);
    await expect(startEmulator({ port: 0, services: 0, orphans: 3 })).rejects.toThrow(/orphans/);
  });
});

describe("Participants list under a Session (for erase --participant)", () => {
  it("is reachable for every Session; a Session's numbers appear in its Messages", async () => {
    reset();
    for (const session of emu.store.listSessions()) {
      const reply = await get(emu, `${sessionPath(emu, session.sid)}/Participants`);
      const identifiers = reply.body.participants.map((p: Json) => p.identifier);
      const legs = emu.store
        .listInteractions(session.sid)
        .flatMap((i) => [i.inbound_resource_sid, i.outbound_resource_sid]);
      const messages = emu.store.listMessages().filter((m) => legs.includes(m.sid));
      for (const m of messages) expect(identifiers.includes(m.from) || identifiers.includes(m.to)).toBe(true);
    }
  });
});

describe("returningCustomer: one person in several Sessions (for erase --participant)", () => {
  it("puts RETURNING_CUSTOMER in the first n Sessions of each Service, its traffic consistent, the rest unchanged", async () => {
    reset({ services: 2, sessions: 5, orphans: 30 });
    const before = {
      sessions: emu.store.listSessions().map((s) => s.sid),
      messages: emu.store.listMessages().map((m) => m.sid),
      calls: emu.store.listCalls().map((c) => c.sid),
    };
    const numberBefore = new Set(
      emu.store.listSessions().flatMap((s) => emu.store.listParticipants(s.sid).map((p) => p.identifier)),
    );
    expect(numberBefore.has(RETURNING_CUSTOMER)).toBe(false);
    reset({ services: 2, sessions: 5, orphans: 30, returningCustomer: 3 });
    expect(emu.state().seed).toMatchObject({ returningCustomer: 3 });
    expect(emu.store.listSessions().map((s) => s.sid)).toEqual(before.sessions);
    expect(emu.store.listMessages().map((m) => m.sid)).toEqual(before.messages);
    expect(emu.store.listCalls().map((c) => c.sid)).toEqual(before.calls);
    for (const service of emu.store.listServices()) {
      const sessions = emu.store.listSessions(service.sid);
      const withCustomer = sessions.filter((s) =>
        emu.store.listParticipants(s.sid).some((p) => p.identifier === RETURNING_CUSTOMER),
      );
      expect(withCustomer).toHaveLength(3);
      // Three different statuses (Sessions rotate open, in-progress, closed, failed in creation order).
      expect(new Set(withCustomer.map((s) => s.status)).size).toBe(3);
    }
    // Its Messages and Calls go between that number and a proxy number of its Session's Participant.
    const numbers = await proxyNumbers();
    const traffic = [...emu.store.listMessages(), ...emu.store.listCalls()].filter(
      (r) => r.from === RETURNING_CUSTOMER || r.to === RETURNING_CUSTOMER,
    );
    expect(traffic.length).toBeGreaterThan(0);
    for (const r of traffic) {
      const other = r.from === RETURNING_CUSTOMER ? r.to : r.from;
      expect(numbers.has(other)).toBe(true);
    }
    const reply = await get(emu, `${account()}/Messages.json?To=${encodeURIComponent(RETURNING_CUSTOMER)}`);
    expect(reply.body.messages.length).toBeGreaterThan(0);
  });

  it("refuses a count that is not a whole number", () => {
    expect(() => emu.reset({ returningCustomer: -1 })).toThrow(/returningCustomer/);
  });
});
