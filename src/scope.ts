import type { ApiClient } from "./api/client.js";
import { isGone } from "./api/identity.js";
import { listInteractionPages } from "./api/interactions.js";
import { holdAnchors } from "./api/paginate.js";
import { listServices } from "./api/services.js";
import { fetchSession, listSessions } from "./api/sessions.js";
import type { Interaction, Session } from "./api/types.js";
import { describeError, NotFoundError, UsageError } from "./errors.js";
import { readInOrder } from "./read-in-order.js";
import { type DateWindow, inWindow } from "./time-filter.js";

/** Which Interactions a `list`/`purge` run is about; every filter is applied client-side (the API has none). */
export interface Selection {
  sessionSids: string[];
  allSessions: boolean;
  sessionStatuses: string[] | null;
  types: string[] | null;
  window: DateWindow;
  limit: number | null;
  pageSize: number;
}

/**
 * The Service to work in: the configured one; else the account's only one; else the one that holds the
 * given Session; else a clear error. So `proxy-ix list --session KC…` works as written.
 */
export async function resolveServiceSid(
  client: ApiClient,
  configured: string | undefined,
  sessionSids: string[],
): Promise<string> {
  if (configured) return configured;
  const services: string[] = [];
  for await (const service of listServices(client)) services.push(service.sid);
  if (services.length === 1 && services[0]) return services[0];
  if (services.length === 0) throw new NotFoundError("the account has no Proxy Services");
  const [session] = sessionSids;
  if (session === undefined) {
    throw new UsageError(
      `the account has ${services.length} Proxy Services (${services.join(", ")}): choose one with --service or PROXY_IX_SERVICE_SID`,
    );
  }
  for (const serviceSid of services) {
    try {
      await fetchSession(client, serviceSid, session);
      return serviceSid;
    } catch (error) {
      // Only Twilio's 20404 says "not in this Service"; a gateway's 404 page proves nothing.
      if (!isGone(error)) throw error;
    }
  }
  throw new NotFoundError(
    `Session ${session} was not found in any of the account's ${services.length} Proxy Services`,
  );
}

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

export function matches(interaction: Interaction, selection: Selection): boolean {
  if (selection.types && !selection.types.includes(interaction.type ?? "unknown")) return false;
  return inWindow(interaction.date_created, selection.window);
}

/** What a `--limit` left out: nothing, certainly more, or possibly more (more pages were not read). */
export type Truncation = "none" | "more" | "maybe";

/** An Interaction with the Session it was listed from (its URL is built from these, never from `url`). */
export interface ScopedInteraction {
  sessionSid: string;
  interaction: Interaction;
}

/** A Session that `--all-sessions` listed but could not read (e.g. deleted meanwhile): skipped, reported. */
export interface IncompleteSession {
  session_sid: string;
  reason: string;
}

export interface InteractionStream {
  interactions: AsyncGenerator<ScopedInteraction>;
  /** Read after the stream ends. */
  readonly truncation: Truncation;
  readonly sessionsRead: number;
  /** Updated as the stream goes, for a progress line. */
  readonly progress: Readonly<ReadProgress>;
  /** Filled in as the stream goes (the same array throughout). */
  readonly incompleteSessions: IncompleteSession[];
}

/**
 * Every matching Interaction of the selected Sessions, page by page (memory stays flat), stopping at
 * `--limit`. The Interactions of one Session are listed newest first, as Twilio orders them.
 */
export function selectInteractions(
  client: ApiClient,
  serviceSid: string,
  selection: Selection,
): InteractionStream {
  let truncation: Truncation = "none";
  const progress: ReadProgress = {
    sessionsListed: 0,
    sessionsSkipped: 0,
    listingDone: false,
    sessionsRead: 0,
    interactionsRead: 0,
  };
  const incompleteSessions: IncompleteSession[] = [];
  async function* generate(): AsyncGenerator<ScopedInteraction> {
    let count = 0;
    const sessions = sessionsInScope(client, serviceSid, selection, progress);
    // Several Sessions are read at once (their requests wait on the client's limiter); their pages come
    // out in Session order. Each page's last item comes only once the next page is read: its token
    // names it (paginate.ts).
    const pages = readInOrder(
      sessions,
      SESSIONS_AT_ONCE,
      (sessionSid: string) =>
        holdAnchors(listInteractionPages(client, serviceSid, sessionSid, selection.pageSize)),
      () => {
        progress.sessionsRead++;
      },
    );
    for await (const read of pages) {
      const sessionSid = read.source;
      if ("error" in read) {
        // With --all-sessions, one Session deleted between listing and reading must not end the run.
        if (!(selection.allSessions && isGone(read.error))) throw read.error;
        incompleteSessions.push({ session_sid: sessionSid, reason: describeError(read.error) });
        continue;
      }
      const { page } = read;
      progress.interactionsRead += page.items.length;
      for (const [index, interaction] of page.items.entries()) {
        if (!matches(interaction, selection)) continue;
        if (selection.limit !== null && count >= selection.limit) {
          truncation = "more";
          return;
        }
        yield { sessionSid, interaction };
        count++;
        if (selection.limit !== null && count >= selection.limit) {
          const rest = [...page.items.slice(index + 1), ...page.held];
          if (rest.some((item) => matches(item, selection))) truncation = "more";
          else if (
            page.meta.next_page_url !== null ||
            selection.allSessions ||
            selection.sessionSids.length > 1
          ) {
            truncation = "maybe";
          }
          return;
        }
      }
    }
  }
  return {
    interactions: generate(),
    get truncation() {
      return truncation;
    },
    get sessionsRead() {
      return progress.sessionsRead;
    },
    progress,
    incompleteSessions,
  };
}
