import {
  DEFAULT_POLICY,
  DEFAULT_SEED,
  type Emulator,
  type EmulatorOptions,
  startEmulator,
} from "../../src/emulator/index.js";

export type { Emulator };

/** Recognisable secrets, so that the scan in runCli can find them in any output. */
export const TEST_AUTH_TOKEN = "S3CRET-auth-token-for-proxy-ix-tests";
export const TEST_API_SECRET = "S3CRET-api-secret-for-proxy-ix-tests";

/** Starts the real emulator in-process on a free loopback port. */
export function emulator(options: Partial<EmulatorOptions> = {}): Promise<Emulator> {
  return startEmulator({ port: 0, authToken: TEST_AUTH_TOKEN, apiSecret: TEST_API_SECRET, ...options });
}

/** Reseeds with the documented defaults (seed and policy) for everything not given, whatever earlier tests set. */
export function reseed(emu: Emulator, options: Partial<EmulatorOptions> = {}): void {
  emu.reset({ ...DEFAULT_SEED, ...DEFAULT_POLICY, ...options });
}

/** The environment a user sets to point proxy-ix at the emulator with the Auth Token. */
export function envFor(
  emu: Emulator,
  extra: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  return {
    TWILIO_ACCOUNT_SID: emu.accountSid,
    TWILIO_AUTH_TOKEN: emu.authToken,
    PROXY_IX_BASE_URL: emu.url,
    ...extra,
  };
}

export async function stateOf(emu: Emulator): Promise<EmulatorStateJson> {
  const response = await fetch(`${emu.url}/__emulator/state`);
  return (await response.json()) as EmulatorStateJson;
}

export interface EmulatorStateJson {
  counts: {
    services: number;
    sessions: number;
    interactions: number;
    messages: number;
    calls: number;
    orphans: number;
    archived: number;
  };
  sessions: { sid: string; service_sid: string; status: string; interactions: number }[];
  requests: {
    total: number;
    by_status: Record<string, number>;
    by_method?: Record<string, number>;
    max_in_flight: number;
  };
}

/** A GET with the emulator's credentials, as a test's own look at the server. */
export async function apiGet(emu: Emulator, path: string): Promise<{ status: number; body: unknown }> {
  const auth = Buffer.from(`${emu.accountSid}:${emu.authToken}`).toString("base64");
  const response = await fetch(`${emu.url}${path}`, { headers: { authorization: `Basic ${auth}` } });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

export function resourcePath(emu: Emulator, sid: string): string {
  const kind = sid.startsWith("CA") ? "Calls" : "Messages";
  return `/2010-04-01/Accounts/${emu.accountSid}/${kind}/${sid}.json`;
}

/** Polls until `check` holds (e.g. a purge has got far enough to be interrupted). */
export async function waitFor(
  check: () => Promise<boolean>,
  timeoutMs = 30_000,
  everyMs = 10,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error("timed out waiting");
}
