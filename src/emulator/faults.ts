/**
 * Fault injection for reliability and performance work: latency, a concurrency limit (429/20429), server
 * errors, connections cut mid-response, requests never answered, and legal hold (checked by the routes).
 * Fault dice use Math.random: seed data must be reproducible, fault timing need not be.
 */
import type { FaultOptions } from "./options.js";

/** 500/503 are answered without processing; "destroy" processes first, then cuts the connection. */
export type Failure = "500" | "503" | "destroy";

export class FaultInjector {
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly faults: () => Readonly<FaultOptions>) {}

  /** An arriving request is refused when this many are already in flight (0 = no limit). */
  refuses(inFlight: number): boolean {
    const limit = this.faults().maxConcurrency;
    return limit > 0 && inFlight >= limit;
  }

  /** Headers for a 429: Retry-After only when configured, since Twilio does not promise it. */
  tooManyHeaders(): Record<string, string> {
    const retryAfter = this.faults().retryAfter;
    return retryAfter === null ? {} : { "Retry-After": String(retryAfter) };
  }

  delayMs(): number {
    const { latency, jitter } = this.faults();
    return Math.max(0, latency + (jitter > 0 ? (Math.random() * 2 - 1) * jitter : 0));
  }

  failure(): Failure | null {
    const rate = this.faults().failRate;
    if (rate <= 0 || Math.random() >= rate) return null;
    const kinds: readonly Failure[] = ["500", "503", "destroy"];
    return kinds[Math.floor(Math.random() * kinds.length)] ?? "500";
  }

  hangs(): boolean {
    const rate = this.faults().hangRate;
    return rate > 0 && Math.random() < rate;
  }

  /** A delay that close() can cancel, so a closed emulator leaves no timers holding the process open. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  cancelAll(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
