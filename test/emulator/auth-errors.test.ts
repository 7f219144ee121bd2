import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../src/emulator/index.js";
import {
  basic,
  call,
  callPath,
  del,
  expectTwilioError,
  get,
  messagePath,
  sessionPath,
  start,
} from "./helpers.js";

let emu: Emulator;

beforeAll(async () => {
  emu = await start({ interactions: 30, notFinalRate: 0 });
});
afterAll(() => emu.close());

describe("auth", () => {
  it("accepts Account SID + Auth Token and API Key + Secret", async () => {
    for (const auth of [basic(emu.accountSid, emu.authToken), basic(emu.apiKey, emu.apiSecret)]) {
      expect((await call(emu, "GET", "/v1/Services", { auth })).status).toBe(200);
    }
  });

  it.each([
    ["missing", null],
    ["a wrong token", () => basic(emu.accountSid, "nope")],
    ["an API key with the auth token", () => basic(emu.apiKey, emu.authToken)],
    ["another account", () => basic(`AC${"0".repeat(32)}`, emu.authToken)],
    ["not Basic", () => "Bearer abc"],
    ["no colon", () => `Basic ${Buffer.from(emu.accountSid).toString("base64")}`],
  ])("answers 401/20003 with WWW-Authenticate to %s credentials", async (_, auth) => {
    const reply = await call(emu, "GET", "/v1/Services", {
      auth: typeof auth === "function" ? auth() : auth,
    });
    expectTwilioError(reply, 401, 20003);
    expect(reply.body).toEqual({
      code: 20003,
      message: "Authenticate",
      more_info: "https://www.twilio.com/docs/errors/20003",
      status: 401,
    });
    expect(reply.headers.get("www-authenticate")).toBe('Basic realm="Twilio API"');
  });

  it("checks credentials before revealing whether a path exists", async () => {
    expectTwilioError(await call(emu, "GET", "/v1/Nothing", { auth: null }), 401, 20003);
  });
});

describe("errors", () => {
  it("404s unknown paths with the path in the message", async () => {
    for (const path of [
      "/",
      "/v1",
      "/v1/Services/",
      "/v2/Services",
      "/2010-04-01/Accounts",
      "/v1/Services/x/y/z",
    ]) {
      const reply = await get(emu, path);
      expectTwilioError(reply, 404, 20404);
      expect(reply.body.message).toContain(path);
    }
  });

  it("400s a malformed SID in the path", async () => {
    const session = emu.store.listSessions()[0];
    const base = sessionPath(emu, session?.sid ?? "");
    for (const path of [
      "/v1/Services/KS123",
      `/v1/Services/KC${"0".repeat(32)}`,
      `/v1/Services/KS${"g".repeat(32)}/Sessions`,
      `${base}/Interactions/KI${"0".repeat(31)}`,
      `${base}/Interactions/SM${"0".repeat(32)}`,
      `${base}/Participants/nope`,
      callPath(emu, "CA1"),
    ]) {
      expectTwilioError(await get(emu, path), 400, 20001);
    }
  });

  it("404s well-formed SIDs that do not exist", async () => {
    const session = emu.store.listSessions()[0];
    const base = sessionPath(emu, session?.sid ?? "");
    for (const path of [
      `/v1/Services/KS${"0".repeat(32)}/Sessions`,
      `/v1/Services/${session?.service_sid}/Sessions/KC${"0".repeat(32)}`,
      `${base}/Interactions/KI${"0".repeat(32)}`,
      messagePath(emu, `SM${"0".repeat(32)}`),
      callPath(emu, `CA${"0".repeat(32)}`),
    ]) {
      expectTwilioError(await get(emu, path), 404, 20404);
      expectTwilioError(
        await del(emu, path.endsWith("Sessions") ? `${path}/KC${"1".repeat(32)}` : path),
        404,
        20404,
      );
    }
  });
});

describe("legal hold (80615)", () => {
  it("refuses every DELETE with 403 while GETs still work; lifting it allows deletes again", async () => {
    emu.reset();
    emu.setFaults({ legalHold: true });
    const session = emu.store.listSessions()[0];
    const base = sessionPath(emu, session?.sid ?? "");
    const interaction = emu.store.listInteractions(session?.sid ?? "")[0];
    const message = emu.store.listMessages()[0];
    const callRecord = emu.store.listCalls()[0];
    const paths = [
      `${base}/Interactions/${interaction?.sid}`,
      messagePath(emu, message?.sid ?? ""),
      callPath(emu, callRecord?.sid ?? ""),
      base,
    ];
    const before = emu.state().counts;
    for (const path of paths) {
      const reply = await del(emu, path);
      expectTwilioError(reply, 403, 80615);
      expect((await get(emu, path)).status).toBe(200);
    }
    expect(emu.state().counts).toEqual(before);
    emu.setFaults({ legalHold: false });
    for (const path of paths) expect((await del(emu, path)).status).toBe(204);
  });
});
