import type { IOStreams } from "../io.js";
import type { PurgeReport } from "../purge/outcomes.js";
import { terminalText } from "./terminal-text.js";

/** How many failures, deferrals… a summary lists before "and N more". */
const LISTED_LINES = 20;

/** The resource kinds of a report, in the order a summary names them. */
export const KIND_LABELS = [
  ["messages", "Messages"],
  ["media", "Media"],
  ["calls", "Calls"],
  ["recordings", "Recordings"],
  ["transcriptions", "Transcriptions"],
] as const;

/** The human summary of a purge/delete run. The `--json` report is the PurgeReport itself. */
export function renderPurgeSummary(io: IOStreams, report: PurgeReport): string {
  const { style } = io;
  const n = (value: number) => value.toLocaleString("en-US");
  const i = report.interactions;
  const r = report.resources;
  const lines: string[] = [];
  if (report.dry_run && report.would_delete) {
    const plan = report.would_delete;
    lines.push(
      style.bold("Dry run: nothing was deleted."),
      `Would delete ${n(plan.interactions)} of ${n(i.matched)} matching ${plural(i.matched, "Interaction")} in ${n(report.sessions)} ${plural(report.sessions, "Session")}` +
        (report.include_resources ? `, and ${n(plan.resources)} linked resources` : "") +
        ".",
    );
    if (report.include_resources) {
      const k = plan.resources_by_kind;
      lines.push(
        `  ${n(k.messages)} Messages, ${n(k.media)} Media, ${n(k.calls)} Calls, ${n(k.recordings)} Recordings, ${n(k.transcriptions)} Transcriptions`,
      );
    }
    if (i.already_gone > 0) {
      lines.push(
        `${n(i.already_gone)} of the given Interactions were not found (already gone): nothing to delete.`,
      );
    }
    if (plan.skipped_resources > 0) {
      lines.push(
        `${n(plan.skipped_resources)} linked resources are of kinds proxy-ix cannot delete: their Interactions would be kept.`,
      );
    }
  } else {
    // "not visible" appears only when there is one: most accounts never see it.
    const notVisible = (count: number) => (count > 0 ? `${n(count)} not visible, ` : "");
    lines.push(
      `Interactions: ${n(i.matched)} matched, ${style.green(`${n(i.deleted)} deleted`)}, ${n(i.already_gone)} already gone, ` +
        `${notVisible(i.not_visible)}${n(i.deferred)} deferred, ${n(i.skipped)} skipped, ${colourFailed(io, i.failed)}`,
    );
    if (report.include_resources) {
      lines.push(
        `Resources:    ${style.green(`${n(r.deleted)} deleted`)}, ${n(r.already_gone)} already gone, ${notVisible(r.not_visible)}${n(r.deferred)} deferred, ` +
          `${n(r.skipped)} skipped, ${colourFailed(io, r.failed)}`,
      );
      for (const [kind, label] of KIND_LABELS) {
        const c = report.resources_by_kind[kind];
        lines.push(
          `  ${label.padEnd(15)} ${n(c.deleted)} deleted, ${n(c.already_gone)} already gone, ${notVisible(c.not_visible)}${n(c.deferred)} deferred, ` +
            `${n(c.skipped)} skipped, ${colourFailed(io, c.failed)}`,
        );
      }
    }
  }
  if (i.not_visible > 0) {
    lines.push(
      style.yellow(
        `${n(i.not_visible)} ${plural(i.not_visible, "Interaction")} kept: a linked record answered 404 but the Interaction is older than --visible-days, ` +
          "so the record may be archived by Twilio, not deleted. See docs/reliability.md#archived-records.",
      ),
    );
  }
  lines.push(`Time: ${(report.duration_ms / 1000).toFixed(1)} s`);
  if (report.stopped)
    lines.push(style.yellow(`Stopped early: ${terminalText(report.stopped_message ?? "")}`));
  section(
    lines,
    "Deferred (not finalized yet, Twilio error 20009): run again later",
    report.deferred.map((d) => `${d.interaction_sid}  ${d.resource_sid}`),
    report.omitted.deferred,
  );
  section(
    lines,
    "Not visible (404 past --visible-days: may be archived; kept)",
    report.not_visible.map(
      (v) => `${v.interaction_sid}  ${v.resource_sid}  created ${v.interaction_date_created ?? "-"}`,
    ),
    report.omitted.not_visible,
  );
  section(
    lines,
    "Skipped (kept)",
    report.skipped.map((s) => `${s.interaction_sid}  ${s.resource_sid}  ${s.reason}`),
    report.omitted.skipped,
  );
  section(
    lines,
    style.red("Failed (kept)"),
    report.failures.map(
      (f) =>
        `${f.interaction_sid}  ${f.resource_sid ?? "-"}  ${f.code === null ? `HTTP ${f.status ?? "-"}` : `Twilio error ${f.code}`}: ${f.message}`,
    ),
    report.omitted.failures,
  );
  return `${lines.join("\n")}\n`;
}

export function plural(count: number, noun: string): string {
  return count === 1 ? noun : `${noun}s`;
}

function colourFailed(io: IOStreams, count: number): string {
  const text = `${count.toLocaleString("en-US")} failed`;
  return count > 0 ? io.style.red(text) : text;
}

/** A titled list of a summary: the first LISTED_LINES entries, then how many more there are. */
export function section(lines: string[], title: string, entries: string[], omitted: number): void {
  if (entries.length === 0) return;
  lines.push(`${title}:`);
  // Entries hold server text (SIDs, Twilio's messages): made inert before a terminal sees them.
  for (const entry of entries.slice(0, LISTED_LINES)) lines.push(`  ${terminalText(entry)}`);
  const more = entries.length - LISTED_LINES + omitted;
  if (more > 0) lines.push(`  … and ${more.toLocaleString("en-US")} more (all counted; see --json)`);
}
