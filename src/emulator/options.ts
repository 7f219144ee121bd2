/**
 * Options of the emulator: the seed (what data exists), the faults (how the server misbehaves) and where it
 * listens with which credentials. One validator serves the CLI flags, the in-process API and the
 * /__emulator/ control endpoints, so all three reject the same bad values the same way.
 */

export interface SeedOptions {
  services: number;
  sessions: number;
  interactions: number;
  randomSeed: number;
  notFinalRate: number;
  foreignRate: number;
  /** Share of two-legged message interactions that are MMS, with 1–3 Media on each leg. */
  mediaRate: number;
  /** Share of completed Calls with a Recording. */
  recordingRate: number;
  /** Messages/Calls whose Interactions were already deleted (as if by an earlier tool). */
  orphans: number;
  /** Messages between numbers that are no Service's proxy number: never an orphan, never to be reported. */
  otherTraffic: number;
  /** The first `n` Sessions of each Service have the same customer, RETURNING_CUSTOMER (erase tests). */
  returningCustomer: number;
}

export interface FaultOptions {
  latency: number;
  jitter: number;
  /** 0 = unlimited. */
  maxConcurrency: number;
  /** Seconds sent as `Retry-After` on 429s; null sends none (Twilio does not promise the header). */
  retryAfter: number | null;
  failRate: number;
  hangRate: number;
  legalHold: boolean;
}

/** What "no longer there" means for a page token whose anchor item was deleted (Twilio does not say). */
export type DeletedAnchor = "empty" | "error" | "ignore";

/**
 * How strict the emulator is where Twilio is stricter than a naive server, or silent. Defaults are the
 * realistic or worst plausible choice; each can be relaxed (see docs/emulator.md for which is which).
 */
export interface PolicyOptions {
  /** Proxy lists answer at most this many records per page, whatever `PageSize` asks (Twilio: 100). */
  maxPageSize: number;
  deletedAnchor: DeletedAnchor;
  /** Body URLs on https://proxy.twilio.com / https://api.twilio.com while serving on the emulator's origin. */
  twilioHosts: boolean;
  /** Messages/Calls older than this many days answer 20404 but stay in state; null = no window. */
  apiRetentionDays: number | null;
}

export interface EmulatorOptions extends SeedOptions, FaultOptions, PolicyOptions {
  host: string;
  port: number;
  accountSid: string;
  authToken: string;
  apiKey: string;
  apiSecret: string;
}

/**
 * Fixed, recognisable credentials (the `e1` run marks them as the emulator's), shaped like real ones so
 * a client that validates SID formats accepts them.
 */
export const DEFAULT_CREDENTIALS = {
  accountSid: "ACe1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1",
  authToken: "0123456789abcdef0123456789abcdef",
  apiKey: "SKe1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1",
  apiSecret: "fedcba9876543210fedcba9876543210",
} as const;

export const DEFAULT_SEED: Readonly<SeedOptions> = {
  services: 1,
  sessions: 3,
  interactions: 20,
  randomSeed: 1,
  notFinalRate: 0.05,
  foreignRate: 0,
  mediaRate: 0.15,
  recordingRate: 0.5,
  orphans: 0,
  otherTraffic: 0,
  returningCustomer: 0,
};

/** The customer's number of the first `returningCustomer` Sessions: fictional, and no other seeded number. */
export const RETURNING_CUSTOMER = "+14155550300";

export const DEFAULT_FAULTS: Readonly<FaultOptions> = {
  latency: 0,
  jitter: 0,
  maxConcurrency: 0,
  retryAfter: null,
  failRate: 0,
  hangRate: 0,
  legalHold: false,
};

export const DEFAULT_POLICY: Readonly<PolicyOptions> = {
  maxPageSize: 100,
  deletedAnchor: "empty",
  twilioHosts: false,
  apiRetentionDays: null,
};

/** The program listens on a fixed port a user can export; in-process callers get a free one. */
export const DEFAULT_PROGRAM_PORT = 4010;

export const DEFAULT_OPTIONS: Readonly<EmulatorOptions> = {
  host: "127.0.0.1",
  port: 0,
  ...DEFAULT_CREDENTIALS,
  ...DEFAULT_SEED,
  ...DEFAULT_FAULTS,
  ...DEFAULT_POLICY,
};

/** Guards memory: 2 million interactions (plus up to 4 million Messages/Calls) is far past any benchmark. */
export const MAX_TOTAL_INTERACTIONS = 2_000_000;

/** Thrown for an option value the emulator cannot honour; the control endpoints turn it into a 400. */
export class OptionError extends RangeError {
  override name = "OptionError";

  /** The option at fault (`failRate`), so the program can name its flag (`--fail-rate`) instead. */
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

type Check = (name: string, value: unknown) => void;

function integer(min: number, max = Number.MAX_SAFE_INTEGER): Check {
  return (name, value) => {
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
      throw new OptionError(
        `${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`,
        name,
      );
    }
  };
}

const nonNegative: Check = (name, value) => {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new OptionError(`${name} must be a number >= 0, got ${JSON.stringify(value)}`, name);
  }
};

const rate: Check = (name, value) => {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new OptionError(`${name} must be a number from 0 to 1, got ${JSON.stringify(value)}`, name);
  }
};

const boolean: Check = (name, value) => {
  if (typeof value !== "boolean")
    throw new OptionError(`${name} must be true or false, got ${JSON.stringify(value)}`, name);
};

function pattern(re: RegExp, what: string): Check {
  return (name, value) => {
    if (typeof value !== "string" || !re.test(value)) {
      throw new OptionError(`${name} must be ${what}, got ${JSON.stringify(value)}`, name);
    }
  };
}

