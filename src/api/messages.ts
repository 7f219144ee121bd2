import type { ApiClient } from "./client.js";
import { dayFilters, listUrl, type Party2010, partyFilters, type Window2010 } from "./list-window-2010.js";
import { paginate2010 } from "./paginate-2010.js";
import type { ApiMessage } from "./types.js";

/**
 * The account's Messages `To` or `From` one number (or both: between two numbers), sent within (a superset of) the window:
 * GET /2010-04-01/Accounts/{AC}/Messages.json. A Message not sent yet has no `date_sent` and matches
 * no date filter, so it is not listed.
 */
export function listMessages(
  client: ApiClient,
  party: Party2010,
  /** null: every date, and records with none (not sent or dialed yet) too. */
  window: Window2010 | null,
  pageSize = 1000,
): AsyncGenerator<ApiMessage> {
  const url = listUrl(
    client.apiOrigin,
    client.accountSid,
    "Messages.json",
    [...partyFilters(party), ...(window ? dayFilters("DateSent", window) : [])],
    pageSize,
  );
  return paginate2010<ApiMessage>(client, url, "messages");
}
