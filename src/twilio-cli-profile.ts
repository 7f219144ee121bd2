import { readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { UsageError } from "./errors.js";
import { parseSid } from "./sids.js";

/** Where the credentials came from, for --verbose and notes; never the secret. */
export interface ProfileUse {
  name: string;
  file: string;
  /** How the profile was chosen. */
  chosenBy: "--profile" | "TWILIO_PROFILE" | "active profile";
  /** For stderr even with --quiet: the file holding the secret can be read by others. */
  warnings: string[];
  /** For stderr unless --quiet: credentials in the environment that were set aside. */
  notes: string[];
}

const CREDENTIAL_VARIABLES = [
  "TWILIO_ACCOUNT_SID",
  "TWILIO_AUTH_TOKEN",
  "TWILIO_API_KEY",
  "TWILIO_API_SECRET",
];

/**
 * twilio-cli's config directory as twilio-cli-core resolves it (src/services/env.js): TWILIO_CONFIG_DIR,
 * else `.twilio-cli` in HOME, USERPROFILE or the user's home directory.
 */
export function twilioCliConfigFile(env: NodeJS.ProcessEnv): string {
  const dir =
    nonEmpty(env.TWILIO_CONFIG_DIR) ??
    join(nonEmpty(env.HOME) ?? nonEmpty(env.USERPROFILE) ?? homedir(), ".twilio-cli");
  return join(dir, "config.json");
}

/**
 * Credentials, region and edge from a twilio-cli profile, as the environment proxy-ix reads them.
 * Precedence as in twilio-cli (twilio-cli-core ConfigData.getProfileById; its docs, "Precedence of
 * stored credentials"): a profile named with --profile (or TWILIO_PROFILE) first, then TWILIO_*
 * credentials in the environment, then the file's active profile. TWILIO_REGION and TWILIO_EDGE (and
 * --region, --edge) still win over the profile's region and the file's edge.
 */
export function withTwilioCliProfile(
  flags: { profile?: string; accountSid?: string; apiKey?: string },
  env: NodeJS.ProcessEnv,
): { env: NodeJS.ProcessEnv; profile?: ProfileUse } {
  const named = flags.profile ?? nonEmpty(env.TWILIO_PROFILE);
  const file = twilioCliConfigFile(env);
  if (named === undefined) {
    const credentialsSet =
      flags.accountSid !== undefined ||
      flags.apiKey !== undefined ||
      CREDENTIAL_VARIABLES.some((name) => nonEmpty(env[name]));
    if (credentialsSet) return { env };
    const config = readConfig(file, false);
    const profiles = Object.keys(config?.profiles ?? {});
    if (!config || profiles.length === 0) return { env };
    // twilio-cli keeps the active profile's name under its historical key, activeProject.
    const active = stringField(config.activeProject) ?? stringField(config.activeProfile);
    const name = active !== undefined && profiles.includes(active) ? active : (profiles[0] as string);
    return apply(config, name, file, "active profile", env);
  }
  const chosenBy = flags.profile !== undefined ? "--profile" : "TWILIO_PROFILE";
  if (flags.accountSid !== undefined || flags.apiKey !== undefined) {
    throw new UsageError(
      `${chosenBy} cannot be combined with --account-sid or --api-key: the profile has its own`,
    );
  }
  const config = readConfig(file, true) as TwilioCliConfig;
  return apply(config, named, file, chosenBy, env);
}

interface TwilioCliConfig {
  edge?: unknown;
  activeProject?: unknown;
  activeProfile?: unknown;
  profiles?: Record<string, unknown>;
}

function readConfig(file: string, required: boolean): TwilioCliConfig | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if (!required && (error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new UsageError(
      `cannot read twilio-cli's config ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UsageError(`twilio-cli's config ${file} is not valid JSON`);
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new UsageError(`twilio-cli's config ${file} is not a JSON object`);
  }
  const config = parsed as TwilioCliConfig;
  if (config.profiles !== undefined && (typeof config.profiles !== "object" || config.profiles === null)) {
    throw new UsageError(`twilio-cli's config ${file}: "profiles" is not an object`);
  }
  return config;
}

function apply(
  config: TwilioCliConfig,
  name: string,
  file: string,
  chosenBy: ProfileUse["chosenBy"],
  env: NodeJS.ProcessEnv,
): { env: NodeJS.ProcessEnv; profile: ProfileUse } {
  const profiles = config.profiles ?? {};
  const entry = Object.hasOwn(profiles, name) ? profiles[name] : undefined;
  if (!entry || typeof entry !== "object") {
    const known = Object.keys(profiles);
    throw new UsageError(
      `${chosenBy}: no profile '${clip(name)}' in ${file} (${known.length > 0 ? `profiles: ${known.map(clip).join(", ")}` : "it has no profiles; create one with `twilio profiles:create`"})`,
    );
  }
  const fields = entry as Record<string, unknown>;
  const where = `profile '${clip(name)}' in ${file}`;
  const accountSid = parseSid(stringField(fields.accountSid) ?? "", "account", `${where}: accountSid`);
  const apiKey = stringField(fields.apiKey);
  // Never part of a message: the secret is only ever sent in the Authorization header.
  const apiSecret = stringField(fields.apiSecret);
  if (apiKey === undefined || apiSecret === undefined) {
    throw new UsageError(
      `${where} has no apiKey and apiSecret (twilio-cli before 3.0 kept them in the system keychain): set TWILIO_API_KEY and TWILIO_API_SECRET, or run \`twilio profiles:create\``,
    );
  }
  const resolved: NodeJS.ProcessEnv = { ...env };
  for (const variable of CREDENTIAL_VARIABLES) delete resolved[variable];
  resolved.TWILIO_ACCOUNT_SID = accountSid;
  if (apiKey === accountSid) {
    // A profile made from an Auth Token: twilio-cli stores the Account SID as its "API key".
    resolved.TWILIO_AUTH_TOKEN = apiSecret;
  } else {
    resolved.TWILIO_API_KEY = parseSid(apiKey, "apiKey", `${where}: apiKey`);
    resolved.TWILIO_API_SECRET = apiSecret;
  }
  resolved.TWILIO_REGION = nonEmpty(env.TWILIO_REGION) ?? stringField(fields.region);
  resolved.TWILIO_EDGE = nonEmpty(env.TWILIO_EDGE) ?? stringField(config.edge);
  const warnings: string[] = [];
  const notes: string[] = [];
  const unused = CREDENTIAL_VARIABLES.filter((variable) => nonEmpty(env[variable]));
  if (unused.length > 0)
    notes.push(`${chosenBy} '${clip(name)}' is used; ${unused.join(", ")} from the environment are not`);
  const mode = statSync(file).mode;
  if (process.platform !== "win32" && (mode & 0o077) !== 0) {
    warnings.push(
      `${file} holds an API Key secret and other users can read or change it (mode ${(mode & 0o777).toString(8)}); run: chmod 600 ${file}`,
    );
  }
  return { env: resolved, profile: { name, file, chosenBy, warnings, notes } };
}

function stringField(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

/** Profile names are the user's, but a file could hold anything: short and printable in messages. */
function clip(value: string): string {
  const printable = value.replace(/[^\x20-\x7e]/g, "?");
  return printable.length > 40 ? `${printable.slice(0, 37)}...` : printable;
}
