import { describe, expect, it } from "vitest";
import { retryDelay } from "../../src/api/client.js";
import { AdaptiveLimiter } from "../../src/purge/adaptive-limiter.js";

/**
 * A discrete-event simulation of an account with a concurrency limit: the limiter is driven by a virtual
 * clock, so what it does at C = 1…100 is checked exactly and fast, without timing anything. A request
 * that arrives while `limit(t)` requests of the account (ours plus `others(t)`) are in flight is
 * refused at once with a 429 and tried again; the others are answered after `latency`.
 */
interface Account {
  limit(t: number): number;
  others?(t: number): number;
  latency: number;
  /** Send the Twilio-Concurrent-Requests header. */
  header: boolean;
  /**
   * As proxy-ix runs: a refused request waits out the client's retry backoff (retryDelay) before it is
   * tried again, and only as many workers are busy as the limiter allows (purge's "room"), so a
   * backoff leaves its place on the account unused. Without it, a refused request is retried at once
   * by one of 100 workers.
   */
  asRun?: boolean;
}

interface Outcome {
  elapsed: number;
  throttled: number;
  /** Successful requests × latency ÷ limit, over the elapsed time (1 = the account's limit all the time). */
  efficiency: number;
  /** Successes per simulated time unit in [from, to). */
  rate(from: number, to: number): number;
}

async function simulate(
  limiter: AdaptiveLimiter,
  account: Account,
  requests: number,
  workers = 100,
): Promise<Outcome> {
  let now = 0;
  const timers: { at: number; seq: number; fire(): void }[] = [];
  let seq = 0;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      timers.push({ at: now + ms, seq: seq++, fire: resolve });
    });
  let inFlight = 0;
  let remaining = requests;
  let throttled = 0;
  const successes: number[] = [];
  const header = (n: number) => (account.header ? n + (account.others?.(now) ?? 0) : undefined);

  // purge's room (engine.ts): a worker starts on a request only while fewer than the limit are busy.
  let busy = 0;
  const roomWaiters: (() => void)[] = [];
  const enter = async () => {
    while (account.asRun && busy >= limiter.limit) {
      await new Promise<void>((resolve) => roomWaiters.push(resolve));
    }
    busy++;
  };
  const leave = () => {
    busy--;
    for (const wake of roomWaiters.splice(0)) wake();
  };

  async function worker(): Promise<void> {
    while (remaining > 0) {
      await enter();
      if (remaining <= 0) {
        leave();
        break;
      }
      remaining--;
      for (let attempt = 1; ; attempt++) {
        await limiter.acquire();
        const onAccount = inFlight + (account.others?.(now) ?? 0);
        if (onAccount >= account.limit(now)) {
          throttled++;
          const seen = header(inFlight + 1);
          await sleep(0.001);
          limiter.release(429, seen);
          if (account.asRun) await sleep(retryDelay(attempt, 429, undefined));
          continue;
        }
        inFlight++;
        await sleep(account.latency);
        const seen = header(inFlight);
        inFlight--;
        successes.push(now);
        limiter.release(200, seen);
        break;
      }
      leave();
    }
  }

  const running = Promise.all(Array.from({ length: workers }, () => worker()));
  let done = false;
  void running.then(() => {
    done = true;
  });
  while (!done) {
    await new Promise((resolve) => setImmediate(resolve));
    timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
    const next = timers.shift();
    if (!next) continue;
    now = next.at;
    next.fire();
  }
  const ideal = successes.length * account.latency;
  let capacity = 0;
  for (let t = 0; t < now; t += 1) capacity += account.limit(t) - (account.others?.(t) ?? 0);
  return {
    elapsed: now,
    throttled,
    efficiency: ideal / Math.max(1, capacity),
    rate: (from, to) => successes.filter((t) => t >= from && t < to).length / (to - from),
  };
}

