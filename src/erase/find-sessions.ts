import type { ApiClient } from "../api/client.js";
import { isGone } from "../api/identity.js";
import { listParticipants } from "../api/participants.js";
import { listSessions } from "../api/sessions.js";
import { readInOrder } from "../read-in-order.js";

/** How far the search has got, for a progress line. */
export interface SessionSearchProgress {
  sessionsListed: number;
  listingDone: boolean;
  sessionsRead: number;
  found: number;
}

/** A Session in which the number is (or was) a Participant. */
export interface FoundSession {
  sid: string;
  status: string | null;
}

/** Sessions whose Participants are read at once; the requests wait on the client's gate (the adaptive limiter). */
const SESSIONS_AT_ONCE = 16;

/**
 * Every Session of the Service with a Participant whose `identifier` is the number. Each Session's
 * Participants are read (several Sessions at once, the requests bounded by the client's gate); a Session
 * deleted between the listing and the read is skipped (its Participants went with it).
 *
 * A Participant removed from its Session is still found: Twilio's Participant DELETE is a soft delete —
 * "the participant remains associated with the session" with its `date_deleted` set
 * (https://www.twilio.com/docs/proxy/api/participant) — so it stays in the list, and it is matched
 * whatever `date_deleted` says.
 */
export async function findSessionsOf(
  client: ApiClient,
  serviceSid: string,
  number: string,
  progress: SessionSearchProgress = { sessionsListed: 0, listingDone: false, sessionsRead: 0, found: 0 },
): Promise<FoundSession[]> {
  const statusOf = new Map<string, string | null>();
  async function* sessions(): AsyncGenerator<string> {
    for await (const session of listSessions(client, serviceSid)) {
      statusOf.set(session.sid, session.status ?? null);
      progress.sessionsListed++;
      yield session.sid;
    }
    progress.listingDone = true;
  }
  const found: FoundSession[] = [];
  const foundSids = new Set<string>();
  const participants = readInOrder(
    sessions(),
    SESSIONS_AT_ONCE,
    (sessionSid: string) => listParticipants(client, serviceSid, sessionSid),
    (sessionSid) => {
      progress.sessionsRead++;
      // Only a matching Session is kept: memory stays flat however many Sessions the Service has.
      if (!foundSids.has(sessionSid)) statusOf.delete(sessionSid);
    },
  );
  for await (const read of participants) {
    if ("error" in read) {
      if (isGone(read.error)) continue;
      throw read.error;
    }
    const sessionSid = read.source;
    if (read.page.identifier !== number || foundSids.has(sessionSid)) continue;
    foundSids.add(sessionSid);
    found.push({ sid: sessionSid, status: statusOf.get(sessionSid) ?? null });
    progress.found = found.length;
  }
  return found;
}
