/**
 * A set of Twilio SIDs (two letters + 32 hex digits) held as 128-bit keys in typed arrays: 16 bytes a
 * SID, in a table 3/8 to 3/4 full (open addressing), so 21–43 bytes a SID, against ~100 bytes for a string in
 * a `Set` — and no risk of a sliced string keeping a whole parsed page alive. Exact: one table per
 * two-letter prefix, so `SM…` and `CA…` with the same digits stay apart. The four words are mixed
 * into the hash, so SIDs that differ only in their last digits (test fixtures) still spread out.
 */
const SID = /^([A-Z]{2})([0-9a-fA-F]{32})$/;
const WORDS = 4;

class KeyTable {
  private slots = new Uint32Array(1024 * WORDS);
  private used = 0;
  /** The all-zero key marks an empty slot, so the SID whose digits are all 0 is kept apart. */
  private hasZero = false;

  add(key: Uint32Array): void {
    if (isZero(key)) {
      if (!this.hasZero) this.used++;
      this.hasZero = true;
      return;
    }
    // At most 3/4 full: linear probing on well-mixed keys stays short (~2.5 probes a miss) there.
    if ((this.used + 1) * 4 > (this.slots.length / WORDS) * 3) this.grow();
    if (this.insert(this.slots, key)) this.used++;
  }

  has(key: Uint32Array): boolean {
    if (isZero(key)) return this.hasZero;
    const mask = this.slots.length / WORDS - 1;
    for (let i = hash(key) & mask; ; i = (i + 1) & mask) {
      const at = i * WORDS;
      if (isEmpty(this.slots, at)) return false;
      if (equalAt(this.slots, at, key)) return true;
    }
  }

  get size(): number {
    return this.used;
  }

  get bytes(): number {
    return this.slots.byteLength;
  }

  /** true when the key was not there yet. */
  private insert(slots: Uint32Array, key: Uint32Array): boolean {
    const mask = slots.length / WORDS - 1;
    for (let i = hash(key) & mask; ; i = (i + 1) & mask) {
      const at = i * WORDS;
      if (isEmpty(slots, at)) {
        slots.set(key, at);
        return true;
      }
      if (equalAt(slots, at, key)) return false;
    }
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Uint32Array(old.length * 2);
    for (let at = 0; at < old.length; at += WORDS) {
      if (!isEmpty(old, at)) this.insert(this.slots, old.subarray(at, at + WORDS));
    }
  }
}

/** murmur3's finalizer over the xor of the four words. */
function hash(key: Uint32Array): number {
  let h = (key[0] as number) ^ (key[1] as number) ^ (key[2] as number) ^ (key[3] as number);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function isZero(key: Uint32Array): boolean {
  return key[0] === 0 && key[1] === 0 && key[2] === 0 && key[3] === 0;
}

function isEmpty(slots: Uint32Array, at: number): boolean {
  return slots[at] === 0 && slots[at + 1] === 0 && slots[at + 2] === 0 && slots[at + 3] === 0;
}

function equalAt(slots: Uint32Array, at: number, key: Uint32Array): boolean {
  return (
    slots[at] === key[0] && slots[at + 1] === key[1] && slots[at + 2] === key[2] && slots[at + 3] === key[3]
  );
}

export class SidSet {
  private readonly tables = new Map<string, KeyTable>();
  private readonly key = new Uint32Array(WORDS);

  /** Adds a SID; anything that is not a SID is ignored (and so never matches). */
  add(sid: string): void {
    const prefix = this.parse(sid);
    if (prefix === null) return;
    let table = this.tables.get(prefix);
    if (!table) {
      table = new KeyTable();
      this.tables.set(prefix, table);
    }
    table.add(this.key);
  }

  has(sid: string): boolean {
    const prefix = this.parse(sid);
    return prefix !== null && (this.tables.get(prefix)?.has(this.key) ?? false);
  }

  get size(): number {
    let size = 0;
    for (const table of this.tables.values()) size += table.size;
    return size;
  }

  /** The memory the tables hold. */
  get bytes(): number {
    let bytes = 0;
    for (const table of this.tables.values()) bytes += table.bytes;
    return bytes;
  }

  /** Reads the SID's digits into `this.key`; its prefix, or null when it is not a SID. */
  private parse(sid: string): string | null {
    const match = SID.exec(sid);
    if (!match) return null;
    const digits = (match[2] as string).toLowerCase();
    for (let word = 0; word < WORDS; word++) {
      this.key[word] = Number.parseInt(digits.slice(word * 8, word * 8 + 8), 16);
    }
    return match[1] as string;
  }
}
