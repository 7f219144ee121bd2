import type { RequestGate } from "../api/client.js";

/** Twilio's per-account REST concurrency limit is commonly 100 requests in flight: the default ceiling. */
export const DEFAULT_CEILING = 100;
/** Where a run starts: enough to be fast on any account, few enough that a 1-request account sees few 429s. */
export const START = 8;
/** Growth is slow once the run has met the account's limit: one probe per this many × limit successes. */
const PROBE_PERIOD = 4;
/**
 * …and never more often than every this many successes (an account that allows 1 request at a time).
 * Each probe costs a 429 and its retry backoff, during which that Interaction holds its place: at an
 * account limit of 5, 64 (rather than 32) halves the 429s (1.6% in the simulation) and gains 2% of the
 * limit, and a raised limit is still found within about 2 s at 50 ms.
 */
const PROBE_MIN = 64;

/**
 * How many requests proxy-ix keeps on the wire. Going over the account's limit is answered 429 / 20429
 * (https://www.twilio.com/docs/errors/20429), never processed, but each 429 counts against the account
 * and slows its other clients, so the limit adapts, in the manner of TCP's congestion window:
 *
 * - **Slow start.** From `START`, one more per success (the limit doubles every round trip) until the
 *   first 429, or up to the level a burst of 429s interrupted.
 * - **On 429s.** With W requests on the wire when the first 429 of a round came back, and k of those W
 *   refused, the account allowed W − k at once: that is the new limit. Requests sent before the drop
 *   count only once each, so one burst does not ratchet the limit down to 1 (unless all W were refused).
 * - **Probing.** At the learnt level, one step up per `PROBE_PERIOD` × limit successes: at the account's
 *   limit that costs about one 429 in 4 × limit requests. The step doubles after each probe that drew no
 *   429, so a limit that was raised mid-run is found again in a few round trips.
 * - **Twilio-Concurrent-Requests.** Twilio's 20429 documentation points clients at this response header:
 *   the account's requests in flight, other clients' included. Where a 429 carries it, the account's
 *   limit is known (the header minus one); later answers show how much of it other clients use, and the
 *   run keeps to the rest: it gives way when they take more, and climbs quickly back to its share (never
 *   past it) when they leave. Without the header the limiter works from its own counts alone.
 *
 * Hand-written: the npm limiters (p-limit, bottleneck) have fixed or rate-based limits, not this.
 */
