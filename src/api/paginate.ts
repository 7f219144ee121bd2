import { ForeignOriginError, ResponseShapeError } from "../errors.js";
import type { ApiClient } from "./client.js";
import type { PageMeta } from "./types.js";

export interface Page<T> {
  items: T[];
  meta: PageMeta;
}

/** Consecutive empty pages that still link onwards before we call the chain broken. */
const MAX_EMPTY_PAGES = 3;

/**
 * Pages of a Twilio list, as octokit's paginate does it: follow `meta.next_page_url` as the server
 * gives it (its PageToken is opaque; we never build one), stop when it is null. The caller may `break`
 * at any time. Only the path and query of a next page are used, and always on the list's own origin
 * (see nextPageUrl), so credentials stay home.
 *
 * Hand-written because got's own `paginate` cannot check each page's shape or detect a server that
 * links pages in a loop.
 */
export async function* paginate<T>(
  client: ApiClient,
  firstUrl: string,
  key: string,
  envelope: Envelope = "v1",
): AsyncGenerator<Page<T>> {
  const visited = new Set<string>();
  // The first SID of every page: a server that sends the same items again under new page tokens is
  // caught here (one entry per page, so memory grows with pages, not items).
  const firstSids = new Set<string>();
  const list = new URL(firstUrl);
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
    const page: Page<T> = checkPage<T>(envelope === "v2010" ? fromV2010(body) : body, key, url);
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
    url = page.meta.next_page_url === null ? null : nextPageUrl(page.meta.next_page_url, list);
  }
}

/** Twilio's API hosts, regional and edge ones included (`proxy.dublin.ie1.twilio.com`). */
function isTwilioHost(hostname: string): boolean {
  return hostname.endsWith(".twilio.com");
}

/**
 * Where the next page is read. As twilio-node does for regions and edges, only the path and query of
 * `next_page_url` are taken, and always sent to the configured origin: a region user whose next page
 * says `https://proxy.twilio.com/...` reads it from their own region. A next page on any host that is
 * neither ours nor Twilio's is refused before a connection is made, and one whose path leaves the list
 * being read (`.../KC…04/../KC…09/Interactions`) would answer another question: refused too.
 */
export function nextPageUrl(next: string, list: URL): string {
  let parsed: URL;
  try {
    parsed = new URL(next, list);
  } catch {
    throw new ResponseShapeError(`GET ${list.pathname}: the next page's URL is not a URL: stopping`);
  }
  const trusted =
    parsed.origin === list.origin || (parsed.protocol === "https:" && isTwilioHost(parsed.hostname));
  if (!trusted) {
    throw new ForeignOriginError(
      `refusing to send credentials to ${parsed.origin}: the next page is on a host that is neither the configured one (${list.origin}) nor Twilio's`,
    );
  }
  if (parsed.pathname !== list.pathname) {
    throw new ResponseShapeError(
      `GET ${list.pathname}: the next page belongs to another list (${parsed.pathname}): stopping`,
    );
  }
  return `${list.origin}${parsed.pathname}${parsed.search}`;
}

/** A page whose last item is held back (`held`) until the page after it has been read. */
export interface AnchoredPage<T> extends Page<T> {
  held: T[];
}

/**
 * Twilio's next-page token names the last item of the page (`PageToken=PA` + its SID), and what happens
 * when that item is deleted before the token is used is undocumented: the emulator's worst case ends
 * the listing there, silently. So a caller that deletes what it lists gets each page's last item only
 * once the next page has been read. Costs no request; the pipeline waits for one page at each boundary
 * as it did before.
 */
export async function* holdAnchors<T>(pages: AsyncIterable<Page<T>>): AsyncGenerator<AnchoredPage<T>> {
  let anchor: T[] = [];
  let meta: PageMeta | null = null;
  for await (const page of pages) {
    meta = page.meta;
    // The previous anchor's token has now been used: it can be released with this page.
    const items = [...anchor, ...page.items.slice(0, -1)];
    anchor = page.items.slice(-1);
    yield { items, held: anchor, meta };
  }
  if (meta !== null && anchor.length > 0) yield { items: anchor, held: [], meta };
}

/**
 * Where a list keeps its paging: Proxy (v1) in `meta.next_page_url` (absolute), API v2010 (Messages'
 * Media, Calls' Recordings, Recordings' Transcriptions) in a top-level `next_page_uri` relative to the host.
 */
export type Envelope = "v1" | "v2010";

/** A v2010 page in the v1 shape, so one check and one next-page rule serve both. */
function fromV2010(body: unknown): unknown {
  if (!body || typeof body !== "object" || Array.isArray(body)) return body;
  const record = body as Record<string, unknown>;
  if (!("next_page_uri" in record)) return body;
  return { ...record, meta: { next_page_url: record.next_page_uri } };
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
