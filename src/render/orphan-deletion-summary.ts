import type { OrphanDeletionReport } from "../audit/delete-orphans.js";
import type { IOStreams } from "../io.js";
import { KIND_LABELS, plural, section } from "./purge-summary.js";
import { terminalText } from "./terminal-text.js";

/** The human summary of `orphans --delete` (stderr). The `--json` report is the report itself. */
export function renderOrphanDeletionSummary(
  io: IOStreams,
  report: OrphanDeletionReport & { proxy_numbers: number },
): string {
  const { style } = io;
  const n = (value: number) => value.toLocaleString("en-US");
  const failed = (count: number) => (count > 0 ? style.red(`${n(count)} failed`) : `${n(count)} failed`);
  const o = report.orphans;
  const lines: string[] = [];
  const where = `through ${n(report.proxy_numbers)} proxy ${plural(report.proxy_numbers, "number")}`;
  if (report.dry_run && report.would_delete) {
    const plan = report.would_delete;
    const k = plan.resources_by_kind;
    lines.push(
      style.bold("Dry run: nothing was deleted."),
      `Would delete ${n(plan.orphans)} ${plural(plan.orphans, "orphan")} ${where}, ${n(plan.resources)} resources in all:`,
      `  ${n(k.messages)} Messages, ${n(k.media)} Media, ${n(k.calls)} Calls, ${n(k.recordings)} Recordings, ${n(k.transcriptions)} Transcriptions`,
    );
  } else {
    lines.push(
      `Orphans:   ${n(o.matched)} found ${where}, ${style.green(`${n(o.deleted)} deleted`)}, ${n(o.already_gone)} already gone, ` +
        `${n(o.deferred)} deferred, ${n(o.skipped)} skipped, ${failed(o.failed)}`,
    );
    const r = report.resources;
    lines.push(
      `Resources: ${style.green(`${n(r.deleted)} deleted`)}, ${n(r.already_gone)} already gone, ${n(r.deferred)} deferred, ` +
        `${n(r.skipped)} skipped, ${failed(r.failed)}`,
    );
    for (const [kind, label] of KIND_LABELS) {
      const c = report.resources_by_kind[kind];
      lines.push(
        `  ${label.padEnd(15)} ${n(c.deleted)} deleted, ${n(c.already_gone)} already gone, ${n(c.deferred)} deferred, ` +
          `${n(c.skipped)} skipped, ${failed(c.failed)}`,
      );
    }
  }
  lines.push(`Time: ${(report.duration_ms / 1000).toFixed(1)} s`);
  if (report.stopped)
    lines.push(style.yellow(`Stopped early: ${terminalText(report.stopped_message ?? "")}`));
  section(
    lines,
    "Deferred (not finalized yet, Twilio error 20009): run again later",
    report.deferred.map((d) => `${d.orphan_sid}  ${d.resource_sid}`),
    report.omitted.deferred,
  );
  section(
    lines,
    "Skipped (kept)",
    report.skipped.map((s) => `${s.orphan_sid}  ${s.resource_sid}  ${s.reason}`),
    report.omitted.skipped,
  );
  section(
    lines,
    style.red("Failed (kept)"),
    report.failures.map(
      (f) =>
        `${f.orphan_sid}  ${f.resource_sid}  ${f.code === null ? `HTTP ${f.status ?? "-"}` : `Twilio error ${f.code}`}: ${f.message}`,
    ),
    report.omitted.failures,
  );
  return `${lines.join("\n")}\n`;
}
