/**
 * API v2010 lists (Messages, Calls, Media, Recordings, Transcriptions): the same `PageSize`/`Page`/
 * `PageToken` as Proxy (up to 1000 per page, as Twilio serves them), but v2010's own envelope — the items
 * and `start`, `end`, `page`, `page_size`, `uri`, `first_page_uri`, `next_page_uri`, `previous_page_uri`
 * at the top level, URIs relative to the API host, filters kept in them.
 */
import type { DeletedAnchor } from "./options.js";
import { encodeToken, type Locate, MAX_PAGE_SIZE, parsePageRequest, readPage } from "./paging.js";
import type { Indexed, SortedIndex } from "./sorted-index.js";

export interface Page2010<T extends Indexed, R> {
  /** The list's path, e.g. `/2010-04-01/Accounts/AC…/Messages.json`. */
  path: string;
  key: string;
  index: SortedIndex<T>;
  locate: Locate;
  query: URLSearchParams;
  deletedAnchor: DeletedAnchor;
  render: (item: T) => R;
  /** The list's filters (`To`, `DateSent<`, …) and anything else hidden (an archived record). */
  accept?: (item: T) => boolean;
}

const PAGING_PARAMS = new Set(["PageSize", "Page", "PageToken"]);

export function list2010Body<T extends Indexed, R>(list: Page2010<T, R>): Record<string, unknown> {
  const request = parsePageRequest(list.query);
  const page = readPage(
    list.index,
    request,
    list.locate,
    { maxItems: MAX_PAGE_SIZE, deletedAnchor: list.deletedAnchor },
    list.accept,
  );
  const filters = new URLSearchParams([...list.query].filter(([name]) => !PAGING_PARAMS.has(name)));
  const prefix = filters.size > 0 ? `${filters}&` : "";
  const base = `${list.path}?${prefix}PageSize=${request.pageSize}`;
  const withToken = request.token ? `&PageToken=${request.token.raw}` : "";
  const start = request.page * request.pageSize;
  return {
    [list.key]: page.items.map(list.render),
    end: page.items.length > 0 ? start + page.items.length - 1 : start,
    first_page_uri: `${base}&Page=0`,
    next_page_uri: page.next
      ? `${base}&Page=${request.page + 1}&PageToken=${encodeToken("after", page.next.sid)}`
      : null,
    page: request.page,
    page_size: request.pageSize,
    previous_page_uri: page.previous
      ? `${base}&Page=${Math.max(0, request.page - 1)}&PageToken=${encodeToken("before", page.previous.sid)}`
      : null,
    start,
    uri: `${base}&Page=${request.page}${withToken}`,
  };
}
