import type { ApiClient } from "../api/client.js";
import { listSessions } from "../api/sessions.js";
import type { Session } from "../api/types.js";
import type { DateWindow } from "../time-filter.js";
import type { Selection } from "./selection.js";

/** How far a read has got: Sessions listed (the total once `listingDone`), skipped, read; Interactions read. */
export interface ReadProgress {
  sessionsListed: number;
  sessionsSkipped: number;
  listingDone: boolean;
  sessionsRead: number;
  interactionsRead: number;
}

/** Sessions read at once: enough to keep an account's 25 requests in flight busy on one-page Sessions. */
export const SESSIONS_AT_ONCE = 32;

/**
 * The Sessions to read. With --all-sessions, a Session that cannot hold a matching Interaction is not
 * read at all: with `--until T`, one created at or after T (its Interactions are younger); with
 * `--since T`, one whose last Interaction was before T (only when Twilio gives `date_last_interaction`).
 */
export async function* sessionsInScope(
  client: ApiClient,
  serviceSid: string,
  selection: Selection,
  progress?: ReadProgress,
): AsyncGenerator<string> {
  if (!selection.allSessions) {
    const sids = new Set(selection.sessionSids);
    if (progress) {
      progress.sessionsListed = sids.size;
      progress.listingDone = true;
    }
    yield* sids;
    return;
  }
  for await (const session of listSessions(client, serviceSid)) {
    if (selection.sessionStatuses && !selection.sessionStatuses.includes(session.status ?? "")) continue;
    if (progress) progress.sessionsListed++;
    if (cannotMatch(session, selection.window)) {
      if (progress) progress.sessionsSkipped++;
      continue;
    }
    yield session.sid;
  }
  if (progress) progress.listingDone = true;
}

function cannotMatch(session: Session, window: DateWindow): boolean {
  const created = Date.parse(session.date_created ?? "");
  if (window.until && !Number.isNaN(created) && created >= window.until.getTime()) return true;
  const last = Date.parse(session.date_last_interaction ?? "");
  return window.since !== undefined && !Number.isNaN(last) && last < window.since.getTime();
}
