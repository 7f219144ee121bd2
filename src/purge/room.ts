/**
 * How many items (Interactions, orphans) a deleting run has in progress at once, and the workers
 * waiting for a place. `size()` is asked each time, as it follows the adaptive limiter; `admit()` lets
 * waiting workers in when the size grew without anyone leaving (the limiter tells the engine so).
 */
export class Room {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly size: () => number) {}

  /** Resolves once there is a place, taking it. */
  enter(): Promise<void> {
    if (this.active < this.size()) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  leave(): void {
    this.active--;
    this.admit();
  }

  admit(): void {
    while (this.waiting.length > 0 && this.active < this.size()) {
      this.active++;
      this.waiting.shift()?.();
    }
  }
}
