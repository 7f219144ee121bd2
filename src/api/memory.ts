let gc: (() => void) | null | undefined;

/**
 * A full garbage collection, every so many pages of a long listing. V8 lets the heap grow with the
 * allocation rate, and a 1000-item page lives across awaits long enough to be promoted, so RSS grows
 * with N although nothing is retained (measured: heap after GC is the same at 10,000 and 100,000).
 * Node's own flags (--max-old-space-size) cannot be set from inside a running CLI, so we collect
 * explicitly: a few ms per page. Setting --expose-gc after start-up is not guaranteed by Node (its
 * docs call late flag changes undefined); if `gc` does not appear, this quietly does nothing.
 * node:v8 and node:vm load on first use: node:v8 alone costs ~3 ms of start-up.
 */
export async function collectGarbage(): Promise<void> {
  if (gc === undefined) {
    const [{ default: v8 }, { default: vm }] = await Promise.all([import("node:v8"), import("node:vm")]);
    v8.setFlagsFromString("--expose-gc");
    gc = (vm.runInNewContext("gc") as (() => void) | undefined) ?? null;
  }
  gc?.();
}
