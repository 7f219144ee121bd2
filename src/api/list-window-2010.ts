/** A window of instants: `since` inclusive, `until` exclusive. */
export interface Window2010 {
  since: Date;
  until: Date;
}

/** Whose traffic: `To` one number, `From` one number, or both (the traffic between two numbers). */
export type Party2010 = { to: string; from?: string } | { from: string; to?: string };

/** The v2010 `To`/`From` filters of a party. */
export function partyFilters(party: Party2010): [string, string][] {
  const filters: [string, string][] = [];
  if (party.to !== undefined) filters.push(["To", party.to]);
  if (party.from !== undefined) filters.push(["From", party.from]);
  return filters;
}

const DAY_MS = 86_400_000;

/**
 * The v2010 date filters (`DateSent>`/`DateSent<`, `StartTime>`/`StartTime<`) for a window, as whole
 * UTC days one wider on each side. Twilio documents these as days (`YYYY-MM-DD`) and describes `<` both
 * as "before" and as "on or before", and the OpenAPI document calls them date-times: sending days one
 * wider gives a superset under every reading, and the caller keeps exactly the window from the
 * records' own dates. It costs at most two days more of listing.
 */
export function dayFilters(family: "DateSent" | "StartTime", window: Window2010): [string, string][] {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return [
    [`${family}>`, day(window.since.getTime() - DAY_MS)],
    [`${family}<`, day(window.until.getTime() + DAY_MS)],
  ];
}

/** A list URL: the path under the account and the query, encoded (`DateSent%3E=2026-01-05`). */
export function listUrl(
  apiOrigin: string,
  accountSid: string,
  list: string,
  query: [string, string][],
  pageSize: number,
): string {
  const params = new URLSearchParams([...query, ["PageSize", String(pageSize)]]);
  return `${apiOrigin}/2010-04-01/Accounts/${accountSid}/${list}?${params}`;
}
