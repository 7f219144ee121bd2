import { describe, expect, it } from "vitest";
import { retryDelay } from "../../src/api/client.js";
import { AdaptiveLimiter } from "../../src/purge/adaptive-limiter.js";

describe("AdaptiveLimiter", () => {
  it("admits up to its ceiling, then queues", async () => {
    const limiter = new AdaptiveLimiter(2);
    await limiter.acquire();
    await limiter.acquire();
    let third = false;
    const pending = limiter.acquire().then(() => {
      third = true;
    });
    await Promise.resolve();
    expect(third).toBe(false);
    limiter.release(204);
    await pending;
    expect(third).toBe(true);
  });

  it("drops below the in-flight count on a 429, then probes back up after successes", async () => {
    const limiter = new AdaptiveLimiter(10);
    for (let i = 0; i < 10; i++) await limiter.acquire();
    limiter.release(429); // 10 were on the wire: the account allows at most 9
    expect(limiter.limit).toBe(9);
    for (let i = 0; i < 9; i++) limiter.release(204);
    // 4 × limit successes (at least 20) before one step up
    for (let round = 0; round < 36; round++) {
      await limiter.acquire();
      limiter.release(204);
    }
    expect(limiter.limit).toBe(10);
    expect(limiter.throttled).toBe(1);
  });

  it("never goes below 1 nor above its ceiling", async () => {
    const limiter = new AdaptiveLimiter(3);
    await limiter.acquire();
    limiter.release(429);
    expect(limiter.limit).toBe(1);
    for (let round = 0; round < 1000; round++) {
      await limiter.acquire();
      limiter.release(204);
    }
    expect(limiter.limit).toBe(3);
  });
});

describe("retryDelay", () => {
  it("honours Retry-After, capped at 20 s", () => {
    expect(retryDelay(1, 429, 2000)).toBeGreaterThanOrEqual(2000);
    expect(retryDelay(1, 429, 3_600_000)).toBeLessThanOrEqual(20_100);
  });

  it("uses full jitter below an exponential ceiling, and gives up after the budget", () => {
    for (let attempt = 1; attempt <= 12; attempt++) {
      const delay = retryDelay(attempt, 429, undefined);
      expect(delay).toBeGreaterThan(0);
      expect(delay).toBeLessThanOrEqual(1 + Math.min(10_000, 50 * 2 ** (attempt - 1)));
    }
    expect(retryDelay(13, 429, undefined)).toBe(0);
    expect(retryDelay(5, 503, undefined)).toBeGreaterThan(0);
    expect(retryDelay(6, 503, undefined)).toBe(0);
  });
});
