import type { IOStreams } from "../io.js";
import { AGE_BUCKETS, type CensusReport, type ResourceKind } from "../report/census.js";
import { renderTable } from "./table.js";

const BAR_WIDTH = 40;
const KINDS: ResourceKind[] = ["messages", "calls", "other"];

/** `report` on a terminal: compact tables and a bar chart of the age histogram, within 80 columns. */
export function renderCensus(io: IOStreams, report: CensusReport, clean: (text: string) => string): string {
  const { sessions, interactions, resources } = report;
  const out: string[] = [];
  const statuses = Object.entries(sessions.by_status)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, count]) => `${clean(status)} ${number(count)}`)
    .join(", ");
  out.push(
    `${io.style.bold("Sessions")}  ${number(sessions.total)}${statuses ? ` (${statuses})` : ""}`,
    `  ${number(sessions.without_interactions)} without Interactions (their Participants remain)`,
  );
  if (sessions.vanished > 0) out.push(`  ${number(sessions.vanished)} deleted while the report was read`);
  const types = Object.entries(interactions.by_type)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([type, count]) => `${clean(type)} ${number(count)}`)
    .join(", ");
  out.push(
    `${io.style.bold("Interactions")}  ${number(interactions.total)}${types ? ` (${types})` : ""}`,
    "",
    `${io.style.bold("By age")} (date_created, as of ${report.as_of.slice(0, 16).replace("T", " ")} UTC)`,
  );
  const largest = Math.max(1, ...Object.values(interactions.by_age));
  const labelWidth = Math.max(...AGE_BUCKETS.map((bucket) => bucket.label.length));
  for (const { label } of AGE_BUCKETS) {
    const count = interactions.by_age[label];
    const bar = "#".repeat(count === 0 ? 0 : Math.max(1, Math.round((count / largest) * BAR_WIDTH)));
    out.push(`  ${label.padEnd(labelWidth)}  ${bar.padEnd(BAR_WIDTH)}  ${number(count)}`.trimEnd());
  }
  if (interactions.oldest) {
    const { sid, session_sid, date_created } = interactions.oldest;
    out.push(
      `  oldest   ${clean(date_created)}  ${clean(sid)}`,
      `           in Session ${clean(session_sid)}`,
    );
  }
  out.push("");
  const rows = KINDS.filter((kind) => kind !== "other" || resources.by_kind.other.total > 0).map((kind) => {
    const count = resources.by_kind[kind];
    return [kind, number(count.total), number(count.finalized), number(count.not_finalized)];
  });
  out.push(renderTable(io, ["linked resources", "total", "finalized", "not finalized"], rows).trimEnd());
  if (report.would_purge) {
    const plan = report.would_purge;
    out.push(
      "",
      `${io.style.bold("purge --until")} ${plan.until.slice(0, 16).replace("T", " ")} UTC --include-resources would delete`,
      `  ${number(plan.interactions)} Interactions and up to ${number(plan.resources)} linked Messages/Calls`,
    );
  }
  return `${out.join("\n")}\n`;
}

/** Piped: one `section<TAB>key<TAB>value` line per figure, for cut/awk/grep. */
export function renderCensusTsv(report: CensusReport, clean: (text: string) => string): string {
  const lines: [string, string, string | number][] = [["sessions", "total", report.sessions.total]];
  for (const [status, count] of Object.entries(report.sessions.by_status))
    lines.push(["sessions.status", clean(status), count]);
  lines.push(["sessions", "without_interactions", report.sessions.without_interactions]);
  lines.push(["sessions", "vanished", report.sessions.vanished]);
  lines.push(["interactions", "total", report.interactions.total]);
  for (const [type, count] of Object.entries(report.interactions.by_type))
    lines.push(["interactions.type", clean(type), count]);
  for (const { label } of AGE_BUCKETS)
    lines.push(["interactions.age", label, report.interactions.by_age[label]]);
  const oldest = report.interactions.oldest;
  if (oldest) {
    lines.push(["interactions.oldest", "sid", clean(oldest.sid)]);
    lines.push(["interactions.oldest", "session_sid", clean(oldest.session_sid)]);
    lines.push(["interactions.oldest", "date_created", clean(oldest.date_created)]);
  }
  for (const kind of KINDS) {
    const count = report.resources.by_kind[kind];
    lines.push([`resources.${kind}`, "total", count.total]);
    lines.push([`resources.${kind}`, "finalized", count.finalized]);
    lines.push([`resources.${kind}`, "not_finalized", count.not_finalized]);
  }
  if (report.would_purge) {
    lines.push(["would_purge", "until", report.would_purge.until]);
    lines.push(["would_purge", "interactions", report.would_purge.interactions]);
    lines.push(["would_purge", "resources", report.would_purge.resources]);
  }
  return lines.map((line) => `${line.join("\t")}\n`).join("");
}

function number(value: number): string {
  return value.toLocaleString("en-US");
}
