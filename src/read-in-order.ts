/**
 * Reads several sources at once (the Interaction pages of several Sessions) and hands out what they
 * read in source order: all of the first Session's pages, then the second's, … so the output keeps each
 * Session's order while the next Sessions are already being read.
 *
 * - At most `width` sources are being read at once. One read to its end no longer counts, so a slow
 *   first Session (a request waiting out a 429) does not hold up the ones after it.
 * - The list of sources is read in the background, up to `LISTED × width` ahead of the readers, so its
 *   next page (of Sessions) is fetched while Interaction pages are read, not after them.
 * - Each source reads at most `AHEAD` pages before it waits for its pages to be taken, and at most
 *   `HELD × width` sources are held, so memory is bounded by `HELD × width × AHEAD` pages.
 *
 * Hand-written: the npm stream helpers either merge without order (it-merge, p-map with no order) or
 * keep order without reading ahead (for await … of).
 */

const AHEAD = 2;
const HELD = 2;
export const LISTED = 2;

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
  const listed: S[] = [];
  const readers: Reader<S, P>[] = [];
  let exhausted = false;
  let stopped = false;
  let listing = false;
  /** The source list's own error: thrown once the sources listed before it are handed out. */
  let listError = null as { error: unknown } | null;
  let wakeConsumer: (() => void) | null = null;
  const wake = () => {
    const resolve = wakeConsumer;
    wakeConsumer = null;
    resolve?.();
  };
  const reading = () => readers.reduce((n, reader) => n + (reader.finished ? 0 : 1), 0);
  /** Starts readers on listed sources while there is room; called whenever room may have been made. */
  const start = () => {
    while (!stopped && listed.length > 0 && reading() < width && readers.length < HELD * width) {
      readers.push(new Reader(listed.shift() as S, open, start));
      wake();
    }
    void list();
  };
  // One listing loop at a time, reading the sources ahead of the readers.
  const list = async (): Promise<void> => {
    if (listing) return;
    listing = true;
    try {
      while (!exhausted && !stopped && listed.length < LISTED * width) {
        const next = await iterator.next();
        if (next.done) exhausted = true;
        else listed.push(next.value);
        start();
        wake();
      }
    } catch (error) {
      exhausted = true;
      listError = { error };
      wake();
    } finally {
      listing = false;
    }
  };
  try {
    start();
    for (;;) {
      const head = readers[0];
      if (!head) {
        if (exhausted && !listing && listed.length === 0) {
          if (listError) throw listError.error;
          return;
        }
        await new Promise<void>((resolve) => {
          wakeConsumer = resolve;
        });
        continue;
      }
      const taken = await head.take();
      if (taken === DONE) {
        readers.shift();
        onSourceDone?.(head.source);
        start();
        continue;
      }
      if ("error" in taken) {
        readers.shift();
        yield { source: head.source, error: taken.error };
        onSourceDone?.(head.source);
        start();
        continue;
      }
      yield { source: head.source, page: taken.page };
    }
  } finally {
    stopped = true;
    for (const reader of readers) reader.cancel();
    if (!exhausted) await iterator.return?.();
  }
}

const DONE = Symbol("done");

class Reader<S, P> {
  private readonly buffer: ({ page: P } | { error: unknown })[] = [];
  /** Read to its end (or failed): what is left is in the buffer. */
  finished = false;
  private cancelled = false;
  private wakeTaker: (() => void) | null = null;
  private wakeReader: (() => void) | null = null;

  constructor(
    readonly source: S,
    open: (source: S) => AsyncIterable<P>,
    private readonly onFinished: () => void,
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
      this.onFinished();
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
