/** Checks that an answer is the answer to the question asked, before anything acts on it. */

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