describe("AdaptiveLimiter", () => {
  it("admits up to its limit, then queues", async () => {
    const limiter = new AdaptiveLimiter(2, 2);
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

  it("room: the limit plus the requests asleep for a retry delay, and a listener told when it grows", async () => {
    const limiter = new AdaptiveLimiter(10, 4);
    let told = 0;
    limiter.onRoom(() => told++);
    expect(limiter.room).toBe(4);
    limiter.resting(1);
    limiter.resting(1);
    expect([limiter.room, limiter.limit, told]).toEqual([6, 4, 2]);
    limiter.resting(-1);
    limiter.resting(-1);
    expect([limiter.room, told]).toEqual([4, 2]);
    // The requests on the wire are still bounded by the limit alone.
    for (let i = 0; i < 4; i++) await limiter.acquire();
    limiter.resting(1);
    let fifth = false;
    void limiter.acquire().then(() => {
      fifth = true;
    });
    await Promise.resolve();
    expect(fifth).toBe(false);
  });

  it("never goes below 1 nor above its ceiling", async () => {
    const limiter = new AdaptiveLimiter(3, 3);
    await limiter.acquire();
    limiter.release(429);
    expect(limiter.limit).toBe(1);
    for (let round = 0; round < 1000; round++) {
      await limiter.acquire();
      limiter.release(204);
    }
    expect(limiter.limit).toBe(3);
  });

  it("counts one burst once: W on the wire, k refused, the account allowed W − k", async () => {
    const limiter = new AdaptiveLimiter(100, 32);
    for (let i = 0; i < 32; i++) await limiter.acquire();
    for (let i = 0; i < 7; i++) limiter.release(429);
    for (let i = 0; i < 25; i++) limiter.release(204);
    expect(limiter.limit).toBe(25);
    expect(limiter.throttled).toBe(7);
  });

  for (const header of [false, true]) {
    describe(header ? "with Twilio-Concurrent-Requests" : "without the header", () => {
      for (const [limit, latency] of [
        [1, 20],
        [5, 20],
        [25, 50],
        [100, 150],
      ] as const) {
        it(`uses an account limit of ${limit} at >= 90% with < 5% of requests refused`, async () => {
          const requests = limit === 1 ? 1500 : 6000;
          const limiter = new AdaptiveLimiter();
          const outcome = await simulate(limiter, { limit: () => limit, latency, header }, requests);
          expect(outcome.efficiency).toBeGreaterThanOrEqual(0.9);
          expect(outcome.throttled / (requests + outcome.throttled)).toBeLessThan(0.05);
        });
      }

      for (const [limit, latency] of [
        [1, 20],
        [5, 20],
        [25, 50],
        [100, 150],
      ] as const) {
        it(`as purge runs it (backoff, room), uses an account limit of ${limit} at >= 90%`, async () => {
          const requests = limit === 1 ? 1500 : 6000;
          const limiter = new AdaptiveLimiter();
          const outcome = await simulate(
            limiter,
            { limit: () => limit, latency, header, asRun: true },
            requests,
          );
          expect(outcome.efficiency).toBeGreaterThanOrEqual(0.9);
          expect(outcome.throttled / (requests + outcome.throttled)).toBeLessThan(0.05);
        });
      }

      for (const [latency, asRun] of [
        [20, false],
        [50, true],
      ] as const) {
        it(`follows a limit that changes mid-run (50 → 5 → 50) at ${latency} ms${asRun ? " as purge runs it" : ""}`, async () => {
          const limiter = new AdaptiveLimiter();
          const limit = (t: number) => (t >= 6000 && t < 14000 ? 5 : 50);
          const requests = (40_000 * 20) / latency;
          const outcome = await simulate(limiter, { limit, latency, header, asRun }, requests);
          // The best one-second window that starts after `from` (once the requests sent before the
          // change are back) and ends within 5 s of it.
          const best = (from: number) =>
            Math.max(
              ...Array.from({ length: 16 }, (_, i) =>
                outcome.rate(from + 250 * (i + 1), from + 250 * i + 1250),
              ),
            );
          expect(outcome.elapsed).toBeGreaterThan(16_000);
          expect(outcome.throttled / (requests + outcome.throttled)).toBeLessThan(0.1);
          // Within 5 s of each change, throughput reaches 70% of the new limit (requests per ms).
          expect(best(6000)).toBeGreaterThanOrEqual((0.7 * 5) / latency);
          expect(best(14000)).toBeGreaterThanOrEqual((0.7 * 50) / latency);
        });
      }
    });
  }

  it("recovers quickly from a one-off burst that refused everything", async () => {
    const limiter = new AdaptiveLimiter();
    // Another client takes the whole account for 100 ms, then leaves.
    const others = (t: number) => (t >= 2000 && t < 2100 ? 25 : 0);
    const outcome = await simulate(limiter, { limit: () => 25, others, latency: 50, header: false }, 4000);
    expect(outcome.rate(2600, 4000)).toBeGreaterThanOrEqual((0.8 * 25) / 50);
  });

  it("with the header, does no worse than without when another client comes and goes", async () => {
    // Another client ramps up to 20 of the account's 40 between 1 s and 3 s, and leaves at 5 s.
    const others = (t: number) => (t < 1000 || t >= 5000 ? 0 : Math.min(20, Math.floor((t - 1000) / 100)));
    const account = { limit: () => 40, others, latency: 50 };
    const seeing = await simulate(new AdaptiveLimiter(), { ...account, header: true }, 6000);
    const blind = await simulate(new AdaptiveLimiter(), { ...account, header: false }, 6000);
    // Any one answer underestimates the others, so the header buys little here; it must never cost.
    expect(seeing.throttled).toBeLessThanOrEqual(blind.throttled * 1.25);
    expect(seeing.rate(5000, 6000)).toBeGreaterThanOrEqual(blind.rate(5000, 6000));
    expect(seeing.rate(5500, 6000)).toBeGreaterThanOrEqual((0.65 * 40) / 50);
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
