import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../src/emulator/index.js";
import { call, expectTwilioError, get, type Json, start } from "./helpers.js";

let emu: Emulator;

beforeAll(async () => {
  emu = await start({ interactions: 40, notFinalRate: 0.2 });
});
afterAll(() => emu.close());

async function control(method: string, name: string, body?: string) {
  const response = await fetch(`${emu.url}/__emulator/${name}`, { method, body });
  return { status: response.status, body: (await response.json()) as Json };
}

describe("/__emulator/state", () => {
  it("reports counts, sessions, requests, faults and seed, and equals state()", async () => {
    emu.reset();
    const reply = await control("GET", "state");
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual(emu.state());
    expect(Object.keys(reply.body).sort()).toEqual([
      "counts",
      "faults",
      "orphans_by_kind",
      "policy",
      "requests",
      "seed",
      "seeded_orphans",
      "sessions",
    ]);
    expect(reply.body.seeded_orphans).toEqual([]);
    expect(reply.body.counts).toMatchObject({
      services: 1,
      sessions: 3,
      interactions: 120,
      orphans: 0,
      archived: 0,
    });
    expect(reply.body.policy).toEqual({
      maxPageSize: 100,
      deletedAnchor: "empty",
      twilioHosts: false,
      apiRetentionDays: null,
    });
    expect(reply.body.sessions).toHaveLength(3);
    expect(reply.body.sessions[0]).toEqual({
      sid: expect.stringMatching(/^KC/),
      service_sid: expect.stringMatching(/^KS/),
      status: expect.any(String),
      interactions: 40,
    });
    expect(reply.body.seed).toEqual({
      services: 1,
      sessions: 3,
      interactions: 40,
      randomSeed: 1,
      notFinalRate: 0.2,
      foreignRate: 0,
      mediaRate: 0.15,
      recordingRate: 0.5,
      orphans: 0,
      otherTraffic: 0,
      returningCustomer: 0,
    });
    expect(reply.body.faults).toEqual({
      latency: 0,
      jitter: 0,
      maxConcurrency: 0,
      retryAfter: null,
      failRate: 0,
      hangRate: 0,
      legalHold: false,
    });
  });

  it("counts API requests only, including 401s, 404s and 405s, by status and method", async () => {
    emu.reset();
    await control("GET", "state");
    await control("POST", "faults", "{}");
    expect(emu.state().requests).toMatchObject({ total: 0, by_status: {}, by_method: {} });
    await get(emu, "/v1/Services");
    await call(emu, "GET", "/v1/Services", { auth: null });
    await get(emu, "/v1/Nope");
    await call(emu, "DELETE", "/v1/Services");
    await control("GET", "state");
    expect(emu.state().requests).toMatchObject({
      total: 4,
      by_status: { "200": 1, "401": 1, "404": 1, "405": 1 },
      by_method: { GET: 3, DELETE: 1 },
      max_in_flight: 1,
      in_flight: 0,
      destroyed: 0,
      hung: 0,
    });
  });
});

describe("/__emulator/reset", () => {
  it("reseeds with the given fields, keeps the others, and zeroes the counters", async () => {
    await get(emu, "/v1/Services");
    const reply = await control(
      "POST",
      "reset",
      JSON.stringify({ sessions: 2, interactions: 5, randomSeed: 9 }),
    );
    expect(reply.status).toBe(200);
    expect(reply.body.counts).toMatchObject({ sessions: 2, interactions: 10 });
    expect(reply.body.seed).toMatchObject({ sessions: 2, interactions: 5, randomSeed: 9, notFinalRate: 0.2 });
    expect(reply.body.requests.total).toBe(0);
    expect((await control("POST", "reset")).body.counts.interactions).toBe(10);
    emu.reset({ sessions: 3, interactions: 40, randomSeed: 1 });
  });

  it.each([
    ["bad JSON", "{nope"],
    ["an array", "[]"],
    ["an unknown field", '{"interaction": 5}'],
    ["a negative count", '{"sessions": -1}'],
    ["a rate above 1", '{"notFinalRate": 1.5}'],
    ["a fractional count", '{"services": 1.5}'],
  ])("400s %s", async (_, body) => {
    const reply = await control("POST", "reset", body);
    expectTwilioError({ ...reply, headers: new Headers() }, 400, 20001);
  });
});

describe("fields named like Object.prototype's members (issue #10 item 18)", () => {
  const NAMES = ["__proto__", "hasOwnProperty", "constructor", "toString", "valueOf", "isPrototypeOf"];
  const cases = NAMES.flatMap((name) =>
    ["reset", "faults"].flatMap((endpoint) =>
      [1, "x", {}, null].map((value) => [endpoint, name, value] as const),
    ),
  );

  it.each(cases)(
    "POST /__emulator/%s with field %s = %j is a 400 naming the field, nothing changed",
    async (endpoint, name, value) => {
      const before = emu.state();
      const reply = await control("POST", endpoint, `{"${name}": ${JSON.stringify(value)}}`);
      expectTwilioError({ ...reply, headers: new Headers() }, 400, 20001);
      expect(reply.body.message).toContain(`unknown`);
      expect(reply.body.message).toContain(`'${name}'`);
      expect(reply.body.message).not.toMatch(/\bat \w|TypeError|\.ts:|\.js:/);
      const after = emu.state();
      expect({ ...after, requests: null }).toEqual({ ...before, requests: null });
    },
  );

  it("rejects them in-process too, with an OptionError", async () => {
    for (const name of NAMES) {
      const input = JSON.parse(`{"${name}": 1}`);
      expect(() => emu.reset(input)).toThrow(/unknown reset option field/);
      expect(() => emu.setFaults(input)).toThrow(/unknown fault option field/);
      await expect(start(input)).rejects.toThrow(/unknown option field/);
    }
  });
});

describe("/__emulator/faults and /__emulator/finalize", () => {
  it("sets faults (merged), rejects bad ones", async () => {
    const reply = await control("POST", "faults", JSON.stringify({ latency: 5, retryAfter: 2 }));
    expect(reply.body).toMatchObject({ latency: 5, retryAfter: 2, legalHold: false });
    expect((await control("POST", "faults", '{"legalHold": true}')).body).toMatchObject({
      latency: 5,
      legalHold: true,
    });
    expect((await control("POST", "faults", '{"legalHold": "yes"}')).status).toBe(400);
    expect((await control("POST", "faults", '{"failRate": 2}')).status).toBe(400);
    expect(
      (await control("POST", "faults", '{"retryAfter": null, "latency": 0, "legalHold": false}')).status,
    ).toBe(200);
    expect(emu.state().faults).toMatchObject({ latency: 0, retryAfter: null, legalHold: false });
  });

  it("finalizes every Message/Call/Recording in flight", async () => {
    const inFlight = () =>
      [...emu.store.listMessages(), ...emu.store.listCalls(), ...emu.store.listRecordings()].filter((r) =>
        ["queued", "sending", "ringing", "in-progress", "processing"].includes(r.status),
      ).length;
    expect(emu.store.listRecordings().some((r) => r.status === "processing")).toBe(true);
    const before = inFlight();
    expect(before).toBeGreaterThan(0);
    const reply = await control("POST", "finalize");
    expect(reply.body).toEqual({ finalized: before });
    expect(inFlight()).toBe(0);
  });

  it("404s unknown control paths and 405s wrong methods, without counting them as API requests", async () => {
    emu.reset();
    expect((await control("GET", "nope")).status).toBe(404);
    expect((await control("GET", "reset")).status).toBe(405);
    expect((await control("DELETE", "state")).status).toBe(405);
    expect(emu.state().requests.total).toBe(0);
  });
});
