import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LISTED, readInOrder } from "../../src/read-in-order.js";

/** Sources whose pages arrive after random delays: the output must still be in source order. */
function source(pages: number, delays: number[], open: { now: number; max: number }) {
  return async function* (): AsyncGenerator<number> {
    open.now++;
    open.max = Math.max(open.max, open.now);
    try {
      for (let page = 0; page < pages; page++) {
        await new Promise((resolve) => setTimeout(resolve, delays[page % delays.length] ?? 0));
        yield page;
      }
    } finally {
      open.now--;
    }
  };
}

async function* list<T>(items: T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}

describe("readInOrder", () => {
  it("hands out every page of every source, in source order, with at most `width` sources open", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat(4), { minLength: 0, maxLength: 12 }),
        fc.array(fc.nat(3), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 5 }),
        async (pageCounts, delays, width) => {
          const open = { now: 0, max: 0 };
          const seen: [number, number][] = [];
          const done: number[] = [];
          const sources = pageCounts.map((_, index) => index);
          for await (const read of readInOrder(
            list(sources),
            width,
            (index) => source(pageCounts[index] ?? 0, delays, open)(),
            (index) => done.push(index),
          )) {
            if ("page" in read) seen.push([read.source, read.page]);
          }
          expect(seen).toEqual(
            pageCounts.flatMap((count, index) => Array.from({ length: count }, (_, page) => [index, page])),
          );
          expect(done).toEqual(sources);
          expect(open.max).toBeLessThanOrEqual(width);
          expect(open.now).toBe(0);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("reads ahead while the first source is being consumed", async () => {
    const started: number[] = [];
    const reads = readInOrder(list([0, 1, 2]), 3, async function* (index) {
      started.push(index);
      yield index;
    });
    const first = await reads.next();
    expect(first.value).toEqual({ source: 0, page: 0 });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(started).toEqual([0, 1, 2]);
    await reads.return(undefined);
  });

  it("reads on past a slow first source: a source read to its end does not hold a place", async () => {
    const started: number[] = [];
    let releaseFirst = () => {};
    const first = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    const reads = readInOrder(list([0, 1, 2, 3, 4]), 2, async function* (index) {
      started.push(index);
      if (index === 0) await first;
      yield index;
    });
    const head = reads.next();
    await new Promise((resolve) => setTimeout(resolve, 5));
    // Sources 1, 2, 3 were read to their end while 0 is still waiting; 4 waits (at most 2 × width held).
    expect(started).toEqual([0, 1, 2, 3]);
    releaseFirst();
    expect((await head).value).toEqual({ source: 0, page: 0 });
    const rest: unknown[] = [];
    for await (const read of reads) rest.push("page" in read ? read.page : read.error);
    expect(rest).toEqual([1, 2, 3, 4]);
  });

  it("lists the next sources while the consumer waits on the first one", async () => {
    let listed = 0;
    async function* slowList(): AsyncGenerator<number> {
      for (let i = 0; i < 3; i++) {
        // The second "page" of the source list takes a while, as the next page of Sessions would.
        if (i === 1) await new Promise((resolve) => setTimeout(resolve, 2));
        listed++;
        yield i;
      }
    }
    let releaseFirst = () => {};
    const first = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    const reads = readInOrder(slowList(), 2, async function* (index) {
      if (index === 0) await first;
      yield index;
    });
    const head = reads.next();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(listed).toBe(3);
    releaseFirst();
    await head;
    await reads.return(undefined);
  });

  it("gives a source's error after its earlier pages, and goes on with the next source", async () => {
    const out: unknown[] = [];
    for await (const read of readInOrder(list(["a", "b"]), 2, async function* (name) {
      yield `${name}1`;
      if (name === "a") throw new Error("gone");
      yield `${name}2`;
    })) {
      out.push("page" in read ? read.page : `error ${(read.error as Error).message}`);
    }
    expect(out).toEqual(["a1", "error gone", "b1", "b2"]);
  });

  it("stops every reader and the source list when the consumer stops early", async () => {
    const open = { now: 0, max: 0 };
    let listed = 0;
    async function* many(): AsyncGenerator<number> {
      for (let i = 0; i < 1000; i++) {
        listed++;
        yield i;
      }
    }
    for await (const read of readInOrder(many(), 4, () => source(100, [1], open)())) {
      if ("page" in read && read.page === 2) break;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(open.now).toBe(0);
    // The 4 being read, the ones listed ahead of them, and at most one more asked for.
    expect(listed).toBeLessThanOrEqual(4 + LISTED * 4 + 1);
  });
});
