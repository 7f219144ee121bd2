// Memory of long runs (docs/performance.md, "Memory"). Node's heap flags (--max-semi-space-size,
// --max-old-space-size) can only be given on node's command line, which a CLI started as
// `proxy-ix …` does not control; these two V8 settings are changed from inside instead. Node's docs
// call late flag changes undefined behaviour: both are read by V8 each time it uses them, and if one
// has no effect, only memory is affected, never what proxy-ix does. node:v8 and node:vm load on first
// use (node:v8 alone costs ~3 ms of start-up).

type V8 = typeof import("node:v8");
let v8: V8 | undefined;

async function loadV8(): Promise<V8> {
  v8 ??= (await import("node:v8")).default;
  return v8;
}

let gc: (() => void) | null | undefined;

/**
 * A full garbage collection, every so many pages of a long listing. V8 lets the heap grow with the
 * allocation rate, and a 1000-item page lives across awaits long enough to be promoted, so RSS grows
 * with N although nothing is retained (measured: heap after GC is the same at 10,000 and 100,000).
 * If `gc` does not appear after --expose-gc, this quietly does nothing.
 */
export async function collectGarbage(): Promise<void> {
  if (gc === undefined) {
    const { default: vm } = await import("node:vm");
    (await loadV8()).setFlagsFromString("--expose-gc");
    gc = (vm.runInNewContext("gc") as (() => void) | undefined) ?? null;
  }
  gc?.();
}

/**
 * Capacity of the young generation (one semi-space, as V8 reports it: used + available) past which it
 * stops growing: V8 reports ~3.9 MB for a 4 MB semi-space, as node's --max-semi-space-size=4 gives.
 */
const YOUNG_GENERATION_CAP = 3.5 * 1024 * 1024;
/** V8's default --semi-space-growth-factor (V8 11.3, node 20). */
const DEFAULT_GROWTH_FACTOR = 2;
let growthStopped = false;

/** Loads what capYoungGeneration needs; call once before a run of many requests. */
export async function prepareYoungGenerationCap(): Promise<void> {
  await loadV8();
}

/**
 * Keeps V8's young generation at most YOUNG_GENERATION_CAP; call after every unit of work (it costs a
 * few µs). Under a concurrent purge many objects outlive a scavenge, and V8 doubles the young
 * generation each time, up to 2 × 16 MB: most of the difference between ~100 MB and ~130 MB of RSS, for
 * no gain in speed past 2 × 4 MB (measured: same CPU time; 17% more at V8's initial 2 × 1 MB). V8
 * reads --semi-space-growth-factor each time it grows the space, so 1 means "stay". V8 also shrinks
 * the space when allocation slows (a run waiting on the network), so growth is allowed again below
 * the cap: the young generation is never held smaller than it needs.
 */
export function capYoungGeneration(): void {
  if (v8 === undefined) return;
  const young = v8.getHeapSpaceStatistics().find((space) => space.space_name === "new_space");
  if (young === undefined) return;
  // Not space_size: that is memory committed, for both semi-spaces, and lags a shrink.
  const stop = young.space_used_size + young.space_available_size >= YOUNG_GENERATION_CAP;
  if (stop === growthStopped) return;
  v8.setFlagsFromString(`--semi-space-growth-factor=${stop ? 1 : DEFAULT_GROWTH_FACTOR}`);
  growthStopped = stop;
}
