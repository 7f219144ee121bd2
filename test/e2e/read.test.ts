import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BIN, lines, runCli } from "../helpers/cli.js";
import { type Emulator, emulator, envFor, reseed, stateOf } from "../helpers/emulator.js";

const SID_LINE = /^KI[0-9a-f]{32}\t(message|voice|unknown)\t\d{4}-\d{2}-\d{2}T/;

let emu: Emulator;
let env: Record<string, string | undefined>;

beforeAll(async () => {
  emu = await emulator({ sessions: 3, interactions: 40 });
  env = envFor(emu);
});
afterAll(() => emu.close());
beforeEach(() => reseed(emu, { sessions: 3, interactions: 40 }));

async function firstSession(): Promise<{ sid: string; interactions: number }> {
  const state = await stateOf(emu);
  const session = state.sessions[0];
  if (!session) throw new Error("no session seeded");
  return session;
}

describe("sessions", () => {
  it("prints tab-separated lines without a header when piped", async () => {
    const result = await runCli(["sessions"], { env });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    const rows = lines(result.stdout).map((line) => line.split("\t"));
    const state = await stateOf(emu);
    expect(rows.map((row) => row[0]).sort()).toEqual(state.sessions.map((s) => s.sid).sort());
    expect(rows.every((row) => row.length === 5)).toBe(true);
  });

  it("prints an aligned table with a header on a terminal", async () => {
    const result = await runCli(["sessions"], { env, tty: true });
    expect(result.code).toBe(0);
    const [header, ...rows] = lines(result.stdout);
    expect(header).toMatch(/^SID\s+UNIQUE_NAME\s+STATUS\s+DATE_CREATED\s+DATE_LAST_INTERACTION/);
    expect(rows).toHaveLength(3);
    expect(result.stdout).not.toContain("\t");
  });

  it("filters by --status and prints --json", async () => {
    const state = await stateOf(emu);
    const statuses = [...new Set(state.sessions.map((s) => s.status))];
    const wanted = statuses[0] as string;
    const result = await runCli(["sessions", "--status", wanted, "--json"], { env });
    expect(result.code).toBe(0);
    const sessions = JSON.parse(result.stdout) as { sid: string; status: string }[];
    expect(sessions.length).toBe(state.sessions.filter((s) => s.status === wanted).length);
    expect(sessions.every((s) => s.status === wanted)).toBe(true);
  });
});

