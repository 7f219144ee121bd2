/** SID formats the emulator knows: a two-letter prefix and 32 hex digits. */

export const SID_PREFIX = {
  account: "AC",
  apiKey: "SK",
  service: "KS",
  session: "KC",
  participant: "KP",
  interaction: "KI",
  phoneNumber: "PN",
  chatInstance: "IS",
  message: "SM",
  mediaMessage: "MM",
  call: "CA",
  media: "ME",
  recording: "RE",
  transcription: "TR",
  messagingService: "MG",
  /** A Conversations/Chat message: Proxy can link one, but the v2010 API cannot delete it. */
  chatMessage: "IM",
} as const;

const SID = /^[A-Za-z]{2}[0-9a-fA-F]{32}$/;

export function isSid(value: string, prefixes: readonly string[]): boolean {
  return SID.test(value) && prefixes.includes(value.slice(0, 2));
}

/** Any well-formed SID, whatever its prefix (used for page-token keys). */
export function isAnySid(value: string): boolean {
  return SID.test(value);
}
