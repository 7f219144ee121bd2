import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, startCli } from "../helpers/cli.js";
import {
  type Emulator,
  emulator,
  envFor,
  reseed,
  stateOf,
  TEST_API_SECRET,
  TEST_AUTH_TOKEN,
} from "../helpers/emulator.js";

/**
 * Secrets never appear in stdout, stderr (with or without --verbose, errors included), the export
 * file, or the process title. runCli scans every end-to-end run's output for the secrets in its
 * environment; this file adds the runs most likely to leak (verbose, errors, both credential kinds)
 * and the places runCli cannot see.
 */
let emu: Emulator;
let env: Record<string, string | undefined>;
let apiKeyEnv: Record<string, string | undefined>;

beforeAll(async () => {
  emu = await emulator();
  env = envFor(emu);
  apiKeyEnv = {
    TWILIO_ACCOUNT_SID: emu.accountSid,
    TWILIO_API_KEY: emu.apiKey,
    TWILIO_API_SECRET: TEST_API_SECRET,
    PROXY_IX_BASE_URL: emu.url,
  };
});
afterAll(() => emu.close());

function scan(text: string): void {
  expect(text).not.toContain(TEST_AUTH_TOKEN);
  expect(text).not.toContain(TEST_API_SECRET);
  expect(text).not.toContain(Buffer.from(`${emu.accountSid}:${TEST_AUTH_TOKEN}`).toString("base64"));
  expect(text).not.toContain(Buffer.from(`${emu.apiKey}:${TEST_API_SECRET}`).toString("base64"));
}

describe("secrets", () => {
  it("stay out of every command's output, with and without --verbose, with both credential kinds", async () => {
    reseed(emu, { sessions: 2, interactions: 30, notFinalRate: 0.2, foreignRate: 0.1 });
    const [a, b] = (await stateOf(emu)).sessions;
    if (!a || !b) throw new Error("seed");
    const ki = emu.store.listInteractions(a.sid)[0]?.sid as string;
    const commands = [
      ["sessions"],
      ["sessions", "--json"],
      ["list", "--session", a.sid, "--columns", "sid,data,inbound_resource_url"],
      ["list", "--all-sessions", "--ndjson"],
      ["fetch", ki, "--session", a.sid],
      ["fetch", ki, "--session", a.sid, "--json"],
      ["fetch", `KI${"0".repeat(32)}`, "--session", a.sid],
      ["purge", "--session", a.sid, "--include-resources", "--dry-run"],
      ["purge", "--session", a.sid, "--include-resources", "--yes"],
      ["delete", ki, "--session", a.sid, "--include-resources", "--yes", "--json"],
      ["list", "--session", `KC${"0".repeat(32)}`],
    ];
    for (const credentials of [env, apiKeyEnv]) {
      for (const args of commands) {
        for (const verbose of [[], ["--verbose"]]) {
          const result = await runCli([...args, ...verbose], { env: credentials });
          scan(result.stdout);
          scan(result.stderr);
        }
      }
    }
  });

  it("stay out of refused-credential errors, even with --verbose stack traces", async () => {
    const wrong = "S3CRET-wrong-token-typed-by-a-user";
    const result = await runCli(["sessions", "--verbose"], { env: { ...env, TWILIO_AUTH_TOKEN: wrong } });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("TwilioApiError");
    expect(result.stderr).not.toContain(wrong);
    expect(result.stderr).not.toContain(Buffer.from(`${emu.accountSid}:${wrong}`).toString("base64"));
  });

  it("stay out of the export file and the process title", async () => {
    reseed(emu, { sessions: 1, interactions: 200, notFinalRate: 0 });
    emu.setFaults({ latency: 10 });
    const file = join(await mkdtemp(join(tmpdir(), "proxy-ix-secrets-")), "removed.ndjson");
    try {
      const session = (await stateOf(emu)).sessions[0]?.sid as string;
      const run = startCli(
        ["purge", "--session", session, "--include-resources", "--yes", "--export", file],
        { env },
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      const cmdline = await readFile(`/proc/${run.child.pid}/cmdline`, "utf8").catch(() => "");
      expect(cmdline).toContain("purge");
      scan(cmdline);
      const result = await run.result;
      expect(result.code).toBe(0);
      const exported = await readFile(file, "utf8");
      expect(exported.length).toBeGreaterThan(0);
      scan(exported);
    } finally {
      emu.setFaults({ latency: 0 });
    }
  });
});
