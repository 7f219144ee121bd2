import { afterAll, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../src/emulator/index.js";
import { call, del, expectTwilioError, get, type Json, sessionPath, start } from "./helpers.js";

let emu: Emulator;

beforeEach(async () => {
  await emu?.close();
  emu = await start({ interactions: 60, notFinalRate: 0 });
});
afterAll(() => emu.close());

function interactionPaths(count: number): string[] {
  const session = emu.store.listSessions()[0];
  const base = sessionPath(emu, session?.sid ?? "");
  return emu.store
    .listInteractions(session?.sid ?? "")
    .slice(0, count)
    .map((i) => `${base}/Interactions/${i.sid}`);
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("latency", () => {
  it("delays every API response by at least the latency (minus jitter)", async () => {
    emu.setFaults({ latency: 150 });
    let t = performance.now();
    expect((await get(emu, "/v1/Services")).status).toBe(200);
    expect(performance.now() - t).toBeGreaterThanOrEqual(140);
    emu.setFaults({ latency: 200, jitter: 50 });
    t = performance.now();
    await get(emu, "/v1/Services");
    expect(performance.now() - t).toBeGreaterThanOrEqual(140);
  });

  it("never delays /__emulator/: it answers while an API request is still waiting", async () => {
    emu.setFaults({ latency: 60_000 });
    const pending = get(emu, "/v1/Services").catch((error: unknown) => error);
    await until(() => emu.state().requests.in_flight === 1, "the API request to be in flight");
    const state = await fetch(`${emu.url}/__emulator/state`);
    expect(state.status).toBe(200);
    expect(((await state.json()) as Json).requests).toMatchObject({ total: 1, in_flight: 1, by_status: {} });
    await emu.close();
    expect(await pending).toBeInstanceOf(Error);
  });
});

describe("max concurrency (429/20429)", () => {
  it("refuses requests beyond the limit, without processing them, and sends Retry-After only when set", async () => {
    emu.setFaults({ maxConcurrency: 2, latency: 300 });
    const paths = interactionPaths(8);
    const replies = await Promise.all(paths.map((p) => del(emu, p)));
    const refused = replies.filter((r) => r.status === 429);
    const done = replies.filter((r) => r.status === 204);
    expect(done.length).toBeGreaterThanOrEqual(1);
    expect(done.length).toBeLessThanOrEqual(2);
    expect(refused.length).toBe(8 - done.length);
    for (const r of refused) {
      expectTwilioError(r, 429, 20429);
      expect(r.headers.get("retry-after")).toBeNull();
    }
    // A 429 was not processed: exactly the 204s were deleted.
    replies.forEach((r, i) => {
      expect(emu.store.getInteraction(paths[i]?.split("/").at(-1) ?? "") === undefined).toBe(
        r.status === 204,
      );
    });
    const requests = emu.state().requests;
    expect(requests.max_in_flight).toBeLessThanOrEqual(2);
    expect(requests.by_status["429"]).toBe(refused.length);

    emu.setFaults({ retryAfter: 3 });
    const again = await Promise.all(interactionPaths(6).map((p) => get(emu, p)));
    const limited = again.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    for (const r of limited) expect(r.headers.get("retry-after")).toBe("3");
  });
});

describe("fail rate", () => {
  it("at 1.0 answers 500/503 (not processed) or cuts the connection (processed)", async () => {
    emu.setFaults({ failRate: 1 });
    const paths = interactionPaths(30);
    const outcomes = await Promise.all(
      paths.map((p) =>
        del(emu, p).then(
          (r) => ({ path: p, status: r.status, reply: r }),
          () => ({ path: p, status: "cut" as const, reply: null }),
        ),
      ),
    );
    const cut = outcomes.filter((o) => o.status === "cut");
    const failed = outcomes.filter((o) => o.status !== "cut");
    expect(cut.length).toBeGreaterThan(0);
    expect(failed.length).toBeGreaterThan(0);
    for (const o of failed) {
      expect([500, 503]).toContain(o.status);
      expectTwilioError(
        o.reply as NonNullable<typeof o.reply>,
        o.status as number,
        o.status === 500 ? 20500 : 20503,
      );
    }
    emu.setFaults({ failRate: 0 });
    for (const o of outcomes) {
      const sid = o.path.split("/").at(-1) ?? "";
      expect(emu.store.getInteraction(sid) === undefined, `${o.status} ${sid}`).toBe(o.status === "cut");
    }
    const requests = emu.state().requests;
    expect(requests.destroyed).toBe(cut.length);
    expect((requests.by_status["500"] ?? 0) + (requests.by_status["503"] ?? 0)).toBe(failed.length);
    expect(requests.total).toBe(30);
  });

  it("cuts a GET after the headers and part of the body", async () => {
    emu.setFaults({ failRate: 1 });
    let cut = 0;
    for (let i = 0; i < 60 && cut === 0; i++) {
      try {
        const response = await fetch(`${emu.url}/v1/Services`, {
          headers: {
            authorization: `Basic ${Buffer.from(`${emu.accountSid}:${emu.authToken}`).toString("base64")}`,
          },
        });
        if (response.status === 200) {
          await expect(response.text()).rejects.toThrow();
          cut++;
        } else {
          await response.text();
        }
      } catch {
        // The connection can also die before fetch sees the headers.
      }
    }
    expect(cut).toBe(1);
  });
});

describe("hang rate", () => {
  it("at 1.0 processes a request but never answers; the client's abort frees it", async () => {
    emu.setFaults({ hangRate: 1 });
    const [path] = interactionPaths(1);
    const sid = path?.split("/").at(-1) ?? "";
    await expect(call(emu, "DELETE", path ?? "", { signal: AbortSignal.timeout(300) })).rejects.toThrow();
    expect(emu.store.getInteraction(sid)).toBeUndefined();
    await until(() => emu.state().requests.in_flight === 0, "the aborted request to leave");
    expect(emu.state().requests).toMatchObject({ total: 1, hung: 1, by_status: {} });
  });

  it("close() does not wait for hung requests", async () => {
    emu.setFaults({ hangRate: 1 });
    const pending = get(emu, "/v1/Services").catch((error: unknown) => error);
    await until(() => emu.state().requests.hung === 1, "the request to hang");
    await emu.close();
    expect(await pending).toBeInstanceOf(Error);
  });

  it("never hangs or fails /__emulator/", async () => {
    emu.setFaults({ hangRate: 1, failRate: 1 });
    for (let i = 0; i < 5; i++) expect((await fetch(`${emu.url}/__emulator/state`)).status).toBe(200);
  });
});
