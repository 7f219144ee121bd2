#!/usr/bin/env node
// @ts-check
// `node scripts/sid-set-memory.js [interactions] [set|sidset]` (after `npm run build`): the memory
// `orphans` needs to hold every resource SID the Interactions of a Service link to (two per Interaction
// at most). Prints the RSS and heap growth for the compact SidSet and, for comparison, a plain Set of
// strings. Run each kind in its own process (the default runs both), so one does not inherit the
// other's heap. It asserts nothing (docs/performance.md).
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";

const interactions = Number(process.argv[2] ?? 1_000_000);
const kind = process.argv[3];

if (kind === undefined) {
  const self = fileURLToPath(import.meta.url);
  for (const which of ["sidset", "set"]) {
    process.stdout.write(execFileSync(process.execPath, ["--expose-gc", self, String(interactions), which]));
  }
} else {
  const { SidSet } = await import("../dist/audit/sid-set.js");
  const gc = /** @type {(() => void) | undefined} */ (globalThis.gc);
  if (!gc)
    throw new Error("run it as `node --expose-gc scripts/sid-set-memory.js N kind`, or without a kind");
  gc();
  const before = process.memoryUsage();
  /** @type {{ add(sid: string): unknown }} */
  const set = kind === "set" ? new Set() : new SidSet();
  let ms = 0;
  const BATCH = 10_000;
  for (let done = 0; done < interactions; done += BATCH) {
    // SIDs as a page brings them (fresh strings), two legs an Interaction, a quarter of them Calls.
    const batch = [];
    for (let i = done; i < Math.min(interactions, done + BATCH); i++) {
      const hex = randomBytes(32).toString("hex");
      batch.push(`SM${hex.slice(0, 32)}`, `${i % 4 === 0 ? "CA" : "SM"}${hex.slice(32)}`);
    }
    const started = performance.now();
    for (const sid of batch) set.add(sid);
    ms += performance.now() - started;
  }
  gc();
  const after = process.memoryUsage();
  // The set is used after the measurement, so the collector cannot take it before.
  if (!("size" in set) || Number(set.size) !== 2 * interactions) throw new Error("lost SIDs");
  const mb = (/** @type {number} */ bytes) => `${(bytes / 1_048_576).toFixed(0)} MB`;
  console.log(
    `${kind === "set" ? "Set<string>" : "SidSet"}: ${interactions} Interactions, ${2 * interactions} SIDs: ` +
      `RSS +${mb(after.rss - before.rss)} (total ${mb(after.rss)}), heap +${mb(after.heapUsed - before.heapUsed)}, ` +
      `array buffers +${mb(after.arrayBuffers - before.arrayBuffers)}` +
      `${"bytes" in set ? ` (tables ${mb(Number(set.bytes))})` : ""}, ${ms.toFixed(0)} ms to add`,
  );
}
