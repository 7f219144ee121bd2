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
export async function* paginate2010<T>(client: ApiClient, firstUrl: string, key: string): AsyncGenerator<T> {
  const first = new URL(firstUrl);
  const visited = new Set<string>();
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