describe("list", () => {
  it("lists every Interaction of a Session, one TSV line each, with the default columns", async () => {
    const session = await firstSession();
    const result = await runCli(["list", "--session", session.sid], { env });
    expect(result.code).toBe(0);
    const rows = lines(result.stdout);
    expect(rows).toHaveLength(session.interactions);
    expect(rows.every((row) => SID_LINE.test(row))).toBe(true);
    expect(new Set(rows.map((row) => row.split("\t")[0])).size).toBe(session.interactions);
  });

  it("never shows data (message bodies) unless --columns asks for it", async () => {
    const session = await firstSession();
    const json = await runCli(["list", "--session", session.sid, "--json", "--type", "message"], { env });
    const bodies = (JSON.parse(json.stdout) as { data: string | null }[])
      .map((i) => i.data)
      .filter((d): d is string => d !== null);
    expect(bodies.length).toBeGreaterThan(0);
    const table = await runCli(["list", "--session", session.sid], { env, tty: true });
    const tsv = await runCli(["list", "--session", session.sid], { env });
    for (const body of bodies) {
      expect(table.stdout).not.toContain(JSON.parse(body).body);
      expect(tsv.stdout).not.toContain(JSON.parse(body).body);
    }
    const withData = await runCli(
      ["list", "--session", session.sid, "--type", "message", "--columns", "sid,data"],
      { env },
    );
    expect(withData.code).toBe(0);
    expect(lines(withData.stdout).map((line) => line.split("\t")[1])).toEqual(bodies);
  });

  it("prints a table with inbound/outbound type and status on a terminal", async () => {
    const session = await firstSession();
    const result = await runCli(["list", "--session", session.sid], { env, tty: true });
    expect(result.code).toBe(0);
    const [header, ...rows] = lines(result.stdout);
    expect(header).toMatch(/^SID\s+TYPE\s+DATE_CREATED\s+INBOUND\s+OUTBOUND\s*$/);
    expect(rows).toHaveLength(session.interactions);
    expect(result.stdout).toMatch(/(Message|Call) [a-z-]+/);
  });

  it("prints [] for --json and nothing for TSV when nothing matches", async () => {
    const session = await firstSession();
    const json = await runCli(["list", "--session", session.sid, "--since", "2099-01-01", "--json"], { env });
    expect(json.code).toBe(0);
    expect(json.stdout).toBe("[]\n");
    const tsv = await runCli(["list", "--session", session.sid, "--since", "2099-01-01"], { env });
    expect(tsv.code).toBe(0);
    expect(tsv.stdout).toBe("");
    const table = await runCli(["list", "--session", session.sid, "--since", "2099-01-01"], {
      env,
      tty: true,
    });
    expect(table.stdout).toBe("");
    expect(table.stderr).toContain("No Interactions match.");
  });

  it("--ndjson prints one API object per line; --json an array of the same objects", async () => {
    const session = await firstSession();
    const ndjson = await runCli(["list", "--session", session.sid, "--ndjson"], { env });
    const json = await runCli(["list", "--session", session.sid, "--json"], { env });
    const fromNdjson = lines(ndjson.stdout).map((line) => JSON.parse(line));
    expect(fromNdjson).toHaveLength(session.interactions);
    expect(JSON.parse(json.stdout)).toEqual(fromNdjson);
    expect(fromNdjson[0]).toHaveProperty("inbound_resource_sid");
  });

  it("filters by --type, --since and --until on date_created", async () => {
    const session = await firstSession();
    const all = JSON.parse((await runCli(["list", "--session", session.sid, "--json"], { env })).stdout) as {
      sid: string;
      type: string;
      date_created: string;
    }[];
    const voice = JSON.parse(
      (await runCli(["list", "--session", session.sid, "--type", "voice", "--json"], { env })).stdout,
    );
    expect(voice.map((i: { sid: string }) => i.sid)).toEqual(
      all.filter((i) => i.type === "voice").map((i) => i.sid),
    );

    const cut = Date.now() - 45 * 86_400_000;
    const older = JSON.parse(
      (await runCli(["list", "--session", session.sid, "--until", "45d", "--json"], { env })).stdout,
    );
    const newer = JSON.parse(
      (await runCli(["list", "--session", session.sid, "--since", "45d", "--json"], { env })).stdout,
    );
    const expectedOlder = all.filter((i) => Date.parse(i.date_created) < cut).map((i) => i.sid);
    expect(older.map((i: { sid: string }) => i.sid)).toEqual(expectedOlder);
    expect(older.length + newer.length).toBe(all.length);
    expect(older.length).toBeGreaterThan(0);
    expect(newer.length).toBeGreaterThan(0);

    const iso = new Date(cut).toISOString();
    const olderIso = JSON.parse(
      (await runCli(["list", "--session", session.sid, "--until", iso, "--json"], { env })).stdout,
    );
    expect(olderIso.map((i: { sid: string }) => i.sid)).toEqual(expectedOlder);
  });

  it("--limit stops early and says so on a terminal only", async () => {
    const session = await firstSession();
    const piped = await runCli(["list", "--session", session.sid, "--limit", "5"], { env });
    expect(lines(piped.stdout)).toHaveLength(5);
    expect(piped.stderr).toBe("");
    const tty = await runCli(["list", "--session", session.sid, "--limit", "5"], { env, tty: true });
    expect(tty.stderr).toContain("Showing the first 5 Interactions (--limit 5); more match.");
    const all = await runCli(["list", "--session", session.sid, "--limit", "1000"], { env, tty: true });
    expect(all.stderr).toBe("");
  });

  it("--all-sessions with --session-status reads only those Sessions", async () => {
    const state = await stateOf(emu);
    const total = state.sessions.reduce((sum, s) => sum + s.interactions, 0);
    const all = await runCli(["list", "--all-sessions"], { env });
    expect(lines(all.stdout)).toHaveLength(total);
    const status = state.sessions[0]?.status as string;
    const some = await runCli(["list", "--all-sessions", "--session-status", status, "--ndjson"], { env });
    const expected = state.sessions.filter((s) => s.status === status);
    const seen = new Set(lines(some.stdout).map((line) => JSON.parse(line).session_sid));
    expect([...seen].sort()).toEqual(expected.map((s) => s.sid).sort());
  });

  it("repeats --session, and reads comma-separated lists", async () => {
    const state = await stateOf(emu);
    const [a, b] = state.sessions;
    if (!a || !b) throw new Error("seed");
    const result = await runCli(["list", "--session", a.sid, "--session", b.sid], { env });
    expect(lines(result.stdout)).toHaveLength(a.interactions + b.interactions);
    const comma = await runCli(["list", "--session", `${a.sid},${b.sid}`], { env });
    expect(comma.stdout).toBe(result.stdout);
  });
});

