/**
 * Reads several sources at once (the Interaction pages of several Sessions) and hands out what they
 * read in source order: all of the first Session's pages, then the second's, … so the output keeps each
 * Session's order while the next Sessions are already being read. Each source reads at most `AHEAD`
 * pages before it waits for its pages to be taken, so memory is bounded by `width × AHEAD` pages.
 *
 * Hand-written: the npm stream helpers either merge without order (it-merge, p-map with no order) or
 * keep order without reading ahead (for await … of).
 */

const AHEAD = 2;

export type Ordered<S, P> =
  | { source: S; page: P }
  /** The source failed: nothing more comes from it (the pages before the error came first). */
  | { source: S; error: unknown };

export async function* readInOrder<S, P>(
  sources: AsyncIterable<S>,
  width: number,
  open: (source: S) => AsyncIterable<P>,
  /** Called when a source has been read to its end (or failed), in source order. */
  onSourceDone?: (source: S) => void,
): AsyncGenerator<Ordered<S, P>> {
  const iterator = sources[Symbol.asyncIterator]();
  const readers: Reader<S, P>[] = [];
  let exhausted = false;
  const fill = async () => {
    while (!exhausted && readers.length < width) {
      const next = await iterator.next();
      if (next.done) exhausted = true;
      else readers.push(new Reader(next.value, open));
    }
  };
  try {
    await fill();
    while (readers.length > 0) {
      const head = readers[0] as Reader<S, P>;
      const taken = await head.take();
      if (taken === DONE) {
        readers.shift();
        onSourceDone?.(head.source);
        await fill();
        continue;
      }
      if ("error" in taken) {
        readers.shift();
        yield { source: head.source, error: taken.error };
        onSourceDone?.(head.source);
        await fill();
        continue;
      }
      yield { source: head.source, page: taken.page };
    }
  } finally {
    for (const reader of readers) reader.cancel();
    if (!exhausted) await iterator.return?.();
  }
}

const DONE = Symbol("done");

class Reader<S, P> {
  private readonly buffer: ({ page: P } | { error: unknown })[] = [];
  private finished = false;
  private cancelled = false;
  private wakeTaker: (() => void) | null = null;
  private wakeReader: (() => void) | null = null;

  constructor(
    readonly source: S,
    open: (source: S) => AsyncIterable<P>,
  ) {
    void this.run(open);
  }

  private async run(open: (source: S) => AsyncIterable<P>): Promise<void> {
    let pages: AsyncIterator<P> | undefined;
    try {
      pages = open(this.source)[Symbol.asyncIterator]();
      for (;;) {
        while (this.buffer.length >= AHEAD && !this.cancelled) {
          await new Promise<void>((resolve) => {
            this.wakeReader = resolve;
          });
        }
        if (this.cancelled) break;
        const next = await pages.next();
        if (next.done || this.cancelled) break;
        this.buffer.push({ page: next.value });
        this.wake();
      }
    } catch (error) {
      this.buffer.push({ error });
    } finally {
      this.finished = true;
      this.wake();
      if (this.cancelled) await pages?.return?.(undefined)?.catch(() => undefined);
    }
  }

  async take(): Promise<{ page: P } | { error: unknown } | typeof DONE> {
    while (this.buffer.length === 0 && !this.finished) {
      await new Promise<void>((resolve) => {
        this.wakeTaker = resolve;
      });
    }
    const item = this.buffer.shift();
    const wakeReader = this.wakeReader;
    this.wakeReader = null;
    wakeReader?.();
    return item ?? DONE;
  }

  cancel(): void {
    this.cancelled = true;
    const wakeReader = this.wakeReader;
    this.wakeReader = null;
    wakeReader?.();
  }

  private wake(): void {
    const wakeTaker = this.wakeTaker;
    this.wakeTaker = null;
    wakeTaker?.();
  }
}
