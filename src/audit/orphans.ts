import { listCalls } from "../api/calls.js";
import type { ApiClient } from "../api/client.js";
import { listInteractionPages } from "../api/interactions.js";
import type { Window2010 } from "../api/list-window-2010.js";
import { listMessages } from "../api/messages.js";
import { listPhoneNumbers } from "../api/phone-numbers.js";
import { listSessions } from "../api/sessions.js";
import type { ApiCall, ApiMessage } from "../api/types.js";
import { TwilioApiError } from "../errors.js";
import { mergeConcurrently } from "./merge.js";
import { SidSet } from "./sid-set.js";

/**
 * `proxy-ix orphans`: the account's Messages and Calls that went through one of the Service's proxy
 * numbers and that no Interaction of the Service links to any more — what an earlier deletion (of
 * Interactions or Sessions, by any tool) left behind. The set difference is taken here; the listing
 * is the seam `orphans --delete` will feed to the deletion engine.
 *
 * A Message or Call sent through a proxy number by something other than Proxy (a number shared with
 * another application) cannot be told apart from an orphan: Twilio records no link back to Proxy.
 */

export interface Orphan {
  sid: string;
  kind: "message" | "call";
  /** `date_sent` of a Message, `start_time` of a Call, as ISO 8601 UTC. */
  date: string;
  status: string | null;
  direction: string | null;
  /** The Service's number it went through (never the other party's number, nor the body). */
  proxy_number: string;
}

export interface OrphanProgress {
  sessions: number;
  interactions: number;
  numbers: number;
  listed: number;
}

/** Sessions read at once; the requests themselves are bounded by the client's gate (adaptive limiter). */
const SESSIONS_AT_ONCE = 16;
/** Messages/Calls lists read at once (four per proxy number), under the same gate. */
const LISTS_AT_ONCE = 16;
/**
 * Proxy creates an Interaction as it handles the Message or Call, a moment after Twilio records it.
 * Traffic this recent when the Interactions are read is left out, so a Message whose Interaction was
 * being created is never taken for an orphan (which `--delete` would act on).
 */
export const SETTLE_MS = 60_000;

export interface OrphanSearch {
  orphans: AsyncGenerator<Orphan>;
  readonly progress: OrphanProgress;
  /** The window actually searched (until clamped to SETTLE_MS before the Interactions were read); set once the search starts listing. */
  readonly window: Window2010 | null;
}

export interface FindOrphansOptions {
  pageSize?: number;
  now?: () => number;
  /**
   * Only the traffic between this number (the other party, E.164) and the proxy numbers: each proxy
   * number's lists are asked `To=party&From=proxy` and `From=party&To=proxy` (`erase --participant`).
   */
  party?: string;
}

/**
 * The orphans of a Service within `window`, as an async iterable: first every resource SID the
 * Service's Interactions link to (all Sessions, all pages, into a compact set), then the Messages
 * and Calls to and from each proxy number, minus that set. Each orphan comes once, even when it went
 * between two proxy numbers.
 */
export function findOrphans(
  client: ApiClient,
  serviceSid: string,
  window: Window2010,
  { pageSize = 1000, now = Date.now, party }: FindOrphansOptions = {},
): OrphanSearch {
  const progress: OrphanProgress = { sessions: 0, interactions: 0, numbers: 0, listed: 0 };
  let searched: Window2010 | null = null;
  async function* generate(): AsyncGenerator<Orphan> {
    const numbers: string[] = [];
    for await (const number of listPhoneNumbers(client, serviceSid)) {
      if (number.phone_number) numbers.push(number.phone_number);
    }
    progress.numbers = numbers.length;
    const until = new Date(Math.min(window.until.getTime(), now() - SETTLE_MS));
    searched = { since: window.since, until };
    if (numbers.length === 0) return;
    const linked = await collectLinkedSids(client, serviceSid, progress, pageSize);
    if (until.getTime() <= window.since.getTime()) return;
    const proxyNumbers = new Set(numbers);
    const inWindow = (date: string | null) => {
      const t = date === null ? Number.NaN : Date.parse(date);
      return t >= window.since.getTime() && t < until.getTime() ? t : null;
    };
    const window2010 = searched;
    // One source per proxy number, direction and kind; stateless, so they may run side by side.
    function* lists(): Generator<() => AsyncIterable<Orphan>> {
      for (const number of numbers) {
        for (const direction of ["to", "from"] as const) {
          // With a party: only the traffic between it and this number, in each direction.
          const other = party === undefined ? {} : direction === "to" ? { from: party } : { to: party };
          const listed = direction === "to" ? { to: number, ...other } : { from: number, ...other };
          const via = { number, direction };
          yield () => orphansOf(listMessages(client, listed, window2010, pageSize), via, "message", sentOf);
          yield () => orphansOf(listCalls(client, listed, window2010, pageSize), via, "call", startOf);
        }
      }
    }
    async function* orphansOf<R extends ApiMessage | ApiCall>(
      list: AsyncIterable<R>,
      { number, direction }: { number: string; direction: "to" | "from" },
      kind: Orphan["kind"],
      dateOf: (record: R) => string | null,
    ): AsyncGenerator<Orphan> {
      for await (const record of list) {
        progress.listed++;
        // Listed only by this number: a server that ignored the filter must not widen the result.
        if ((direction === "to" ? record.to : record.from) !== number) continue;
        if (party !== undefined && (direction === "to" ? record.from : record.to) !== party) continue;
        // Between two proxy numbers: it is reported once, from the `To` list of the number it went to.
        if (direction === "from" && record.to !== null && proxyNumbers.has(record.to)) continue;
        const t = inWindow(dateOf(record));
        if (t === null || linked.has(record.sid)) continue;
        yield {
          sid: record.sid,
          kind,
          date: new Date(t).toISOString().replace(/\.\d{3}Z$/, "Z"),
          status: record.status ?? null,
          direction: record.direction ?? null,
          proxy_number: number,
        };
      }
    }
    yield* mergeConcurrently(lists(), LISTS_AT_ONCE);
  }
  return {
    orphans: generate(),
    progress,
    get window() {
      return searched;
    },
  };
}

function sentOf(record: { date_sent?: string | null }): string | null {
  return record.date_sent ?? null;
}

function startOf(record: { start_time?: string | null }): string | null {
  return record.start_time ?? null;
}

/** Every Message/Call SID any Interaction of the Service links to, Sessions read concurrently. */
export async function collectLinkedSids(
  client: ApiClient,
  serviceSid: string,
  progress: OrphanProgress,
  pageSize: number,
): Promise<SidSet> {
  const linked = new SidSet();
  const sessions = listSessions(client, serviceSid);
  const worker = async () => {
    for (;;) {
      const next = await sessions.next();
      if (next.done) return;
      try {
        for await (const page of listInteractionPages(client, serviceSid, next.value.sid, pageSize)) {
          for (const interaction of page.items) {
            if (interaction.inbound_resource_sid) linked.add(interaction.inbound_resource_sid);
            if (interaction.outbound_resource_sid) linked.add(interaction.outbound_resource_sid);
          }
          progress.interactions += page.items.length;
        }
      } catch (error) {
        // Deleted since it was listed: its Interactions are gone, so what they linked is orphaned now.
        if (!(error instanceof TwilioApiError && error.code === 20404)) throw error;
      }
      progress.sessions++;
    }
  };
  await Promise.all(Array.from({ length: SESSIONS_AT_ONCE }, worker));
  return linked;
}
