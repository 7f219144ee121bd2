import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { lines, runCli } from "../helpers/cli.js";
import { type Emulator, emulator, stateOf } from "../helpers/emulator.js";

let emu: Emulator;
let home: string;
let configFile: string;

beforeAll(async () => {
  emu = await emulator({ sessions: 2, interactions: 3 });
});
afterAll(() => emu.close());
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), "proxy-ix-home-"));
  configFile = join(home, ".twilio-cli", "config.json");
  return () => rmSync(home, { recursive: true, force: true });
});

/** A config.json as twilio-cli 5 writes it: profiles by name, the active one under activeProject. */
function writeConfig(config: unknown, mode = 0o600): void {
  mkdirSync(join(home, ".twilio-cli"), { recursive: true });
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  chmodSync(configFile, mode);
}

function profiles(extra: Record<string, unknown> = {}) {
  return {
    activeProject: "staging",
    prompts: {},
    projects: [],
    profiles: {
      emulator: { accountSid: emu.accountSid, apiKey: emu.apiKey, apiSecret: emu.apiSecret },
      staging: {
        accountSid: `AC${"5".repeat(32)}`,
        apiKey: `SK${"5".repeat(32)}`,
        apiSecret: "staging-secret-value",
      },
      ...extra,
    },
  };
}

/** Only HOME and the emulator's URL: the credentials come from the file. */
const baseEnv = () => ({ HOME: home, PROXY_IX_BASE_URL: emu.url });

function expectNoSecret(result: { stdout: string; stderr: string }): void {
  for (const secret of [emu.apiSecret, "staging-secret-value"]) {
    expect(result.stdout).not.toContain(secret);
    expect(result.stderr).not.toContain(secret);
  }
}

