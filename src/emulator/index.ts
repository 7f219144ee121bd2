/**
 * The in-process entry point: `startEmulator()` for tests, the demo and the benchmark.
 * The emulator imports nothing from the client it tests (src/api and friends).
 */
import type { EmulatorState } from "./core.js";
import { EmulatorCore } from "./core.js";
import {
  checkSeedSize,
  DEFAULT_OPTIONS,
  type EmulatorOptions,
  type FaultOptions,
  OptionError,
  type ResetOptions,
  validateOptions,
} from "./options.js";
import { listen } from "./server.js";
import { type EmulatorStore, storeView } from "./store-view.js";

export type {
  ApiCall,
  ApiMedia,
  ApiMessage,
  ApiRecording,
  ApiTranscription,
  PageMeta,
  ProxyInteraction,
  ProxyParticipant,
  ProxyService,
  ProxySession,
} from "./api-types.js";
export type { EmulatorState, SessionSummary } from "./core.js";
export {
  DEFAULT_CREDENTIALS,
  DEFAULT_FAULTS,
  DEFAULT_OPTIONS,
  DEFAULT_POLICY,
  DEFAULT_PROGRAM_PORT,
  DEFAULT_SEED,
  type DeletedAnchor,
  type EmulatorOptions,
  type FaultOptions,
  OptionError,
  type PolicyOptions,
  RETURNING_CUSTOMER,
  type ResetOptions,
  type SeedOptions,
} from "./options.js";
export type { RequestCounters } from "./stats.js";
export type { OrphansByKind, StoreCounts } from "./store.js";
export type { EmulatorStore } from "./store-view.js";

export interface Emulator {
  /** Base URL, e.g. http://127.0.0.1:43121 (no trailing slash). */
  url: string;
  accountSid: string;
  authToken: string;
  apiKey: string;
  apiSecret: string;
  /** The same JSON as GET /__emulator/state. */
  state(): EmulatorState;
  /**
   * Reseeds and zeroes the request counters; may change the policy too (maxPageSize, deletedAnchor,
   * twilioHosts, apiRetentionDays). Fields not given keep their current values.
   */
  reset(options?: Partial<ResetOptions>): void;
  setFaults(faults: Partial<FaultOptions>): void;
  /** Every Message/Call/Recording/Transcription not yet final becomes final, so a later purge can delete it. */
  finalizeAll(): void;
  /**
   * Brings back a deleted Recording (same SID, same Call), as if Twilio had kept it behind the tool's back,
   * so a test can prove `verify` notices. Throws when the SID names no deleted Recording.
   */
  restoreRecording(sid: string): void;
  store: EmulatorStore;
  close(): Promise<void>;
}

/** Starts an emulator; `port` defaults to 0 (a free port). Rejects with OptionError on a bad option. */
export async function startEmulator(options: Partial<EmulatorOptions> = {}): Promise<Emulator> {
  const resolved: EmulatorOptions = { ...DEFAULT_OPTIONS, ...validateOptions(options) };
  checkSeedSize(resolved);
  const core = new EmulatorCore(resolved);
  const server = await listen(core, resolved.host, resolved.port);
  return {
    url: server.url,
    accountSid: resolved.accountSid,
    authToken: resolved.authToken,
    apiKey: resolved.apiKey,
    apiSecret: resolved.apiSecret,
    state: () => core.state(),
    reset: (seed) => core.reset(seed),
    setFaults: (faults) => core.setFaults(faults),
    finalizeAll: () => {
      core.finalizeAll();
    },
    restoreRecording: (sid) => {
      if (!core.store.restoreRecording(sid)) throw new OptionError(`no deleted Recording ${sid}`);
    },
    store: storeView(core),
    close: () => server.close(),
  };
}
