import { afterEach, describe, expect, it } from "vitest";
import { createApiClient } from "../../src/api/client.js";
import { TwilioApiError } from "../../src/errors.js";
import { type CountingServer, countingServer } from "../helpers/counting-server.js";

/** The client's retry policy against a scripted loopback server (no emulator needed). */
const AC = `AC${"a".repeat(32)}`;
let server: CountingServer | undefined;
afterEach(async () => {
  await server?.close();
});

function scripted(statuses: number[]): Promise<CountingServer> {
  let i = 0;
  return countingServer((_req, res) => {
    const status = statuses[i++] ?? 200;
    const body =
      status === 200
        ? { ok: true }
        : { code: status === 429 ? 20429 : 20500, message: "busy", more_info: "x", status };
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  });
}

function clientFor(url: string, hooks: Parameters<typeof createApiClient>[1] = {}) {
  return createApiClient(
    {
      credentials: { accountSid: AC, username: AC, password: "secret", kind: "auth-token" },
      proxyOrigin: url,
      apiOrigin: url,
      timeoutMs: 5000,
      serviceSid: undefined,
    },
    hooks,
  );
}

describe("retries", () => {
  it("give 429s and server errors separate budgets", async () => {
    // 8 throttled answers and 4 server errors, interleaved: more than either budget alone allows
    // if they were counted together (12 + 5), yet within each.
    server = await scripted([429, 500, 429, 429, 503, 429, 429, 502, 429, 429, 504, 429]);
    await expect(clientFor(server.url).getJson(`${server.url}/x`)).resolves.toEqual({ ok: true });
    expect(server.requests).toHaveLength(13);
  }, 30_000);

  it("stop after 5 retries of server errors and report Twilio's error", async () => {
    server = await scripted([500, 500, 500, 500, 500, 500, 500]);
    const error = await clientFor(server.url)
      .delete(`${server.url}/x`)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TwilioApiError);
    expect((error as TwilioApiError).code).toBe(20500);
    expect(server.requests).toHaveLength(6);
  }, 30_000);

  it("tell the gate when a request sleeps after a 429 and when it wakes (not after a 5xx), holding no permit meanwhile", async () => {
    server = await scripted([429, 503, 200]);
    const events: string[] = [];
    const gate = {
      acquire: async () => void events.push("acquire"),
      release: (status: number | null) => void events.push(`release ${status}`),
      resting: (delta: 1 | -1) => void events.push(delta > 0 ? "sleep" : "wake"),
    };
    await clientFor(server.url, { gate }).getJson(`${server.url}/x`);
    expect(events).toEqual([
      "acquire",
      "release 429",
      "sleep",
      "wake",
      "acquire",
      "release 503",
      "acquire",
      "release 200",
    ]);
  }, 30_000);

  it("never retry a 4xx other than 429", async () => {
    server = await scripted([403]);
    await expect(clientFor(server.url).delete(`${server.url}/x`)).rejects.toBeInstanceOf(TwilioApiError);
    expect(server.requests).toHaveLength(1);
  });
});
