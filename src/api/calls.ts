import type { ApiClient } from "./client.js";
import { dayFilters, listUrl, type Party2010, partyFilters, type Window2010 } from "./list-window-2010.js";
import { paginate2010 } from "./paginate-2010.js";
import type { ApiCall } from "./types.js";

/**
 * The account's Calls `To` or `From` one number (or both: between two numbers), started within (a superset of) the window:
 * GET /2010-04-01/Accounts/{AC}/Calls.json. A Call not dialed yet has no `start_time` and matches no
 * date filter, so it is not listed.
 */
export function listCalls(
  client: ApiClient,
  party: Party2010,
  /** null: every date, and records with none (not sent or dialed yet) too. */
  window: Window2010 | null,
  pageSize = 1000,
): AsyncGenerator<ApiCall> {
  const url = listUrl(
    client.apiOrigin,
    client.accountSid,
    "Calls.json",
    [...partyFilters(party), ...(window ? dayFilters("StartTime", window) : [])],
    pageSize,
  );
  return paginate2010<ApiCall>(client, url, "calls");
}
