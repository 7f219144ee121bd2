/**
 * Twilio's list paging: `PageSize` (1–1000, default 50), `Page` (client state only, echoed back) and an
 * opaque `PageToken` the server hands out in `next_page_url`/`previous_page_url`. Tokens are keyset
 * cursors — "PA" (after) or "PB" (before) and the base64url of the boundary item's sort key — so a client
 * that deletes what it has listed still gets every remaining item exactly once.
 */
import type { PageMeta } from "./api-types.js";
import { invalidParameter } from "./errors.js";
import { isAnySid } from "./sids.js";
import type { Indexed, SortedIndex, SortKey } from "./sorted-index.js";

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;

export interface PageToken {
  direction: "after" | "before";
  key: SortKey;
  raw: string;
}

export interface PageRequest {
  pageSize: number;
  page: number;
  token: PageToken | null;
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
  return { pageSize, page: pageNumber, token: token === null ? null : decodeToken(token) };
}

export function encodeToken(direction: PageToken["direction"], key: SortKey): string {
  const prefix = direction === "after" ? "PA" : "PB";
  return prefix + Buffer.from(`${key.createdMs}_${key.sid}`).toString("base64url");
}

function decodeToken(raw: string): PageToken {
  const prefix = raw.slice(0, 2);
  const decoded = Buffer.from(raw.slice(2), "base64url").toString("utf8");
  const match = /^(\d{1,15})_(\w+)$/.exec(decoded);
  const createdMs = Number(match?.[1]);
  const sid = match?.[2] ?? "";
  if ((prefix !== "PA" && prefix !== "PB") || !match || !isAnySid(sid)) {
    throw invalidParameter(`Invalid PageToken '${raw}'`);
  }
  return { direction: prefix === "PA" ? "after" : "before", key: { createdMs, sid }, raw };
}

/** Exposed for the unit test of the token format; clients never decode tokens. */
export const decodePageTokenForTest = decodeToken;

export interface PageOf<T> {
  items: T[];
  next: SortKey | null;
  previous: SortKey | null;
}

/** One page of live items, and the keys to continue from in either direction (null when nothing is there). */
export function readPage<T extends Indexed>(index: SortedIndex<T>, request: PageRequest): PageOf<T> {
  const { token, pageSize } = request;
  if (token?.direction === "before") {
    const slice = index.before(token.key, pageSize);
    const first = slice.items[0];
    const last = slice.items.at(-1);
    return {
      items: slice.items,
      previous: slice.more && first ? first : null,
      next: last && index.after(last, 1).items.length > 0 ? last : null,
    };
  }
  const slice = index.after(token?.key ?? null, pageSize);
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
      ? `${base}&Page=${request.page + 1}&PageToken=${encodeToken("after", page.next)}`
      : null,
    previous_page_url: page.previous
      ? `${base}&Page=${Math.max(0, request.page - 1)}&PageToken=${encodeToken("before", page.previous)}`
      : null,
    page: request.page,
    page_size: request.pageSize,
  };
}

/** A whole list response: `{ [key]: [...], meta }`. */
export function listBody<T extends Indexed, R>(
  origin: string,
  path: string,
  key: string,
  index: SortedIndex<T>,
  query: URLSearchParams,
  render: (item: T) => R,
): Record<string, unknown> {
  const request = parsePageRequest(query);
  const page = readPage(index, request);
  return { [key]: page.items.map(render), meta: pageMeta(origin, path, key, request, page) };
}
