/** Checks that an answer is the answer to the question asked, before anything acts on it. */
import { TwilioApiError } from "../errors.js";

/**
 * Gone means Twilio said so: a 404 with Twilio's 20404 (https://www.twilio.com/docs/errors/20404).
 * A 404 from anything else (a gateway, a wrong host or account in the URL) proves nothing, and taking
 * it for "already gone" would let an Interaction be deleted while its Message still exists.
 */
export function isGone(error: unknown): boolean {
  return error instanceof TwilioApiError && error.status === 404 && error.code === 20404;
}

/**
 * The fields of `body` that differ from what was asked (names only: the values are server text).
 * `optional` fields may be absent or null (Twilio documents them as nullable), but never different.
 */
export function mismatches(body: object, asked: Record<string, string>, optional: string[] = []): string[] {
  const record = body as Record<string, unknown>;
  return Object.entries(asked)
    .filter(([field, value]) => {
      const got = record[field];
      if ((got === null || got === undefined) && optional.includes(field)) return false;
      return got !== value;
    })
    .map(([field]) => field);
}
