/**
 * `Twilio-Concurrent-Requests` (issue #15 item 1): Twilio's 20429 documentation points clients at this
 * header, the account's requests in flight. The emulator sends it on every API answer, this request included.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../src/emulator/index.js";
import { call, del, get, messagePath, sessionPath, start } from "./helpers.js";

const HEADER = "twilio-concurrent-requests";
let emu: Emulator;

beforeEach(async () => {
  emu = await start({ interactions: 10, notFinalRate: 0 });
});
afterEach(() => emu.close());

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Holds `n` API requests in flight (a latency far longer than the test); they fail when the emulator closes. */
async function holdInFlight(n: number): Promise<void> {
  emu.setFaults({ latency: 600_000 });
  for (let i = 0; i < n; i++) get(emu, "/v1/Services").catch(() => {});
  await until(() => emu.state().requests.in_flight === n, `${n} requests in flight`);
  emu.setFaults({ latency: 0 });
}

describe("Twilio-Concurrent-Requests", () => {
  it("is on every kind of API answer: 200, 204, 401, 404, 405 and 5xx", async () => {
    const session = emu.store.listSessions()[0];
    const interaction = emu.store.listInteractions(session?.sid ?? "")[0];
    const message = emu.store.listMessages()[0];
    const replies = [
      await get(emu, "/v1/Services"),
      await del(emu, `${sessionPath(emu, session?.sid ?? "")}/Interactions/${interaction?.sid}`),
      await call(emu, "GET", "/v1/Services", { auth: null }),
      await get(emu, "/v1/Nope"),
      await call(emu, "POST", "/v1/Services"),
      await get(emu, messagePath(emu, message?.sid ?? "")),
    ];
    emu.setFaults({ failRate: 1 });
    for (let i = 0; i < 6; i++) {
      const reply = await get(emu, "/v1/Services").catch(() => null);
      if (reply) replies.push(reply);
    }
    expect(new Set(replies.map((r) => r.status))).toEqual(
      new Set([200, 204, 401, 404, 405, ...replies.filter((r) => r.status >= 500).map((r) => r.status)]),
    );
    expect(replies.some((r) => r.status >= 500)).toBe(true);
    for (const reply of replies) expect(reply.headers.get(HEADER), String(reply.status)).toBe("1");
  });

  it("counts every request of the account in flight, this one included", async () => {
    await holdInFlight(3);
    const reply = await get(emu, "/v1/Services");
    expect(reply.status).toBe(200);
    expect(reply.headers.get(HEADER)).toBe("4");
  });

  it("on a 429, counts the refused request too, so it exceeds the limit", async () => {
    await holdInFlight(3);
    emu.setFaults({ maxConcurrency: 3 });
    const reply = await get(emu, "/v1/Services");
    expect(reply.status).toBe(429);
    expect(reply.headers.get(HEADER)).toBe("4");
  });

  it("is not sent by /__emulator/ endpoints, which are not the account's API", async () => {
    const response = await fetch(`${emu.url}/__emulator/state`);
    await response.text();
    expect(response.headers.get(HEADER)).toBeNull();
  });
});
