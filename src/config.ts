import { UsageError } from "./errors.js";
import { terminalText } from "./render/terminal-text.js";
import { isSid, SidPrefix } from "./sids.js";
import { type ProfileUse, withTwilioCliProfile } from "./twilio-cli-profile.js";

/** Options every subcommand accepts, before or after the subcommand name. */
export interface GlobalFlags {
  accountSid?: string;
  apiKey?: string;
  region?: string;
  edge?: string;
  baseUrl?: string;
  service?: string;
  timeout?: number;
  verbose?: boolean;
  quiet?: boolean;
  color?: boolean;
  /** A twilio-cli profile (else TWILIO_PROFILE): see twilio-cli-profile.ts. */
  profile?: string;
}

export interface Credentials {
  accountSid: string;
  /** The Basic-auth user: the Account SID, or an API Key SID. */
  username: string;
  /** The Auth Token or API Key secret. Only ever sent in the Authorization header; never printed. */
  password: string;
  kind: "auth-token" | "api-key";
}

export interface ClientConfig {
  credentials: Credentials;
  proxyOrigin: string;
  apiOrigin: string;
  timeoutMs: number;
  serviceSid: string | undefined;
  /** The twilio-cli profile the credentials came from, if any. */
  profile?: ProfileUse;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

const REGION_OR_EDGE = /^[a-z0-9-]{1,32}$/;

/**
 * Credentials as twilio-cli reads them: TWILIO_ACCOUNT_SID with TWILIO_API_KEY + TWILIO_API_SECRET
 * (preferred when both are set) or TWILIO_AUTH_TOKEN. Secrets come only from the environment: a flag
 * would show in `ps`.
 */
export function resolveCredentials(flags: GlobalFlags, env: NodeJS.ProcessEnv): Credentials {
  const accountSidRaw = flags.accountSid ?? nonEmpty(env.TWILIO_ACCOUNT_SID);
  const apiKeyRaw = flags.apiKey ?? nonEmpty(env.TWILIO_API_KEY);
  const apiSecret = nonEmpty(env.TWILIO_API_SECRET);
  const authToken = nonEmpty(env.TWILIO_AUTH_TOKEN);
  if (!accountSidRaw) {
    throw new UsageError(
      "missing credentials: set TWILIO_ACCOUNT_SID and either TWILIO_AUTH_TOKEN, or TWILIO_API_KEY and TWILIO_API_SECRET",
    );
  }
  const accountSid = parseConfigSid(
    accountSidRaw,
    "account",
    flags.accountSid ? "--account-sid" : "TWILIO_ACCOUNT_SID",
  );
  if (apiKeyRaw && apiSecret) {
    const apiKey = parseConfigSid(apiKeyRaw, "apiKey", flags.apiKey ? "--api-key" : "TWILIO_API_KEY");
    return { accountSid, username: apiKey, password: apiSecret, kind: "api-key" };
  }
  // Half an API Key is a mistake to report, not a reason to fall back to the Auth Token silently.
  if (apiKeyRaw) {
    throw new UsageError("missing credentials: an API Key needs its secret in TWILIO_API_SECRET");
  }
  if (apiSecret) {
    throw new UsageError("missing credentials: TWILIO_API_SECRET is set but TWILIO_API_KEY is not");
  }
  if (!authToken) {
    throw new UsageError(
      "missing credentials: set TWILIO_AUTH_TOKEN, or TWILIO_API_KEY and TWILIO_API_SECRET, next to TWILIO_ACCOUNT_SID",
    );
  }
  return { accountSid, username: accountSid, password: authToken, kind: "auth-token" };
}

/**
 * Hosts the way Twilio's SDKs build them: `{product}.{edge}.{region}.twilio.com`; an edge without a
 * region implies region us1, a region alone gives `{product}.{region}.twilio.com`.
 */
export function twilioHost(product: "proxy" | "api", region?: string, edge?: string): string {
  const effectiveRegion = region ?? (edge ? "us1" : undefined);
  return [product, edge, effectiveRegion, "twilio.com"].filter(Boolean).join(".");
}

/** `--base-url`: one origin serving both Proxy v1 and API v2010 paths (the emulator). */
export function parseBaseUrl(value: string, source: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${source}: ${redact(value)} is not a URL (expected e.g. http://127.0.0.1:4010)`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new UsageError(
      `${source}: '${terminalText(url.protocol)}' is not supported; use https:// (or http:// on loopback)`,
    );
  }
  if (url.username || url.password) {
    throw new UsageError(`${source}: credentials do not belong in the URL; use the TWILIO_* variables`);
  }
  if (url.pathname !== "/" || url.search || url.hash) {
    throw new UsageError(`${source}: give only an origin such as http://127.0.0.1:4010, without a path`);
  }
  if (url.protocol === "http:" && !isLoopback(url.hostname)) {
    throw new UsageError(`${source}: plain http is allowed only for loopback hosts; use https://${url.host}`);
  }
  return url.origin;
}

