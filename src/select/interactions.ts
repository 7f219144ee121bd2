import type { ApiClient } from "../api/client.js";
import { isGone } from "../api/identity.js";
import { listInteractionPages } from "../api/interactions.js";
import { holdAnchors } from "../api/paginate.js";
import type { Interaction } from "../api/types.js";
import { describeError } from "../errors.js";
import { readInOrder } from "../read-in-order.js";
import { matches, type Selection } from "./selection.js";
import { type ReadProgress, SESSIONS_AT_ONCE, sessionsInScope } from "./sessions.js";

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
