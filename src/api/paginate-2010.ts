import { ResponseShapeError } from "../errors.js";
import type { ApiClient } from "./client.js";

/**
 * Items of an API v2010 list (Messages.json, Calls.json). v2010 has its own envelope: the items and
 * `next_page_uri` at the top level, the URI relative to the API host
 * (https://www.twilio.com/docs/usage/twilios-response#response-formats-list-paging-information).
 * The next URI is followed exactly as given, resolved against the configured API origin; the client
 * refuses any other origin (a `//host/…` or absolute URI included), so credentials stay home. A next
 * page on another path, or without the filters asked for, is refused: it would be another list.
 */
/** Consecutive empty pages that still link onwards before the chain is called broken. */
const MAX_EMPTY_PAGES = 3;

export async function* paginate2010<T>(client: ApiClient, firstUrl: string, key: string): AsyncGenerator<T> {
  const first = new URL(firstUrl);
  const visited = new Set<string>();
  // As in paginate.ts: the first SID of each page (a server repeating pages under new URLs), and
  // empty pages that still link onwards.
  const firstSids = new Set<string>();
  let emptyInARow = 0;
  let url: string | null = firstUrl;
  while (url !== null) {
    if (visited.has(url)) {
      throw new ResponseShapeError(
        `the server linked back to a page already read (${first.pathname}): stopping`,
      );
    }
    visited.add(url);
    const body: Record<string, unknown> | null = await client.getJson<Record<string, unknown> | null>(url);
    const items = body?.[key];
    const next: unknown = body?.next_page_uri;
    if (!Array.isArray(items) || (next !== null && typeof next !== "string")) {
      throw new ResponseShapeError(
        `GET ${first.pathname}: unexpected response shape (expected '${key}' and 'next_page_uri')`,
      );
    }
    for (const item of items) {
      if (!item || typeof item !== "object" || typeof (item as { sid?: unknown }).sid !== "string") {
        throw new ResponseShapeError(`GET ${first.pathname}: an item in '${key}' has no sid`);
      }
    }
    const firstSid = (items[0] as { sid: string } | undefined)?.sid;
    if (firstSid !== undefined) {
      if (firstSids.has(firstSid)) {
        throw new ResponseShapeError(
          `GET ${first.pathname}: the server sent a page it had sent before: stopping`,
        );
      }
      firstSids.add(firstSid);
    }
    emptyInARow = items.length === 0 ? emptyInARow + 1 : 0;
    if (emptyInARow >= MAX_EMPTY_PAGES && next !== null) {
      throw new ResponseShapeError(
        `GET ${first.pathname}: the server keeps sending empty pages with a next page: stopping`,
      );
    }
    yield* items as T[];
    url = next === null ? null : nextUrl(client, first, next as string);
  }
}

function nextUrl(client: ApiClient, first: URL, uri: string): string {
  const next = new URL(uri, client.apiOrigin);
  const sameList =
    next.pathname === first.pathname &&
    [...first.searchParams].every(
      ([name, value]) => next.searchParams.get(name) === value || name === "PageSize",
    );
  if (next.origin === client.apiOrigin && !sameList) {
    throw new ResponseShapeError(`GET ${first.pathname}: the next page is not the same list: stopping`);
  }
  // Another origin is left to the client, which refuses it with its own error.
  return next.href;
}