export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "");
  return host === "localhost" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export function resolveOrigins(
  flags: GlobalFlags,
  env: NodeJS.ProcessEnv,
): { proxyOrigin: string; apiOrigin: string } {
  const region = flags.region ?? nonEmpty(env.TWILIO_REGION);
  const edge = flags.edge ?? nonEmpty(env.TWILIO_EDGE);
  for (const [name, value, source] of [
    ["region", region, flags.region ? "--region" : "TWILIO_REGION"],
    ["edge", edge, flags.edge ? "--edge" : "TWILIO_EDGE"],
  ] as const) {
    if (value !== undefined && !REGION_OR_EDGE.test(value)) {
      throw new UsageError(
        `${source}: ${redact(value)} is not a Twilio ${name} name (e.g. us1, ie1 / ashburn, dublin)`,
      );
    }
  }
  // `--base-url ""` is refused by the option parser; `!== undefined` keeps it from ever meaning "Twilio".
  const baseUrl = flags.baseUrl ?? nonEmpty(env.PROXY_IX_BASE_URL);
  if (baseUrl !== undefined) {
    const origin = parseBaseUrl(baseUrl, flags.baseUrl ? "--base-url" : "PROXY_IX_BASE_URL");
    return { proxyOrigin: origin, apiOrigin: origin };
  }
  return {
    proxyOrigin: `https://${twilioHost("proxy", region, edge)}`,
    apiOrigin: `https://${twilioHost("api", region, edge)}`,
  };
}

export function resolveConfig(flags: GlobalFlags, processEnv: NodeJS.ProcessEnv): ClientConfig {
  const { env, profile } = withTwilioCliProfile(flags, processEnv);
  const origins = resolveOrigins(flags, env);
  const serviceRaw = flags.service ?? nonEmpty(env.PROXY_IX_SERVICE_SID);
  const serviceSid =
    serviceRaw === undefined
      ? undefined
      : parseConfigSid(serviceRaw, "service", flags.service ? "--service" : "PROXY_IX_SERVICE_SID");
  const credentials = resolveCredentials(flags, env);
  return { credentials, ...origins, timeoutMs: flags.timeout ?? DEFAULT_TIMEOUT_MS, serviceSid, profile };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

const SID_LABEL = { account: "Account SID", apiKey: "API Key SID", service: "Service SID" } as const;

/**
 * Validates a SID from the environment or a global flag. A wrong value there is often a secret in
 * the wrong variable (an Auth Token in TWILIO_ACCOUNT_SID, a key secret in TWILIO_API_KEY), and the
 * message lands in cron logs: it names only the first two characters and the length.
 */
export function parseConfigSid(value: string, kind: keyof typeof SID_LABEL, source: string): string {
  const prefixes = SidPrefix[kind];
  if (isSid(value, prefixes)) return value;
  throw new UsageError(
    `${source}: ${redact(value)} is not a valid ${SID_LABEL[kind]} (expected ${prefixes.join(" or ")} followed by 32 hex digits)`,
  );
}

/** A value that failed validation, as it may be shown: `'fe…' (32 characters)`, never whole. */
export function redact(value: string): string {
  const chars = [...value];
  const unit = chars.length === 1 ? "character" : "characters";
  return `'${terminalText(chars.slice(0, 2).join(""))}…' (${chars.length} ${unit})`;
}
