import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodePageTokenForTest,
  encodeToken,
  parsePageRequest,
  readPage,
} from "../../src/emulator/paging.js";
import { compareKeys, type Indexed, SortedIndex } from "../../src/emulator/sorted-index.js";

const IGNORE = { maxItems: 1000, deletedAnchor: "ignore" } as const;

function item(createdMs: number, n: number): Indexed {
  return { createdMs, sid: `KI${n.toString(16).padStart(32, "0")}`, live: true };
}

describe("SortedIndex", () => {
  it("orders newest first, ties by SID", () => {
    const index = new SortedIndex([item(1000, 2), item(3000, 1), item(1000, 1), item(2000, 9)]);
    expect(index.all().map((i) => [i.createdMs, i.sid.slice(-1)])).toEqual([
      [3000, "1"],
      [2000, "9"],
      [1000, "1"],
      [1000, "2"],
    ]);
  });

  it("pages by key (deleted anchors ignored): deleting anything between reads never skips or repeats a survivor", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 0, maxLength: 300 }),
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.nat(), { maxLength: 400 }),
        (times, pageSize, deletions) => {
          const items = times.map((t, n) => item(t * 1000, n));
          const index = new SortedIndex(items);
          const bySid = new Map(items.map((i) => [i.sid, i]));
          const order = [...items].sort(compareKeys);
          const deletedUnseen = new Set<Indexed>();
          const seen: Indexed[] = [];
          let request = parsePageRequest(new URLSearchParams(`PageSize=${pageSize}`));
          let d = 0;
          for (let guard = 0; guard < 1000; guard++) {
            const page = readPage(index, request, (sid) => bySid.get(sid), IGNORE);
            seen.push(...page.items);
            // Delete a few arbitrary items (seen or not) before reading the next page.
            for (let k = 0; k < 3 && d < deletions.length; k++, d++) {
              const victim = order[(deletions[d] ?? 0) % Math.max(1, order.length)];
              if (victim?.live && !seen.includes(victim)) deletedUnseen.add(victim);
              if (victim) index.remove(victim);
            }
            if (!page.next) break;
            const token = encodeToken("after", page.next.sid);
            request = parsePageRequest(new URLSearchParams(`PageSize=${pageSize}&PageToken=${token}`));
          }
          expect(new Set(seen).size).toBe(seen.length);
          expect(seen).toEqual(order.filter((i) => !deletedUnseen.has(i)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("keeps paging correct across compactions (many deletes)", () => {
    const items = Array.from({ length: 5000 }, (_, n) => item((n % 97) * 1000, n));
    const index = new SortedIndex(items);
    const order = [...items].sort(compareKeys);
    for (const victim of order.slice(0, 4000)) index.remove(victim);
    expect(index.size).toBe(1000);
    expect(index.after(null, 2000).items).toEqual(order.slice(4000));
    expect(index.after(order[4100] ?? null, 10).items).toEqual(order.slice(4101, 4111));
    expect(index.before(order[4100] ?? item(0, 0), 200).items).toEqual(order.slice(4000, 4100));
  });

  it("with deletedAnchor empty, a page after a deleted anchor is empty and links nowhere", () => {
    const items = Array.from({ length: 30 }, (_, n) => item(n * 1000, n));
    const index = new SortedIndex(items);
    const bySid = new Map(items.map((i) => [i.sid, i]));
    const first = readPage(index, parsePageRequest(new URLSearchParams("PageSize=10")), (s) => bySid.get(s), {
      maxItems: 100,
      deletedAnchor: "empty",
    });
    const anchor = first.next as Indexed;
    index.remove(bySid.get(anchor.sid) as Indexed);
    const request = parsePageRequest(new URLSearchParams(`PageSize=10&PageToken=PA${anchor.sid}`));
    const locate = (s: string) => bySid.get(s);
    expect(readPage(index, request, locate, { maxItems: 100, deletedAnchor: "empty" })).toEqual({
      items: [],
      next: null,
      previous: null,
    });
    expect(readPage(index, request, locate, IGNORE).items).toHaveLength(10);
    expect(() => readPage(index, request, locate, { maxItems: 100, deletedAnchor: "error" })).toThrow(
      /no longer exists/,
    );
  });

  it("answers at most maxItems per page whatever PageSize asks", () => {
    const items = Array.from({ length: 300 }, (_, n) => item(n * 1000, n));
    const index = new SortedIndex(items);
    const request = parsePageRequest(new URLSearchParams("PageSize=1000"));
    const page = readPage(index, request, () => undefined, { maxItems: 100, deletedAnchor: "empty" });
    expect(page.items).toEqual([...items].sort(compareKeys).slice(0, 100));
    expect(page.next?.sid).toBe(page.items[99]?.sid);
  });

  it("round-trips page tokens: PA/PB followed by the anchor's SID", () => {
    const sid = `KI${"ab".repeat(16)}`;
    expect(encodeToken("after", sid)).toBe(`PA${sid}`);
    expect(decodePageTokenForTest(encodeToken("after", sid))).toMatchObject({ direction: "after", sid });
    expect(decodePageTokenForTest(encodeToken("before", sid))).toMatchObject({ direction: "before", sid });
  });
});
