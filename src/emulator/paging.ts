/**
 * Twilio's list paging: `PageSize` (1–1000, default 50), `Page` (client state only, echoed back) and a
 * `PageToken` the server hands out in `next_page_url`/`previous_page_url`. As on Twilio, a token is "PA"
 * (after) or "PB" (before) followed by the SID of the page's last (or first) item, so deleting what was
 * listed never makes the next page skip or repeat an item — unless the token's own anchor was deleted,
 * which Twilio leaves undocumented and the `deletedAnchor` policy decides (docs/emulator.md).
 */
import type { PageMeta } from "./api-types.js";
import { ApiError, invalidParameter } from "./errors.js";
import type { DeletedAnchor } from "./options.js";
import { isAnySid } from "./sids.js";
import type { Indexed, SortedIndex } from "./sorted-index.js";

export const DEFAULT_PAGE_SIZE = 50;
/** The largest `PageSize` a request may ask for (the spec's maximum); lists may answer fewer. */
export const MAX_PAGE_SIZE = 1000;

export interface PageToken {
  direction: "after" | "before";
  sid: string;
  raw: string;
}

export interface PageRequest {
  /** As asked (and echoed in `meta.page_size` and the page URLs). */
  pageSize: number;
  page: number;
  token: PageToken | null;
}

/** How a list pages: where its URLs point, how many items a page may hold, and what a deleted anchor does. */
export interface ListPolicy {
  /** Prefixed to the request path in `meta` URLs (the emulator's origin, or https://proxy.twilio.com). */
  origin: string;
  /** Items per page at most, whatever `PageSize` says. */
  maxItems: number;
  deletedAnchor: DeletedAnchor;
}

const DIGITS = /^\d+$/;

export function parsePageRequest(query: URLSearchParams): PageRequest {
  const size = query.get("PageSize");
  const page = query.get("Page");
  const token = query.get("PageToken");
  let pageSize = DEFAULT_PAGE_SIZE;
  if (size !== null) {
    pageSize = DIGITS.test(size) ? Number(size) : Number.NaN;
    if (!(pageSize >= 1 && pageSize <= MAX_PAGE_SIZE)) {
      throw invalidParameter(`Invalid PageSize '${size}': must be an integer from 1 to ${MAX_PAGE_SIZE}`);
    }
  }
  let pageNumber = 0;
  if (page !== null) {
    pageNumber = DIGITS.test(page) ? Number(page) : Number.NaN;
    if (!Number.isSafeInteger(pageNumber)) {
      throw invalidParameter(`Invalid Page '${page}': must be an integer >= 0`);
    }
  }
  // Twilio pages by token only: a page number alone cannot be honoured, and Twilio answers 400/20001.
  if (pageNumber > 0 && token === null) {
    throw invalidParameter(`Invalid Page '${page}': a Page greater than 0 needs the PageToken of its URL`);
  }
  return { pageSize, page: pageNumber, token: token === null ? null : decodeToken(token) };
}

export function encodeToken(direction: PageToken["direction"], sid: string): string {
  return (direction === "after" ? "PA" : "PB") + sid;
}

function decodeToken(raw: string): PageToken {
  const prefix = raw.slice(0, 2);
  const sid = raw.slice(2);
  if ((prefix !== "PA" && prefix !== "PB") || !isAnySid(sid)) {
    throw invalidParameter(`Invalid PageToken '${raw}'`);
  }
  return { direction: prefix === "PA" ? "after" : "before", sid, raw };
}

/** Exposed for the unit test of the token format; clients never decode tokens. */
export const decodePageTokenForTest = decodeToken;

export interface PageOf<T> {
  items: T[];
  next: Indexed | null;
  previous: Indexed | null;
}

/** An item of the list being read, live or deleted, by SID; undefined when the SID was never in it. */
export type Locate = (sid: string) => Indexed | undefined;

const EMPTY: PageOf<never> = { items: [], next: null, previous: null };

/** One page of live items, and the items to continue from in either direction (null when nothing is there). */
export function readPage<T extends Indexed>(
  index: SortedIndex<T>,
  request: PageRequest,
  locate: Locate,
  policy: Pick<ListPolicy, "maxItems" | "deletedAnchor">,
): PageOf<T> {
  const { token } = request;
  const size = Math.min(request.pageSize, policy.maxItems);
  const anchor = token ? (locate(token.sid) ?? null) : null;
  if (token && !anchor) throw invalidParameter(`Invalid PageToken '${token.raw}'`);
  if (anchor && !anchor.live) {
    if (policy.deletedAnchor === "empty") return EMPTY;
    if (policy.deletedAnchor === "error") {
      throw new ApiError(400, 20001, `Invalid PageToken '${token?.raw}': the item it names no longer exists`);
    }
    // "ignore": carry on from where the deleted item sorted, as a keyset cursor would.
  }
  if (anchor && token?.direction === "before") {
    const slice = index.before(anchor, size);
    const first = slice.items[0];
    const last = slice.items.at(-1);
    return {
      items: slice.items,
      previous: slice.more && first ? first : null,
      next: last && index.after(last, 1).items.length > 0 ? last : null,
    };
  }
  const slice = index.after(anchor, size);
  const first = slice.items[0];
  const last = slice.items.at(-1);
  return {
    items: slice.items,
    // Only link to a next page that has something on it, as Twilio's clients stop on a null link.
    next: slice.more && last ? last : null,
    previous: first && index.before(first, 1).items.length > 0 ? first : null,
  };
}

export function pageMeta(
  origin: string,
  path: string,
  key: string,
  request: PageRequest,
  page: PageOf<unknown>,
): PageMeta {
  const base = `${origin}${path}?PageSize=${request.pageSize}`;
  const withToken = request.token ? `&PageToken=${request.token.raw}` : "";
  return {
    key,
    url: `${base}&Page=${request.page}${withToken}`,
    first_page_url: `${base}&Page=0`,
    next_page_url: page.next
      ? `${base}&Page=${request.page + 1}&PageToken=${encodeToken("after", page.next.sid)}`
      : null,
    previous_page_url: page.previous
      ? `${base}&Page=${Math.max(0, request.page - 1)}&PageToken=${encodeToken("before", page.previous.sid)}`
      : null,
    page: request.page,
    page_size: request.pageSize,
  };
}

/** A whole list response: `{ [key]: [...], meta }`. */
export function listBody<T extends Indexed, R>(
  policy: ListPolicy,
  path: string,
  key: string,
  index: SortedIndex<T>,
  locate: Locate,
  query: URLSearchParams,
  render: (item: T) => R,
): Record<string, unknown> {
  const request = parsePageRequest(query);
  const page = readPage(index, request, locate, policy);
  return { [key]: page.items.map(render), meta: pageMeta(policy.origin, path, key, request, page) };
}