const SEED_CHECKS: Record<keyof SeedOptions, Check> = {
  services: integer(0, 1000),
  sessions: integer(0, 100_000),
  interactions: integer(0, MAX_TOTAL_INTERACTIONS),
  randomSeed: integer(-(2 ** 31), 2 ** 32 - 1),
  notFinalRate: rate,
  foreignRate: rate,
  mediaRate: rate,
  recordingRate: rate,
  orphans: integer(0, 1_000_000),
  otherTraffic: integer(0, 1_000_000),
  returningCustomer: integer(0, 100_000),
};

const FAULT_CHECKS: Record<keyof FaultOptions, Check> = {
  latency: nonNegative,
  jitter: nonNegative,
  maxConcurrency: integer(0),
  retryAfter: (name, value) => {
    if (value !== null) integer(0, 86_400)(name, value);
  },
  failRate: rate,
  hangRate: rate,
  legalHold: boolean,
};

function oneOf(values: readonly string[]): Check {
  return (name, value) => {
    if (typeof value !== "string" || !values.includes(value)) {
      throw new OptionError(
        `${name} must be one of ${values.join(", ")}, got ${JSON.stringify(value)}`,
        name,
      );
    }
  };
}

const POLICY_CHECKS: Record<keyof PolicyOptions, Check> = {
  maxPageSize: integer(1, 1000),
  deletedAnchor: oneOf(["empty", "error", "ignore"]),
  twilioHosts: boolean,
  // Twilio lets an account choose 7–400 days; shorter windows are allowed so tests need not wait a week.
  apiRetentionDays: (name, value) => {
    if (value !== null) integer(1, 400)(name, value);
  },
};

type OtherKey = Exclude<keyof EmulatorOptions, keyof SeedOptions | keyof FaultOptions | keyof PolicyOptions>;

const OTHER_CHECKS: Record<OtherKey, Check> = {
  host: pattern(/^\S+$/, "a host name or address"),
  port: integer(0, 65_535),
  accountSid: pattern(/^AC[0-9a-fA-F]{32}$/, "AC followed by 32 hex digits"),
  authToken: pattern(/^\S+$/, "a non-empty token without spaces"),
  apiKey: pattern(/^SK[0-9a-fA-F]{32}$/, "SK followed by 32 hex digits"),
  apiSecret: pattern(/^\S+$/, "a non-empty secret without spaces"),
};

function validate<T extends object>(checks: Record<string, Check>, input: unknown, what: string): Partial<T> {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new OptionError(`${what} must be a JSON object`);
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    // Own keys only: `__proto__`, `constructor` or `toString` would otherwise find Object.prototype's members.
    const check = Object.hasOwn(checks, key) ? checks[key] : undefined;
    // An unknown key is most likely a typo (`failrate`); silently ignoring it would make a test pass vacuously.
    if (!check)
      throw new OptionError(`unknown ${what} field '${key}' (known: ${Object.keys(checks).join(", ")})`);
    check(key, value);
    out[key] = value;
  }
  return out as Partial<T>;
}

export function validateSeed(input: unknown): Partial<SeedOptions> {
  return validate<SeedOptions>(SEED_CHECKS, input, "seed option");
}

/** What `reset` takes: a new seed and, optionally, a new policy. */
export type ResetOptions = SeedOptions & PolicyOptions;

export function validateReset(input: unknown): Partial<ResetOptions> {
  return validate<ResetOptions>({ ...SEED_CHECKS, ...POLICY_CHECKS }, input, "reset option");
}

export function validateFaults(input: unknown): Partial<FaultOptions> {
  return validate<FaultOptions>(FAULT_CHECKS, input, "fault option");
}

export function validateOptions(input: unknown): Partial<EmulatorOptions> {
  return validate<EmulatorOptions>(
    { ...SEED_CHECKS, ...FAULT_CHECKS, ...POLICY_CHECKS, ...OTHER_CHECKS },
    input,
    "option",
  );
}

/** Refuses a seed whose product would not fit in memory, before any of it is built. */
export function checkSeedSize(seed: SeedOptions): void {
  if (seed.orphans > 0 && seed.services * seed.sessions === 0) {
    throw new OptionError("orphans need at least one session to have gone through", "orphans");
  }
  const total = seed.services * seed.sessions * seed.interactions;
  if (total > MAX_TOTAL_INTERACTIONS) {
    throw new OptionError(
      `services x sessions x interactions = ${total} exceeds the emulator's limit of ${MAX_TOTAL_INTERACTIONS}`,
    );
  }
}

export function pickSeed(options: SeedOptions): SeedOptions {
  const {
    services,
    sessions,
    interactions,
    randomSeed,
    notFinalRate,
    foreignRate,
    mediaRate,
    recordingRate,
    orphans,
    otherTraffic,
    returningCustomer,
  } = options;
  return {
    services,
    sessions,
    interactions,
    randomSeed,
    notFinalRate,
    foreignRate,
    mediaRate,
    recordingRate,
    orphans,
    otherTraffic,
    returningCustomer,
  };
}

export function pickFaults(options: FaultOptions): FaultOptions {
  const { latency, jitter, maxConcurrency, retryAfter, failRate, hangRate, legalHold } = options;
  return { latency, jitter, maxConcurrency, retryAfter, failRate, hangRate, legalHold };
}

export function pickPolicy(options: PolicyOptions): PolicyOptions {
  const { maxPageSize, deletedAnchor, twilioHosts, apiRetentionDays } = options;
  return { maxPageSize, deletedAnchor, twilioHosts, apiRetentionDays };
}
