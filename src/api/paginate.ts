import { ResponseShapeError } from "../errors.js";
import type { ApiClient } from "./client.js";
import type { PageMeta } from "./types.js";

export interface Page<T> {
  items: T[];
  meta: PageMeta;
}

/** Consecutive empty pages that still link onwards before we call the chain broken. */
const MAX_EMPTY_PAGES = 3;

/**
 * Pages of a Twilio list, as octokit's paginate does it: follow `meta.next_page_url` exactly as the
 * server gives it (its PageToken is opaque; we never build one), stop when it is null. The caller may
 * `break` at any time. The client refuses a next_page_url on another origin, so credentials stay home.
 *
 * Hand-written because got's own `paginate` cannot check each page's shape or detect a server that
 * links pages in a loop.
 */
export async function* paginate<T>(
  client: ApiClient,
  firstUrl: string,
  key: string,
): AsyncGenerator<Page<T>> {
  const visited = new Set<string>();
  // The first SID of every page: a server that sends the same items again under new page tokens is
  // caught here (one entry per page, so memory grows with pages, not items).
  const firstSids = new Set<string>();
  let url: string | null = firstUrl;
  let emptyInARow = 0;
  while (url !== null) {
    if (visited.has(url)) {
      throw new ResponseShapeError(
        `the server linked back to a page already read (${pathOf(url)}): stopping`,
      );
    }
    visited.add(url);
    const body: unknown = await client.getJson<unknown>(url);
    const page: Page<T> = checkPage<T>(body, key, url);
    emptyInARow = page.items.length === 0 ? emptyInARow + 1 : 0;
    if (emptyInARow >= MAX_EMPTY_PAGES && page.meta.next_page_url !== null) {
      throw new ResponseShapeError(
        `the server keeps sending empty pages with a next page (${pathOf(url)}): stopping`,
      );
    }
    const first = (page.items[0] as { sid?: string } | undefined)?.sid;
    if (first !== undefined) {
      if (firstSids.has(first)) {
        throw new ResponseShapeError(`the server sent a page it had sent before (${pathOf(url)}): stopping`);
      }
      firstSids.add(first);
    }
    yield page;
    url = page.meta.next_page_url;
  }
}

function checkPage<T>(body: unknown, key: string, url: string): Page<T> {
  const record = body as Record<string, unknown> | null;
  const items = record?.[key];
  const meta = record?.meta as Record<string, unknown> | undefined;
  const next = meta?.next_page_url;
  if (
    !Array.isArray(items) ||
    !meta ||
    typeof meta !== "object" ||
    (next !== null && typeof next !== "string")
  ) {
    throw new ResponseShapeError(
      `GET ${pathOf(url)}: unexpected response shape (expected '${key}' and 'meta.next_page_url')`,
    );
  }
  for (const item of items) {
    if (!item || typeof item !== "object" || typeof (item as { sid?: unknown }).sid !== "string") {
      throw new ResponseShapeError(`GET ${pathOf(url)}: an item in '${key}' has no sid`);
    }
  }
  return { items: items as T[], meta: meta as unknown as PageMeta };
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}