describe("twilio-cli profiles", () => {
  it("--profile NAME sessions takes the account, API Key and secret from ~/.twilio-cli/config.json", async () => {
    writeConfig(profiles());
    const result = await runCli(["--profile", "emulator", "sessions"], { env: baseEnv() });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const state = await stateOf(emu);
    expect(
      lines(result.stdout)
        .map((line) => line.split("\t")[0])
        .sort(),
    ).toEqual(state.sessions.map((session) => session.sid).sort());
    const verbose = await runCli(["sessions", "--profile", "emulator", "--verbose"], { env: baseEnv() });
    expect(lines(verbose.stderr)[0]).toBe(
      `credentials from twilio-cli profile 'emulator' (--profile) in ${configFile}`,
    );
    expectNoSecret(verbose);
  });

  it("TWILIO_PROFILE selects a profile too; TWILIO_CONFIG_DIR moves the file, as in twilio-cli", async () => {
    writeConfig(profiles());
    const moved = join(home, "elsewhere");
    mkdirSync(moved);
    writeFileSync(join(moved, "config.json"), JSON.stringify(profiles()), { mode: 0o600 });
    rmSync(configFile);
    const result = await runCli(["sessions"], {
      env: { ...baseEnv(), TWILIO_PROFILE: "emulator", TWILIO_CONFIG_DIR: moved },
    });
    expect(result.code).toBe(0);
    expect(lines(result.stdout)).toHaveLength(2);
  });

  it("uses the active profile when no profile is named and no TWILIO_* credentials are set", async () => {
    writeConfig({ ...profiles(), activeProject: "emulator" });
    const result = await runCli(["sessions", "--verbose"], { env: baseEnv() });
    expect(result.code).toBe(0);
    expect(lines(result.stderr)[0]).toBe(
      `credentials from twilio-cli profile 'emulator' (active profile) in ${configFile}`,
    );
    // The active profile is a wrong account for this emulator: refused, so it really was used.
    writeConfig(profiles());
    const staging = await runCli(["sessions"], { env: baseEnv() });
    expect(staging.code).toBe(3);
    expectNoSecret(staging);
  });

  it("TWILIO_* credentials in the environment win over the active profile", async () => {
    writeConfig(profiles()); // active: staging, the wrong account
    const result = await runCli(["sessions", "--verbose"], {
      env: { ...baseEnv(), TWILIO_ACCOUNT_SID: emu.accountSid, TWILIO_AUTH_TOKEN: emu.authToken },
    });
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain("profile");
  });

  it("a named profile wins over TWILIO_* credentials (as twilio-cli's -p), and says so", async () => {
    writeConfig(profiles());
    const result = await runCli(["sessions", "--profile", "emulator"], {
      env: {
        ...baseEnv(),
        TWILIO_ACCOUNT_SID: `AC${"7".repeat(32)}`,
        TWILIO_AUTH_TOKEN: "other-token-value",
      },
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      "proxy-ix: --profile 'emulator' is used; TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN from the environment are not\n",
    );
    const quiet = await runCli(["sessions", "--profile", "emulator", "--quiet"], {
      env: { ...baseEnv(), TWILIO_AUTH_TOKEN: "other-token-value" },
    });
    expect(quiet.stderr).toBe("");
  });

  it("takes region from the profile and edge from the file; TWILIO_REGION and TWILIO_EDGE win", async () => {
    writeConfig({
      ...profiles({ regional: { ...profiles().profiles.emulator, region: "ie1" } }),
      edge: "dublin",
    });
    // No --base-url, and a proxy on a closed loopback port: nothing leaves the machine, and --verbose
    // names the host each run would have reached.
    const env = { HOME: home, TWILIO_PROFILE: "regional", HTTPS_PROXY: "http://127.0.0.1:9" };
    const result = await runCli(["sessions", "--verbose"], { env });
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toContain(
      "https://proxy.dublin.ie1.twilio.com through proxy http://127.0.0.1:9",
    );
    const overridden = await runCli(["sessions", "--verbose"], {
      env: { ...env, TWILIO_REGION: "au1", TWILIO_EDGE: "sydney" },
    });
    expect(lines(overridden.stderr)).toContain(
      "https://proxy.sydney.au1.twilio.com through proxy http://127.0.0.1:9",
    );
  });

  it("warns when others can read the file, without printing the secret", async () => {
    writeConfig(profiles(), 0o644);
    const result = await runCli(["sessions", "--profile", "emulator", "--quiet"], { env: baseEnv() });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      `proxy-ix: warning: ${configFile} holds an API Key secret and other users can read or change it (mode 644); run: chmod 600 ${configFile}\n`,
    );
    expectNoSecret(result);
  });

  it("reports an unknown profile, a missing file, bad JSON and a profile without a secret in one line, exit 2", async () => {
    const before = (await stateOf(emu)).requests.total;
    const missing = await runCli(["sessions", "--profile", "emulator"], { env: baseEnv() });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`proxy-ix: cannot read twilio-cli's config ${configFile}: ENOENT\n`);
    writeConfig(profiles());
    const unknown = await runCli(["sessions", "--profile", "prod"], { env: baseEnv() });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(
      `proxy-ix: --profile: no profile 'prod' in ${configFile} (profiles: emulator, staging)\n`,
    );
    writeConfig(profiles({ old: { accountSid: emu.accountSid } }));
    const keychain = await runCli(["sessions", "--profile", "old"], { env: baseEnv() });
    expect(keychain.code).toBe(2);
    expect(keychain.stderr).toMatch(/^proxy-ix: profile 'old' in .* has no apiKey and apiSecret/);
    writeFileSync(configFile, "{ not json");
    const broken = await runCli(["sessions", "--profile", "emulator"], { env: baseEnv() });
    expect(broken.stderr).toBe(`proxy-ix: twilio-cli's config ${configFile} is not valid JSON\n`);
    expect(broken.code).toBe(2);
    const both = await runCli(["sessions", "--profile", "emulator", "--account-sid", emu.accountSid], {
      env: baseEnv(),
    });
    expect(both.code).toBe(2);
    expect(both.stderr).toBe(
      "proxy-ix: --profile cannot be combined with --account-sid or --api-key: the profile has its own\n",
    );
    expect((await stateOf(emu)).requests.total).toBe(before);
  });
});