export class AdaptiveLimiter implements RequestGate {
  private limitValue: number;
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];
  /** Below this, slow start; at or above it, probing (unless Twilio-Concurrent-Requests shows room). */
  private threshold = Number.POSITIVE_INFINITY;
  private successesSinceStep = 0;
  private step = 1;
  private probed = false;
  /** Requests that were on the wire at the last drop and have not come back yet, and the 429s among them. */
  private pendingFromDrop = 0;
  private wireAtDrop = 0;
  private refusedSinceDrop = 0;
  /** From the Twilio-Concurrent-Requests header, when Twilio sends it. */
  private accountLimit: number | null = null;
  /** Other clients' requests in flight, as the header showed them lately (see shareShown). */
  private othersSeen = 0;
  /** Requests on the wire at the last success. */
  private lastGood = 1;
  /** Requests waiting out a retry delay after a 429 (e.g. a Retry-After): they hold no permit. */
  private restingCount = 0;
  private readonly roomListeners: (() => void)[] = [];
  throttled = 0;

  /**
   * @param ceiling the most requests ever on the wire (`--concurrency N`, or the default).
   * @param start where slow start begins (at most the ceiling).
   */
  constructor(
    private readonly ceiling: number = DEFAULT_CEILING,
    start: number = START,
  ) {
    this.limitValue = Math.max(1, Math.min(ceiling, start));
  }

  get limit(): number {
    return this.limitValue;
  }

  /**
   * How much work may be in progress (purge's room: one request per Interaction at a time): the limit,
   * plus the requests waiting out a retry delay after a 429. A request asleep for a Retry-After is not
   * on the wire, so it does not keep another from being sent; the limit alone still bounds the wire.
   */
  get room(): number {
    return this.limitValue + this.restingCount;
  }

  /** `listener` is called whenever the room grows because a request went to sleep. */
  onRoom(listener: () => void): void {
    this.roomListeners.push(listener);
  }

  resting(delta: 1 | -1): void {
    this.restingCount = Math.max(0, this.restingCount + delta);
    if (delta > 0) for (const listener of this.roomListeners) listener();
  }

  acquire(): Promise<void> {
    if (this.inFlight < this.limitValue) {
      this.inFlight++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /**
   * @param status the HTTP status of the attempt (null: no response).
   * @param concurrentRequests the Twilio-Concurrent-Requests header of the answer, when present.
   */
  release(status: number | null, concurrentRequests?: number): void {
    const onTheWire = this.inFlight;
    this.inFlight--;
    const fromBeforeDrop = this.pendingFromDrop > 0;
    if (fromBeforeDrop) this.pendingFromDrop--;
    if (status === 429) this.onThrottled(onTheWire, fromBeforeDrop, concurrentRequests);
    else if (status !== null && status < 500) this.onSuccess(onTheWire, concurrentRequests);
    this.admit();
  }

  private onThrottled(onTheWire: number, fromBeforeDrop: boolean, header: number | undefined): void {
    this.throttled++;
    if (header !== undefined && header > 0) this.accountLimit = header - 1;
    if (fromBeforeDrop) {
      // The same burst: the account allowed W − k of the W that were on the wire.
      this.refusedSinceDrop++;
    } else {
      this.wireAtDrop = onTheWire;
      this.refusedSinceDrop = 1;
      this.pendingFromDrop = onTheWire - 1;
    }
    this.setLimit(this.wireAtDrop - this.refusedSinceDrop);
    // A burst that refused every request on the wire says nothing about the level (another client may
    // have taken the account's capacity for a moment): slow start again, up to where the run last worked.
    this.threshold = this.refusedSinceDrop >= this.wireAtDrop ? this.lastGood : this.limitValue;
    this.step = 1;
    this.probed = false;
    this.successesSinceStep = 0;
  }

  private onSuccess(onTheWire: number, header: number | undefined): void {
    this.lastGood = onTheWire;
    const shown = this.shareShown(onTheWire, header);
    if (shown && shown.others > 0 && shown.share < this.limitValue) {
      // Other clients of the account use part of it: leave them their part rather than draw 429s.
      this.setLimit(shown.share);
      this.successesSinceStep = 0;
      return;
    }
    if (this.limitValue >= this.ceiling) return;
    if (this.limitValue < this.threshold || (shown && this.limitValue < shown.share)) {
      // Slow start: one more per success, so the limit doubles every round trip.
      this.setLimit(this.limitValue + 1);
      return;
    }
    this.successesSinceStep++;
    if (this.successesSinceStep < Math.max(PROBE_MIN, PROBE_PERIOD * this.limitValue)) return;
    this.successesSinceStep = 0;
    // The last probe drew no 429: the account allows more than we thought; climb faster.
    if (this.probed) this.step = Math.min(this.step * 2, this.ceiling);
    this.probed = true;
    this.setLimit(this.limitValue + this.step);
  }

  /**
   * What Twilio-Concurrent-Requests shows, once a 429 has told the account's limit: how many of the
   * account's requests in flight are other clients' (an underestimate: some of this run's requests are
   * still on their way to or from Twilio), and so this run's share of the limit (an overestimate). The
   * run grows quickly up to its share (e.g. after another client has finished), never past it; above it
   * only probing finds out whether the limit was raised.
   */
  private shareShown(
    onTheWire: number,
    header: number | undefined,
  ): { share: number; others: number } | null {
    if (header === undefined || this.accountLimit === null) return null;
    // The account just served `header` requests at once: it allows at least that many.
    this.accountLimit = Math.max(this.accountLimit, header);
    // Any one answer underestimates the others (this run's refused requests count on our side only), so
    // the highest recent figure is used, forgotten at one request per round trip.
    const others = Math.max(0, header - onTheWire);
    this.othersSeen = Math.max(others, this.othersSeen - 1 / this.limitValue);
    const seen = Math.round(this.othersSeen);
    return { share: Math.max(1, this.accountLimit - seen), others: seen };
  }

  private setLimit(value: number): void {
    this.limitValue = Math.max(1, Math.min(this.ceiling, value));
  }

  private admit(): void {
    while (this.inFlight < this.limitValue && this.waiting.length > 0) {
      this.inFlight++;
      this.waiting.shift()?.();
    }
  }
}
