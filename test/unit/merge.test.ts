import { describe, expect, it } from "vitest";
import { mergeConcurrently } from "../../src/audit/merge.js";

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("mergeConcurrently", () => {
  it("yields every item of every source once, each source in its order, at most `concurrency` at a time", async () => {
    let active = 0;
    let most = 0;
    const sources = Array.from(
      { length: 10 },
      (_, s) =>
        async function* () {
          active++;
          most = Math.max(most, active);
          for (let i = 0; i < 5 + s; i++) {
            await tick();
            yield `${s}:${i}`;
          }
          active--;
        },
    );
    const items: string[] = [];
    for await (const item of mergeConcurrently(sources, 3)) items.push(item);
    expect(most).toBe(3);
    expect(items).toHaveLength(10 * 5 + 45);
    for (let s = 0; s < 10; s++) {
      const own = items.filter((item) => item.startsWith(`${s}:`));
      expect(own).toEqual(Array.from({ length: 5 + s }, (_, i) => `${s}:${i}`));
    }
  });

  it("ends with the first error of any source", async () => {
    const failing = async function* () {
      await tick();
      yield "a";
      throw new Error("page 2 failed");
    };
    const endless = async function* () {
      for (;;) {
        await tick();
        yield "b";
      }
    };
    const run = async () => {
      for await (const _ of mergeConcurrently([endless, failing], 2)) {
        // read on
      }
    };
    await expect(run()).rejects.toThrow("page 2 failed");
  });

  it("stops the sources when the consumer stops, and starts no more", async () => {
    const started: number[] = [];
    let pulled = 0;
    const sources = Array.from(
      { length: 5 },
      (_, s) =>
        async function* () {
          started.push(s);
          for (let i = 0; i < 100_000; i++) {
            await tick();
            pulled++;
            yield i;
          }
        },
    );
    for await (const _ of mergeConcurrently(sources, 2)) break;
    const after = pulled;
    for (let i = 0; i < 20; i++) await tick();
    expect(started).toEqual([0, 1]);
    expect(pulled - after).toBeLessThanOrEqual(2);
  });
});
