import { UsageError } from "../errors.js";

/**
 * The phone number an erasure request names. It is personal data: proxy-ix never prints it whole, not
 * even in an error about it — only its last 2 digits (`+…67`), as the export does.
 */

/** E.164: `+`, a country code that does not start with 0, 8 to 15 digits in all (ITU-T E.164 allows 15). */
const E164 = /^\+[1-9]\d{7,14}$/;

/**
 * The number as Twilio stores a Participant's `identifier` (`+14155550123`). Spaces and hyphens between
 * the digits are accepted and dropped, since numbers are often pasted as `+1 415-555-0123`; anything
 * else (letters, parentheses, a missing `+`, a national number) is refused rather than guessed at.
 */
export function parseParticipantNumber(value: string): string {
  const compact = value.trim().replace(/(?<=\d)[ -](?=\d)/g, "");
  if (!E164.test(compact)) {
    throw new UsageError(
      "--participant: not an E.164 phone number ('+', the country code and the number: 8 to 15 digits, e.g. +447700900123; spaces and hyphens between digits are allowed)",
    );
  }
  return compact;
}

/** The last 2 digits, the only part of the number any output holds. */
export function last2(number: string): string {
  return number.slice(-2);
}

/** The number as summaries show it: `+…67`. */
export function maskedNumber(number: string): string {
  return `+…${last2(number)}`;
}

/**
 * Replaces the number wherever it appears in a line (a `--verbose` request line carries it in the query
 * string of the v2010 lists, URL-encoded as `%2B…`): as a safety net over every stderr line of a run.
 */
export function maskNumberIn(text: string, number: string): string {
  const digits = number.slice(1);
  const shown = maskedNumber(number);
  // With its "+" (or %2B in a URL), or without it as a word of its own: a server's error text may quote
  // the number either way. Digits inside a longer token (a SID, a longer number) are left alone.
  return text.replace(new RegExp(`(?:\\+|%2B|(?<![0-9A-Za-z]))${digits}(?!\\d)`, "gi"), shown);
}
