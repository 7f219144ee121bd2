/**
 * Counters of API requests (never of /__emulator/ ones), so a test can prove a command sent nothing, or
 * exactly what it sent. Every API request counts in `total` and `by_method`; it then ends up in exactly
 * one of `by_status` (answered), `destroyed` (connection cut mid-response) or `hung` (never answered).
 */

export interface RequestCounters {
  total: number;
  by_status: Record<string, number>;
  by_method: Record<string, number>;
  in_flight: number;
  max_in_flight: number;
  destroyed: number;
  hung: number;
}

export class RequestStats {
  private total = 0;
  private byStatus: Record<string, number> = {};
  private byMethod: Record<string, number> = {};
  private maxInFlight = 0;
  private destroyedCount = 0;
  private hungCount = 0;
  /** Live, so not zeroed by reset(): requests already in flight are still in flight. */
  inFlight = 0;

  arrived(method: string): void {
    this.total++;
    this.byMethod[method] = (this.byMethod[method] ?? 0) + 1;
  }

  answered(status: number): void {
    const key = String(status);
    this.byStatus[key] = (this.byStatus[key] ?? 0) + 1;
  }

  enter(): void {
    this.inFlight++;
    if (this.inFlight > this.maxInFlight) this.maxInFlight = this.inFlight;
  }

  leave(): void {
    this.inFlight--;
  }

  destroyed(): void {
    this.destroyedCount++;
  }

  hung(): void {
    this.hungCount++;
  }

  reset(): void {
    this.total = 0;
    this.byStatus = {};
    this.byMethod = {};
    this.maxInFlight = this.inFlight;
    this.destroyedCount = 0;
    this.hungCount = 0;
  }

  snapshot(): RequestCounters {
    return {
      total: this.total,
      by_status: { ...this.byStatus },
      by_method: { ...this.byMethod },
      in_flight: this.inFlight,
      max_in_flight: this.maxInFlight,
      destroyed: this.destroyedCount,
      hung: this.hungCount,
    };
  }
}