describe("list at scale", () => {
  it("lists 2,500 Interactions completely, with the default page size, 1000 and 50: one request per page of at most 100", async () => {
    reseed(emu, { sessions: 1, interactions: 2500 });
    const session = await firstSession();
    for (const pageSize of [undefined, 1000, 50]) {
      const before = (await stateOf(emu)).requests.total;
      const flags = pageSize === undefined ? [] : ["--page-size", String(pageSize)];
      const result = await runCli(["list", "--session", session.sid, ...flags], {
        env: { ...env, PROXY_IX_SERVICE_SID: (await stateOf(emu)).sessions[0]?.service_sid },
      });
      expect(result.code).toBe(0);
      const sids = lines(result.stdout).map((line) => line.split("\t")[0]);
      expect(sids).toHaveLength(2500);
      expect(new Set(sids).size).toBe(2500);
      const requests = (await stateOf(emu)).requests.total - before;
      // Twilio (and the emulator by default) sends at most 100 Proxy records a page, whatever is asked.
      expect(requests).toBe(Math.ceil(2500 / Math.min(pageSize ?? 100, 100)));
    }
  });
});

describe("fetch", () => {
  async function someInteraction(): Promise<Record<string, unknown>> {
    const session = await firstSession();
    const result = await runCli(
      ["list", "--session", session.sid, "--type", "message", "--limit", "1", "--json"],
      { env },
    );
    return (JSON.parse(result.stdout) as Record<string, unknown>[])[0] as Record<string, unknown>;
  }

  it("prints the API object exactly with --json", async () => {
    const interaction = await someInteraction();
    const result = await runCli(
      ["fetch", String(interaction.sid), "--session", String(interaction.session_sid), "--json"],
      {
        env,
      },
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(interaction);
  });

  it("prints a key/value view on a terminal, without the message body", async () => {
    const interaction = await someInteraction();
    const result = await runCli(
      ["fetch", String(interaction.sid), "--session", String(interaction.session_sid)],
      {
        env,
        tty: true,
      },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^sid\\s+${interaction.sid}$`, "m"));
    expect(result.stdout).toMatch(/^data\s+\(hidden: personal data; use --json\)$/m);
    expect(result.stdout).not.toContain(JSON.parse(String(interaction.data)).body);
  });

  it("exits 4 for an Interaction that does not exist", async () => {
    const session = await firstSession();
    const result = await runCli(["fetch", `KI${"0".repeat(32)}`, "--session", session.sid], { env });
    expect(result.code).toBe(4);
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(/20404/);
    expect(result.stderr).toContain("https://www.twilio.com/docs/errors/20404");
  });

  it("exits 4 for a Session that does not exist", async () => {
    const result = await runCli(["list", "--session", `KC${"0".repeat(32)}`], { env });
    expect(result.code).toBe(4);
    expect(lines(result.stderr)).toHaveLength(1);
  });
});

describe("credentials", () => {
  it("works with an API Key and secret", async () => {
    const session = await firstSession();
    const result = await runCli(["list", "--session", session.sid], {
      env: {
        TWILIO_ACCOUNT_SID: emu.accountSid,
        TWILIO_API_KEY: emu.apiKey,
        TWILIO_API_SECRET: emu.apiSecret,
        PROXY_IX_BASE_URL: emu.url,
      },
    });
    expect(result.code).toBe(0);
    expect(lines(result.stdout)).toHaveLength(session.interactions);
  });

  it("exits 3 with Twilio's 20003 when the server refuses them", async () => {
    const session = await firstSession();
    const result = await runCli(["list", "--session", session.sid], {
      env: { ...env, TWILIO_AUTH_TOKEN: "wrong-token" },
    });
    expect(result.code).toBe(3);
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toContain("20003");
    expect(result.stderr).not.toContain("wrong-token");
  });

  it("exits 2 naming the variables when they are missing, and sends nothing", async () => {
    const session = await firstSession();
    const result = await runCli(["list", "--session", session.sid], { env: { PROXY_IX_BASE_URL: emu.url } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("TWILIO_ACCOUNT_SID");
    expect((await stateOf(emu)).requests.total).toBe(0);
  });
});

describe("global options", () => {
  it("are accepted before or after the subcommand", async () => {
    const session = await firstSession();
    const service = (await stateOf(emu)).sessions[0]?.service_sid as string;
    const before = await runCli(
      ["--service", service, "--timeout", "5000", "list", "--session", session.sid],
      { env },
    );
    const after = await runCli(
      ["list", "--session", session.sid, "--service", service, "--timeout", "5000"],
      { env },
    );
    expect(before.code).toBe(0);
    expect(after.stdout).toBe(before.stdout);
    expect(lines(before.stdout)).toHaveLength(session.interactions);
    const bad = await runCli(["list", "--session", session.sid, "--service", "KS1"], { env });
    expect(bad.code).toBe(2);
  });
});

describe("closed pipes", () => {
  it("`--help | head -1` and `list | head -1` stop quietly", async () => {
    const { spawn } = await import("node:child_process");
    const session = await firstSession();
    for (const args of ["--help", `list --session ${session.sid} --page-size 1`]) {
      const result = await new Promise<{ code: number | null; stderr: string; stdout: string }>((resolve) => {
        const child = spawn("bash", ["-c", `set -o pipefail; node ${BIN} ${args} | head -1`], {
          env: { ...process.env, ...env },
        });
        let stderr = "";
        let stdout = "";
        child.stderr.on("data", (chunk) => {
          stderr += chunk;
        });
        child.stdout.on("data", (chunk) => {
          stdout += chunk;
        });
        child.on("close", (code) => resolve({ code, stderr, stdout }));
      });
      expect(result.stderr).toBe("");
      expect(lines(result.stdout)).toHaveLength(1);
      expect(result.code).toBe(0);
    }
  });
});

describe("--verbose", () => {
  it("logs one line per request, without the Authorization header or secret", async () => {
    const session = await firstSession();
    const result = await runCli(["list", "--session", session.sid, "--page-size", "10", "--verbose"], {
      env,
    });
    expect(result.code).toBe(0);
    const logged = lines(result.stderr);
    expect(logged.length).toBe(1 + Math.ceil(session.interactions / 10));
    for (const line of logged) expect(line).toMatch(/^GET \/v1\/Services\S* 200 \d+ms$/);
    expect(result.stderr).not.toContain(emu.authToken);
    expect(result.stderr.toLowerCase()).not.toContain("authorization");
  });
});
