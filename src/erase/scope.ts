import type { ApiClient } from "../api/client.js";
import { listPhoneNumbers } from "../api/phone-numbers.js";
import { findSessionsOf, type SessionSearchProgress } from "./find-sessions.js";
import { type LinkProgress, listTrafficOf, sessionsLinking, type TrafficRecord } from "./traffic.js";
import { findUnreachable, type UnreachableResource } from "./unreachable.js";

/** A Session the erasure deletes, and how it was found. */
export interface ErasedSession {
  session_sid: string;
  status: string | null;
  /** "participant": the number is (or was) one of its Participants; "traffic": one of its Interactions links a Message/Call between the number and a proxy number. */
  found_by: "participant" | "traffic";
}

/** Everything about the number that the erasure acts on, found before anything is deleted. */
export interface ErasureScope {
  proxyNumbers: ReadonlySet<string>;
  sessions: ErasedSession[];
  /** Messages/Calls between the number and the Service's proxy numbers, linked or not. */
  traffic: TrafficRecord[];
  /** Those of them that no Interaction of the Service links to any more (what `orphans` finds). */
  orphans: TrafficRecord[];
  /** Messages/Calls the Sessions' Interactions link that the API no longer shows (unreachable.ts). */
  unreachable: UnreachableResource[];
}

export interface ScopeProgress {
  phase: "participants" | "traffic" | "interactions" | "checking";
  participants: SessionSearchProgress;
  links: LinkProgress;
}

export function emptyScopeProgress(): ScopeProgress {
  return {
    phase: "participants",
    participants: { sessionsListed: 0, listingDone: false, sessionsRead: 0, found: 0 },
    links: { sessionsRead: 0, interactionsRead: 0 },
  };
}

/**
 * What `erase --participant` deletes: the Sessions where the number is a Participant, the Sessions whose
 * Interactions link a Message/Call between the number and a proxy number (a Participant Twilio no longer
 * lists), and the Messages/Calls between them that nothing links to (orphans). Read-only.
 */
export async function findErasureScope(
  client: ApiClient,
  serviceSid: string,
  number: string,
  progress: ScopeProgress = emptyScopeProgress(),
): Promise<ErasureScope> {
  const proxyNumbers = new Set<string>();
  for await (const entry of listPhoneNumbers(client, serviceSid)) {
    if (entry.phone_number) proxyNumbers.add(entry.phone_number);
  }
  const sessions: ErasedSession[] = (
    await findSessionsOf(client, serviceSid, number, progress.participants)
  ).map((session) => ({ session_sid: session.sid, status: session.status, found_by: "participant" }));
  progress.phase = "traffic";
  const traffic = await listTrafficOf(client, number, proxyNumbers);
  progress.phase = "interactions";
  const { linkedFrom, statusOf } = await sessionsLinking(
    client,
    serviceSid,
    new Set(traffic.map((record) => record.sid)),
    progress.links,
  );
  const known = new Set(sessions.map((session) => session.session_sid));
  for (const [sessionSid, status] of statusOf) {
    if (!known.has(sessionSid)) sessions.push({ session_sid: sessionSid, status, found_by: "traffic" });
  }
  const orphans = traffic.filter((record) => !linkedFrom.has(record.sid));
  progress.phase = "checking";
  const unreachable = await findUnreachable(
    client,
    serviceSid,
    sessions.map((session) => session.session_sid),
  );
  return { proxyNumbers, sessions, traffic, orphans, unreachable };
}
