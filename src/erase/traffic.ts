import { listCalls } from "../api/calls.js";
import type { ApiClient } from "../api/client.js";
import { isGone } from "../api/identity.js";
import { listInteractionPages } from "../api/interactions.js";
import { listMessages } from "../api/messages.js";
import { listSessions } from "../api/sessions.js";
import type { ApiCall, ApiMessage } from "../api/types.js";
import { readInOrder } from "../read-in-order.js";

/** A Message or Call between the number and one of the Service's proxy numbers (SID and status only). */
export interface TrafficRecord {
  sid: string;
  kind: "message" | "call";
  /** `date_sent` of a Message, `start_time` of a Call (ISO 8601 UTC); null when not sent or dialed yet. */
  date: string | null;
  status: string | null;
  direction: string | null;
  /** The Service's number at the other end (never the person's number). */
  proxy_number: string;
}

/**
 * The account's Messages and Calls between the number and the Service's proxy numbers, whatever their
 * date (no date filter: a Message not sent yet, or past `orphans`' window, is found too). Four v2010
 * lists (`To` and `From` the number, Messages and Calls), each record kept only when its other end is a
 * proxy number, so the person's traffic through other numbers of the account is never touched.
 */
export async function listTrafficOf(
  client: ApiClient,
  number: string,
  proxyNumbers: ReadonlySet<string>,
): Promise<TrafficRecord[]> {
  if (proxyNumbers.size === 0) return [];
  const found = new Map<string, TrafficRecord>();
  const keep = (kind: TrafficRecord["kind"], direction: "to" | "from") => (record: ApiMessage | ApiCall) => {
    const [ours, theirs] = direction === "to" ? [record.to, record.from] : [record.from, record.to];
    // A server that ignored the filter must not widen the erasure.
    if (ours !== number || theirs === null || !proxyNumbers.has(theirs)) return;
    const raw = "date_sent" in record ? record.date_sent : (record as ApiCall).start_time;
    const time = raw ? Date.parse(raw) : Number.NaN;
    found.set(record.sid, {
      sid: record.sid,
      kind,
      date: Number.isNaN(time) ? null : new Date(time).toISOString().replace(/\.\d{3}Z$/, "Z"),
      status: record.status ?? null,
      direction: record.direction ?? null,
      proxy_number: theirs,
    });
  };
  const drain = async <R extends ApiMessage | ApiCall>(list: AsyncIterable<R>, take: (record: R) => void) => {
    for await (const record of list) take(record);
  };
  await Promise.all([
    drain(listMessages(client, { to: number }, null), keep("message", "to")),
    drain(listMessages(client, { from: number }, null), keep("message", "from")),
    drain(listCalls(client, { to: number }, null), keep("call", "to")),
    drain(listCalls(client, { from: number }, null), keep("call", "from")),
  ]);
  return [...found.values()];
}

export interface LinkProgress {
  sessionsRead: number;
  interactionsRead: number;
}

/** Sessions whose Interactions are read at once (requests bounded by the client's gate). */
const SESSIONS_AT_ONCE = 16;

/**
 * Which Session's Interactions link each of `sids` (a leg's `inbound_resource_sid` or
 * `outbound_resource_sid`): every Interaction of the Service is read once, as `orphans` does. A SID
 * that no Interaction links to is an orphan (an earlier deletion left it behind); one linked from a
 * Session where the number is not a listed Participant shows a Session the number took part in all the
 * same. The statuses of those Sessions come with the result.
 */
export async function sessionsLinking(
  client: ApiClient,
  serviceSid: string,
  sids: ReadonlySet<string>,
  progress: LinkProgress = { sessionsRead: 0, interactionsRead: 0 },
): Promise<{ linkedFrom: Map<string, string>; statusOf: Map<string, string | null> }> {
  const linkedFrom = new Map<string, string>();
  const statusOf = new Map<string, string | null>();
  if (sids.size === 0) return { linkedFrom, statusOf };
  const statuses = new Map<string, string | null>();
  async function* sessions(): AsyncGenerator<string> {
    for await (const session of listSessions(client, serviceSid)) {
      statuses.set(session.sid, session.status ?? null);
      yield session.sid;
    }
  }
  const pages = readInOrder(
    sessions(),
    SESSIONS_AT_ONCE,
    (sessionSid: string) => listInteractionPages(client, serviceSid, sessionSid, 1000),
    (sessionSid) => {
      progress.sessionsRead++;
      if (statusOf.has(sessionSid)) return;
      statuses.delete(sessionSid);
    },
  );
  for await (const read of pages) {
    if ("error" in read) {
      // Deleted since it was listed: what its Interactions linked is orphaned now.
      if (isGone(read.error)) continue;
      throw read.error;
    }
    progress.interactionsRead += read.page.items.length;
    for (const interaction of read.page.items) {
      for (const sid of [interaction.inbound_resource_sid, interaction.outbound_resource_sid]) {
        if (typeof sid !== "string" || !sids.has(sid)) continue;
        linkedFrom.set(sid, read.source);
        statusOf.set(read.source, statuses.get(read.source) ?? null);
      }
    }
  }
  return { linkedFrom, statusOf };
}
