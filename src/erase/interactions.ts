import type { ApiClient } from "../api/client.js";
import { isGone } from "../api/identity.js";
import { listInteractionPages } from "../api/interactions.js";
import { holdAnchors } from "../api/paginate.js";
import { PROXY_PAGE_SIZE } from "../api/sessions.js";
import type { PurgeTarget } from "../purge/plan.js";
import { readInOrder } from "../read-in-order.js";

/** Sessions whose Interactions are listed at once for the run (requests bounded by the client's gate). */
const SESSIONS_AT_ONCE = 16;

/**
 * Every Interaction of the Sessions, as purge targets, each page's last item held until the next page
 * is read (its page token names it: paginate.ts). A Session gone since it was found has nothing left.
 */
export async function* interactionsOf(
  client: ApiClient,
  serviceSid: string,
  sessionSids: readonly string[],
): AsyncGenerator<PurgeTarget> {
  async function* sources() {
    yield* sessionSids;
  }
  const pages = readInOrder(sources(), SESSIONS_AT_ONCE, (sessionSid: string) =>
    holdAnchors(listInteractionPages(client, serviceSid, sessionSid, PROXY_PAGE_SIZE)),
  );
  for await (const read of pages) {
    if ("error" in read) {
      if (isGone(read.error)) continue;
      throw read.error;
    }
    for (const interaction of read.page.items) {
      yield { sid: interaction.sid, serviceSid, sessionSid: read.source, interaction };
    }
  }
}
