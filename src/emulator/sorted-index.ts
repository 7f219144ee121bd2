/**
 * A list kept in Twilio's order (newest `date_created` first, ties by SID) that pages by key, not by
 * offset: a page token names the last item seen, so deleting items that were already listed cannot make
 * the next page skip or repeat anything. Deletion leaves a tombstone (the record's `live` flag) that lists
 * skip; the array is compacted once tombstones pass a quarter of it, which keeps both deletes and page
 * fetches O(log N + page size) amortised, even for 100,000 interactions in one session.
 */

export interface SortKey {
  readonly createdMs: number;
  readonly sid: string;
}

export interface Indexed extends SortKey {
  live: boolean;
}

export function compareKeys(a: SortKey, b: SortKey): number {
  if (a.createdMs !== b.createdMs) return b.createdMs - a.createdMs;
  return a.sid < b.sid ? -1 : a.sid > b.sid ? 1 : 0;
}

export interface Slice<T> {
  items: T[];
  /** Whether a live item exists beyond this slice, in the direction it was read. */
  more: boolean;
}

const MIN_TOMBSTONES_TO_COMPACT = 64;

export class SortedIndex<T extends Indexed> {
  private items: T[];
  private tombstones = 0;

  constructor(items: readonly T[] = []) {
    this.items = items.filter((item) => item.live).sort(compareKeys);
  }

  get size(): number {
    return this.items.length - this.tombstones;
  }

  /** Every live item, in order. O(N): for tests and state dumps, not for request paths. */
  all(): T[] {
    return this.items.filter((item) => item.live);
  }

  insert(item: T): void {
    this.items.splice(this.lowerBound(item), 0, item);
  }

  /** Marks the item deleted; it must belong to this index. */
  remove(item: T): void {
    if (!item.live) return;
    item.live = false;
    this.tombstones++;
    if (this.tombstones >= MIN_TOMBSTONES_TO_COMPACT && this.tombstones * 4 > this.items.length) {
      this.items = this.items.filter((i) => i.live);
      this.tombstones = 0;
    }
  }

  /**
   * Up to `size` live items sorting strictly after `key` (from the start when key is null); `accept`
   * filters them (a list's query), at O(items skipped).
   */
  after(key: SortKey | null, size: number, accept?: (item: T) => boolean): Slice<T> {
    const out: T[] = [];
    for (let i = key ? this.upperBound(key) : 0; i < this.items.length; i++) {
      const item = this.items[i] as T;
      if (!item.live || (accept && !accept(item))) continue;
      if (out.length === size) return { items: out, more: true };
      out.push(item);
    }
    return { items: out, more: false };
  }

  /** Up to `size` live items sorting strictly before `key`, returned in list order. */
  before(key: SortKey, size: number, accept?: (item: T) => boolean): Slice<T> {
    const out: T[] = [];
    for (let i = this.lowerBound(key) - 1; i >= 0; i--) {
      const item = this.items[i] as T;
      if (!item.live || (accept && !accept(item))) continue;
      if (out.length === size) return { items: out.reverse(), more: true };
      out.push(item);
    }
    return { items: out.reverse(), more: false };
  }

  /** First position whose item sorts at or after key. */
  private lowerBound(key: SortKey): number {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareKeys(this.items[mid] as T, key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** First position whose item sorts strictly after key. */
  private upperBound(key: SortKey): number {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareKeys(this.items[mid] as T, key) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
