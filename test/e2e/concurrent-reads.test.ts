import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lines, runCli } from "../helpers/cli.js";
import { apiGet, type Emulator, emulator, envFor, reseed, stateOf } from "../helpers/emulator.js";

/** Several Sessions read at once, output still in Session order; Sessions that cannot match never read. */
let emu: Emulator;

beforeAll(async () => {
  emu = await emulator();
});
afterAll(() => emu.close());

interface Listed {
  sid: string;
  session_sid: string;
  date_created: string;
}

async function sessionsAsListed(): Promise<
  { sid: string; date_created: string; date_last_interaction: string | null }[]
> {
  const service = (await stateOf(emu)).sessions[0]?.service_sid as string;
  const { body } = (await apiGet(emu, `/v1/Services/${service}/Sessions?PageSize=100`)) as {
    body: { sessions: { sid: string; date_created: string; date_last_interaction: string | null }[] };
  };
  return body.sessions;
}

describe("--all-sessions reads", () => {
  it("keep each Session's order and the Sessions' order, while reading many at once", async () => {
    reseed(emu, { sessions: 40, interactions: 30 });
    emu.setFaults({ latency: 15, jitter: 10 });
    try {
      const result = await runCli(["list", "--all-sessions", "--json"], { env: envFor(emu) });
      expect(result.code).toBe(0);
      const listed = JSON.parse(result.stdout) as Listed[];
      const sessions = await sessionsAsListed();
      const expected: string[] = [];
      const service = (await stateOf(emu)).sessions[0]?.service_sid as string;
      for (const session of sessions) {
        let path: string | null = `/v1/Services/${service}/Sessions/${session.sid}/Interactions?PageSize=100`;
        while (path) {
          const { body } = (await apiGet(emu, path)) as {
            body: { interactions: Listed[]; meta: { next_page_url: string | null } };
          };
          expected.push(...body.interactions.map((item) => item.sid));
          const next = body.meta.next_page_url;
          path = next ? `${new URL(next).pathname}${new URL(next).search}` : null;
        }
      }
      expect(listed.map((item) => item.sid)).toEqual(expected);
      // Reading was concurrent: more than one request was on the wire at once.
      expect((await stateOf(emu)).requests.max_in_flight).toBeGreaterThan(4);
    } finally {
      emu.setFaults({ latency: 0, jitter: 0 });
    }
  });

  it("--until T never reads a Session created at or after T; --since T none whose last Interaction was before T", async () => {
    reseed(emu, { sessions: 30, interactions: 20 });
    const sessions = await sessionsAsListed();
    const created = sessions.map((s) => Date.parse(s.date_created)).sort((a, b) => a - b);
    const until = new Date(created[Math.floor(created.length / 2)] as number);
    const untilRun = await runCli(
      ["list", "--all-sessions", "--until", until.toISOString(), "--json", "--verbose"],
      { env: envFor(emu) },
    );
    expect(untilRun.code).toBe(0);
    const read = new Set(
      lines(untilRun.stderr)
        .map((line) => /Sessions\/(KC[0-9a-f]{32})\/Interactions/.exec(line)?.[1])
        .filter((sid): sid is string => sid !== undefined),
    );
    const old = sessions.filter((s) => Date.parse(s.date_created) < until.getTime()).map((s) => s.sid);
    expect([...read].sort()).toEqual(old.sort());
    // And nothing that matches was missed: the same Interactions as a read of every Session.
    const everything = await runCli(["list", "--all-sessions", "--json"], { env: envFor(emu) });
    const all = (JSON.parse(everything.stdout) as Listed[]).filter(
      (i) => Date.parse(i.date_created) < until.getTime(),
    );
    expect((JSON.parse(untilRun.stdout) as Listed[]).map((i) => i.sid).sort()).toEqual(
      all.map((i) => i.sid).sort(),
    );

    const lasts = sessions.map((s) => Date.parse(s.date_last_interaction ?? "")).sort((a, b) => a - b);
    const since = new Date(lasts[Math.floor(lasts.length / 2)] as number);
    const sinceRun = await runCli(
      ["list", "--all-sessions", "--since", since.toISOString(), "--json", "--verbose"],
      {
        env: envFor(emu),
      },
    );
    expect(sinceRun.code).toBe(0);
    const readSince = lines(sinceRun.stderr).filter((line) => /\/Interactions/.test(line)).length;
    const recent = sessions.filter((s) => Date.parse(s.date_last_interaction ?? "") >= since.getTime());
    expect(readSince).toBe(recent.length);
    const allSince = (JSON.parse(everything.stdout) as Listed[]).filter(
      (i) => Date.parse(i.date_created) >= since.getTime(),
    );
    expect((JSON.parse(sinceRun.stdout) as Listed[]).length).toBe(allSince.length);
  });
});
