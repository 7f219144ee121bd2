/**
 * The emulator without HTTP: its store, the seed and faults in force, and request counters. The server,
 * the control endpoints and the in-process API all act through this one object.
 */
import type { Credentials } from "./auth.js";
import { FaultInjector } from "./faults.js";
import {
  checkSeedSize,
  type EmulatorOptions,
  type FaultOptions,
  type PolicyOptions,
  pickFaults,
  pickPolicy,
  pickSeed,
  type ResetOptions,
  type SeedOptions,
  validateFaults,
  validateReset,
} from "./options.js";
import type { AppContext } from "./router.js";
import { buildSeed } from "./seed.js";
import { type RequestCounters, RequestStats } from "./stats.js";
import { Store, type StoreCounts } from "./store.js";

export interface SessionSummary {
  sid: string;
  service_sid: string;
  status: string;
  interactions: number;
}

export interface EmulatorState {
  counts: StoreCounts;
  sessions: SessionSummary[];
  requests: RequestCounters;
  faults: FaultOptions;
  seed: SeedOptions;
  policy: PolicyOptions;
}

/** Where Twilio serves each API; with `twilioHosts` the emulator's bodies point there. */
export const TWILIO_PROXY_ORIGIN = "https://proxy.twilio.com";
export const TWILIO_API_ORIGIN = "https://api.twilio.com";

export class EmulatorCore implements AppContext {
  readonly store = new Store();
  readonly stats = new RequestStats();
  readonly injector: FaultInjector;
  readonly credentials: Credentials;
  readonly accountSid: string;
  /** Set once the server listens; URLs in responses are built on it. */
  origin = "";
  private seedOptions: SeedOptions;
  private faultOptions: FaultOptions;
  private policyOptions: PolicyOptions;

  constructor(options: EmulatorOptions) {
    const { accountSid, authToken, apiKey, apiSecret } = options;
    this.credentials = { accountSid, authToken, apiKey, apiSecret };
    this.accountSid = accountSid;
    this.seedOptions = pickSeed(options);
    this.faultOptions = pickFaults(options);
    this.policyOptions = pickPolicy(options);
    this.store.retentionDays = this.policyOptions.apiRetentionDays;
    this.injector = new FaultInjector(() => this.faultOptions);
    checkSeedSize(this.seedOptions);
    this.store.replace(buildSeed(this.seedOptions, Date.now()));
  }

  faults(): Readonly<FaultOptions> {
    return this.faultOptions;
  }

  seed(): Readonly<SeedOptions> {
    return this.seedOptions;
  }

  policy(): Readonly<PolicyOptions> {
    return this.policyOptions;
  }

  /** Origin of Proxy v1 URLs in bodies (`url`, `links`, `meta.*_url`). */
  get proxyOrigin(): string {
    return this.policyOptions.twilioHosts ? TWILIO_PROXY_ORIGIN : this.origin;
  }

  /** Origin of absolute v2010 URLs in bodies (an Interaction's `*_resource_url`). */
  get apiOrigin(): string {
    return this.policyOptions.twilioHosts ? TWILIO_API_ORIGIN : this.origin;
  }

  /**
   * Reseeds and zeroes the request counters. Seed and policy fields not given keep their current values,
   * so a test that changes the policy restores it itself (or with every field, as test/helpers does).
   */
  reset(options: Partial<ResetOptions> = {}): void {
    const valid = validateReset(options);
    const next = pickSeed({ ...this.seedOptions, ...valid });
    checkSeedSize(next);
    this.store.replace(buildSeed(next, Date.now()));
    this.seedOptions = next;
    this.policyOptions = pickPolicy({ ...this.policyOptions, ...valid });
    this.store.retentionDays = this.policyOptions.apiRetentionDays;
    this.stats.reset();
  }

  setFaults(faults: Partial<FaultOptions>): void {
    this.faultOptions = { ...this.faultOptions, ...validateFaults(faults) };
  }

  finalizeAll(): number {
    return this.store.finalizeAll(Math.floor(Date.now() / 1000) * 1000);
  }

  state(): EmulatorState {
    const sessions: SessionSummary[] = [];
    for (const service of this.store.services.all()) {
      for (const session of service.sessions.all()) {
        sessions.push({
          sid: session.sid,
          service_sid: session.serviceSid,
          status: session.status,
          interactions: session.interactions.size,
        });
      }
    }
    return {
      counts: this.store.counts(),
      sessions,
      requests: this.stats.snapshot(),
      faults: { ...this.faultOptions },
      seed: { ...this.seedOptions },
      policy: { ...this.policyOptions },
    };
  }
}
