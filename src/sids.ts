import { UsageError } from "./errors.js";

/** Twilio SIDs are a two-letter prefix and 32 hex digits. */
const SID_BODY = /^[0-9a-fA-F]{32}$/;

export const SidPrefix = {
  account: ["AC"],
  apiKey: ["SK"],
  service: ["KS"],
  session: ["KC"],
  interaction: ["KI"],
} as const;

export type SidKind = keyof typeof SidPrefix;

const LABEL: Record<SidKind, string> = {
  account: "Account SID",
  apiKey: "API Key SID",
  service: "Service SID",
  session: "Session SID",
  interaction: "Interaction SID",
};

export function isSid(value: string, prefixes: readonly string[]): boolean {
  return value.length === 34 && prefixes.includes(value.slice(0, 2)) && SID_BODY.test(value.slice(2));
}

/** Validates a SID locally, so a typo is a usage error and nothing is sent. */
export function parseSid(value: string, kind: SidKind, source = LABEL[kind]): string {
  const prefixes = SidPrefix[kind];
  if (!isSid(value, prefixes)) {
    throw new UsageError(
      `${source}: '${clip(value)}' is not a valid ${LABEL[kind]} (expected ${prefixes.join(" or ")} followed by 32 hex digits)`,
    );
  }
  return value;
}

function clip(value: string): string {
  return value.length > 40 ? `${value.slice(0, 37)}...` : value;
}
