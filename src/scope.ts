import type { ApiClient } from "./api/client.js";
import { isGone } from "./api/identity.js";
import { listInteractionPages } from "./api/interactions.js";
import { holdAnchors } from "./api/paginate.js";
import { listServices } from "./api/services.js";
import { fetchSession, listSessions } from "./api/sessions.js";
import type { Interaction } from "./api/types.js";
import { describeError, NotFoundError, UsageError } from "./errors.js";
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

export async function* sessionsInScope(
  client: ApiClient,
  serviceSid: string,
  selection: Selection,
): AsyncGenerator<string> {
  if (!selection.allSessions) {
    yield* new Set(selection.sessionSids);
    return;
  }
  for await (const session of listSessions(client, serviceSid)) {
    if (selection.sessionStatuses && !selection.sessionStatuses.includes(session.status ?? "")) continue;
    yield session.sid;
  }
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
  let sessionsRead = 0;
  const incompleteSessions: IncompleteSession[] = [];
  async function* generate(): AsyncGenerator<ScopedInteraction> {
    let count = 0;
    const sessions = sessionsInScope(client, serviceSid, selection);
    for await (const sessionSid of sessions) {
      sessionsRead++;
      // Each page's last item comes only once the next page is read: its token names it (paginate.ts).
      const pages = holdAnchors(listInteractionPages(client, serviceSid, sessionSid, selection.pageSize));
      try {
        for await (const page of pages) {
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
      } catch (error) {
        // With --all-sessions, one Session deleted between listing and reading must not end the run.
        if (!(selection.allSessions && isGone(error))) throw error;
        incompleteSessions.push({ session_sid: sessionSid, reason: describeError(error) });
      }
    }
  }
  return {
    interactions: generate(),
    get truncation() {
      return truncation;
    },
    get sessionsRead() {
      return sessionsRead;
    },
    incompleteSessions,
  };
}
