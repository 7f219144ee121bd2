/**
 * Seed data must be reproducible (same seed, same SIDs), so it comes from mulberry32, a tiny 32-bit PRNG
 * with good enough statistics for test data, and never from Math.random.
 */
export class Prng {
  private state: number;
  private readonly sidBytes = Buffer.alloc(16);

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A uint32. */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    return this.nextUint32() / 4_294_967_296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new RangeError("pick from an empty list");
    return item;
  }

  /** 32 lower-case hex digits: the body of a Twilio SID. */
  hex32(): string {
    // Buffer's native hex encoding is several times faster than padded toString(16) pieces, which matters
    // when seeding 100,000 interactions (three SIDs each).
    for (let i = 0; i < 4; i++) this.sidBytes.writeUInt32BE(this.nextUint32(), i * 4);
    return this.sidBytes.toString("hex");
  }

  /** Digits for a fake phone number. */
  digits(count: number): string {
    let out = "";
    for (let i = 0; i < count; i++) out += String(this.int(10));
    return out;
  }
}
