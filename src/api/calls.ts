import type { ApiClient } from "./client.js";
import { dayFilters, listUrl, type Window2010 } from "./list-window-2010.js";
import { paginate2010 } from "./paginate-2010.js";
import type { ApiCall } from "./types.js";

/**
 * The account's Calls `To` or `From` one number, started within (a superset of) the window:
 * GET /2010-04-01/Accounts/{AC}/Calls.json. A Call not dialed yet has no `start_time` and matches no
 * date filter, so it is not listed.
 */
export function listCalls(
  client: ApiClient,
  party: { to: string } | { from: string },
  /** null: every date, and records with none (not sent or dialed yet) too. */
  window: Window2010 | null,
  pageSize = 1000,
): AsyncGenerator<ApiCall> {
  const who: [string, string] = "to" in party ? ["To", party.to] : ["From", party.from];
  const url = listUrl(
    client.apiOrigin,
    client.accountSid,
    "Calls.json",
    [who, ...(window ? dayFilters("StartTime", window) : [])],
    pageSize,
  );
  return paginate2010<ApiCall>(client, url, "calls");
}
