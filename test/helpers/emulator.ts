import { type Emulator, type EmulatorOptions, startEmulator } from "../../src/emulator/index.js";

export type { Emulator };

/** Starts the real emulator in-process on a free loopback port. */
export function emulator(options: Partial<EmulatorOptions> = {}): Promise<Emulator> {
  return startEmulator({ port: 0, ...options });
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
  };
  sessions: { sid: string; service_sid: string; status: string; interactions: number }[];
  requests: {
    total: number;
    by_status: Record<string, number>;
    by_method?: Record<string, number>;
    max_in_flight: number;
  };
}
