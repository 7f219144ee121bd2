import { afterAll, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../src/emulator/index.js";
import { del, expectTwilioError, get, sessionPath, start } from "./helpers.js";

let emu: Emulator;

beforeEach(async () => {
  await emu?.close();
  emu = await start({ services: 2, sessions: 2, interactions: 10, notFinalRate: 0 });
});
afterAll(() => emu.close());

describe("Proxy v1 services", () => {
  it("lists every service with absolute URLs and links at the emulator", async () => {
    const reply = await get(emu, "/v1/Services");
    expect(reply.status).toBe(200);
    expect(reply.body.services).toHaveLength(2);
    for (const service of reply.body.services) {
      expect(service.account_sid).toBe(emu.accountSid);
      expect(service.url).toBe(`${emu.url}/v1/Services/${service.sid}`);
      expect(service.links.sessions).toBe(`${emu.url}/v1/Services/${service.sid}/Sessions`);
    }
    expect(reply.body.meta.key).toBe("services");
  });

  it("fetches one service, and 404s an unknown one", async () => {
    const [service] = emu.store.listServices();
    const reply = await get(emu, `/v1/Services/${service?.sid}`);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual(service);
    expectTwilioError(await get(emu, `/v1/Services/KS${"0".repeat(32)}`), 404, 20404);
  });
});

describe("Proxy v1 sessions", () => {
  it("lists a service's sessions newest first and fetches each", async () => {
    const service = emu.store.listServices()[0];
    const reply = await get(emu, `/v1/Services/${service?.sid}/Sessions`);
    expect(reply.status).toBe(200);
    expect(reply.body.meta.key).toBe("sessions");
    const sessions = reply.body.sessions as { sid: string; date_created: string; service_sid: string }[];
    expect(sessions).toHaveLength(2);
    expect(sessions.every((s) => s.service_sid === service?.sid)).toBe(true);
    expect(Date.parse(sessions[0]?.date_created ?? "")).toBeGreaterThanOrEqual(
      Date.parse(sessions[1]?.date_created ?? ""),
    );
    for (const session of sessions) {
      const one = await get(emu, sessionPath(emu, session.sid));
      expect(one.status).toBe(200);
      expect(one.body).toEqual(session);
      expect(one.body.links.interactions).toBe(`${emu.url}${sessionPath(emu, session.sid)}/Interactions`);
    }
  });

  it("does not find a session under another service", async () => {
    const [a, b] = emu.store.listServices();
    const session = emu.store.listSessions(a?.sid)[0];
    expectTwilioError(await get(emu, `/v1/Services/${b?.sid}/Sessions/${session?.sid}`), 404, 20404);
  });

  it("deletes a session with its interactions and participants, but not their Messages/Calls", async () => {
    const session = emu.store.listSessions()[0];
    const sid = session?.sid ?? "";
    const path = sessionPath(emu, sid);
    const interactions = emu.store.listInteractions(sid);
    const linked = interactions
      .flatMap((i) => [i.inbound_resource_sid, i.outbound_resource_sid])
      .filter(Boolean);
    const before = emu.state().counts;
    const reply = await del(emu, path);
    expect(reply.status).toBe(204);
    expect(reply.body).toBeNull();
    expectTwilioError(await get(emu, path), 404, 20404);
    expectTwilioError(await get(emu, `${path}/Interactions`), 404, 20404);
    expect(emu.store.getInteraction(interactions[0]?.sid ?? "")).toBeUndefined();
    const after = emu.state().counts;
    expect(after.sessions).toBe(before.sessions - 1);
    expect(after.interactions).toBe(before.interactions - interactions.length);
    expect(after.messages + after.calls).toBe(before.messages + before.calls);
    expect(after.orphans).toBe(linked.length);
    expectTwilioError(await del(emu, path), 404, 20404);
  });
});

describe("Proxy v1 participants", () => {
  it("lists two participants per session and fetches each", async () => {
    const session = emu.store.listSessions()[0];
    const path = sessionPath(emu, session?.sid ?? "");
    const reply = await get(emu, `${path}/Participants`);
    expect(reply.status).toBe(200);
    expect(reply.body.meta.key).toBe("participants");
    expect(reply.body.participants).toHaveLength(2);
    for (const participant of reply.body.participants) {
      expect(participant.url).toBe(`${emu.url}${path}/Participants/${participant.sid}`);
      const one = await get(emu, `${path}/Participants/${participant.sid}`);
      expect(one.body).toEqual(participant);
    }
    expectTwilioError(await get(emu, `${path}/Participants/KP${"1".repeat(32)}`), 404, 20404);
  });
});

describe("Proxy v1 interactions", () => {
  it("lists, fetches and deletes interactions; a deleted one is gone", async () => {
    const session = emu.store.listSessions()[0];
    const path = sessionPath(emu, session?.sid ?? "");
    const list = await get(emu, `${path}/Interactions`);
    expect(list.status).toBe(200);
    expect(list.body.meta.key).toBe("interactions");
    expect(list.body.interactions).toHaveLength(10);
    const first = list.body.interactions[0];
    expect(first.url).toBe(`${emu.url}${path}/Interactions/${first.sid}`);
    const one = await get(emu, `${path}/Interactions/${first.sid}`);
    expect(one.body).toEqual(first);
    expect((await del(emu, `${path}/Interactions/${first.sid}`)).status).toBe(204);
    expectTwilioError(await get(emu, `${path}/Interactions/${first.sid}`), 404, 20404);
    expectTwilioError(await del(emu, `${path}/Interactions/${first.sid}`), 404, 20404);
    expect((await get(emu, `${path}/Interactions`)).body.interactions).toHaveLength(9);
  });

  it("does not find an interaction under another session", async () => {
    const [a, b] = emu.store.listSessions();
    const interaction = emu.store.listInteractions(a?.sid ?? "")[0];
    expectTwilioError(
      await get(emu, `${sessionPath(emu, b?.sid ?? "")}/Interactions/${interaction?.sid}`),
      404,
      20404,
    );
  });

  it("links each leg to a v2010 resource URL at the emulator, typed Message or Call", async () => {
    for (const session of emu.store.listSessions()) {
      for (const i of emu.store.listInteractions(session.sid)) {
        for (const side of ["inbound", "outbound"] as const) {
          const sid = i[`${side}_resource_sid`];
          if (sid === null) {
            expect(i[`${side}_resource_type`]).toBeNull();
            expect(i[`${side}_resource_url`]).toBeNull();
            expect(i[`${side}_resource_status`]).toBeNull();
            continue;
          }
          const type = i[`${side}_resource_type`];
          expect(["Message", "Call"]).toContain(type);
          const collection = type === "Message" ? "Messages" : "Calls";
          expect(i[`${side}_resource_url`]).toBe(
            `${emu.url}/2010-04-01/Accounts/${emu.accountSid}/${collection}/${sid}.json`,
          );
        }
      }
    }
  });
});

describe("methods", () => {
  it("answers 405 with a Twilio error and Allow to a method a known path does not take", async () => {
    const service = emu.store.listServices()[0];
    const session = emu.store.listSessions()[0];
    const cases: [string, string][] = [
      ["POST", "/v1/Services"],
      ["DELETE", `/v1/Services/${service?.sid}`],
      ["PUT", sessionPath(emu, session?.sid ?? "")],
      ["DELETE", `${sessionPath(emu, session?.sid ?? "")}/Participants`],
    ];
    for (const [method, path] of cases) {
      const response = await fetch(`${emu.url}${path}`, {
        method,
        headers: {
          authorization: `Basic ${Buffer.from(`${emu.accountSid}:${emu.authToken}`).toString("base64")}`,
        },
      });
      expect(response.status, `${method} ${path}`).toBe(405);
      expect(response.headers.get("allow")).toMatch(/GET/);
      expectTwilioError({ status: 405, headers: response.headers, body: await response.json() }, 405, 20004);
    }
  });
});
