import type { RequestGate } from "../api/client.js";

/**
 * How many requests purge keeps on the wire. Twilio publishes no concurrency limit and accounts differ
 * (a new one may allow a single request in flight); going over it is answered 429 / 20429
 * (https://www.twilio.com/docs/errors/20429), never processed. So the limit adapts:
 *
 * - on a 429 with n of our requests on the wire, the account allows fewer than n: the limit drops to
 *   n - 1 (and never rises because of it). Unlike halving (AIMD), this keeps the pipeline full;
 * - after a run of successes (4 × limit, at least 20) it probes one higher, up to the `--concurrency`
 *   ceiling. At the account's limit that costs about one 429 per probe: well under 5% of requests.
 *
 * Hand-written: the npm limiters (p-limit, bottleneck) have fixed or rate-based limits, not this.
 */
export class AdaptiveLimiter implements RequestGate {
  private limitValue: number;
  private inFlight = 0;
  private successesSinceChange = 0;
  private readonly waiting: (() => void)[] = [];
  throttled = 0;

  constructor(private readonly ceiling: number) {
    this.limitValue = ceiling;
  }

  get limit(): number {
    return this.limitValue;
  }

  acquire(): Promise<void> {
    if (this.inFlight < this.limitValue) {
      this.inFlight++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(status: number | null): void {
    const onTheWire = this.inFlight;
    this.inFlight--;
    if (status === 429) {
      this.throttled++;
      this.limitValue = Math.max(1, Math.min(this.limitValue, onTheWire - 1));
      this.successesSinceChange = 0;
    } else if (status !== null && status < 500) {
      this.successesSinceChange++;
      if (this.limitValue < this.ceiling && this.successesSinceChange >= Math.max(20, 4 * this.limitValue)) {
        this.limitValue++;
        this.successesSinceChange = 0;
      }
    }
    this.admit();
  }

  private admit(): void {
    while (this.inFlight < this.limitValue && this.waiting.length > 0) {
      this.inFlight++;
      this.waiting.shift()?.();
    }
  }
}
