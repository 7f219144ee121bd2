/** Items buffered before the lists pause until the consumer catches up (a slow pipe, a table). */
const HIGH_WATER = 1000;

/**
 * The items of several async sources, read `concurrency` sources at a time, in the order they arrive
 * (each source's own order kept). The first error of any source ends the whole; a consumer that stops
 * early (`break`) stops the sources at their next item. Written out because the merge helpers on npm
 * either read every source at once or buffer without bound.
 */
export async function* mergeConcurrently<T>(
  sources: Iterable<() => AsyncIterable<T>>,
  concurrency: number,
): AsyncGenerator<T> {
  const pending = sources[Symbol.iterator]();
  const buffered: T[] = [];
  const paused: (() => void)[] = [];
  let wake: (() => void) | null = null;
  let running = 0;
  let stopped = false;
  /** The first error of any source (an array: TypeScript cannot see callbacks assign a variable). */
  const failures: unknown[] = [];

  const notify = () => {
    const resume = wake;
    wake = null;
    resume?.();
  };
  const drain = async (source: () => AsyncIterable<T>) => {
    for await (const item of source()) {
      if (stopped) return;
      buffered.push(item);
      notify();
      if (buffered.length >= HIGH_WATER) await new Promise<void>((resume) => paused.push(resume));
    }
  };
  const start = () => {
    while (!stopped && running < concurrency) {
      const next = pending.next();
      if (next.done) return;
      running++;
      drain(next.value)
        .catch((error: unknown) => {
          failures.push(error);
          stopped = true;
        })
        .finally(() => {
          running--;
          start();
          notify();
        });
    }
  };

  start();
  try {
    for (;;) {
      if (failures.length > 0) throw failures[0];
      if (buffered.length > 0) {
        const items = buffered.splice(0);
        for (const resume of paused.splice(0)) resume();
        yield* items;
        continue;
      }
      if (running === 0) return;
      await new Promise<void>((resume) => {
        wake = resume;
      });
    }
  } finally {
    stopped = true;
    for (const resume of paused.splice(0)) resume();
  }
}
