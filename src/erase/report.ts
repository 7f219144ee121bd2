import type { ApiClient } from "../api/client.js";
import type { OrphanDeletionReport } from "../audit/delete-orphans.js";
import { plural } from "../render/purge-summary.js";
import { terminalText } from "../render/terminal-text.js";
import { findSessionsOf } from "./find-sessions.js";
import { maskedNumber } from "./participant-number.js";
import type { ErasedSession } from "./scope.js";
import { listTrafficOf, type TrafficRecord } from "./traffic.js";
import type { UnreachableResource } from "./unreachable.js";

/** What is still there after the run: re-read, not inferred from the run's own counts. */
export interface Leftovers {
  /** Sessions that still have a Participant with the number. */
  sessions: { session_sid: string; status: string | null }[];
  /** Messages/Calls between the number and a proxy number that still exist. */
  messages_calls: TrafficRecord[];
}

/** `erasure` in the `erase --json` report (docs/output.md#erase). The number appears only as its last 2 digits. */
export interface ErasureReport {
  participant_last2: string;
  proxy_numbers: number;
  /** The Sessions found (every one is deleted, whatever its status). */
  sessions: ErasedSession[];
  /** Messages/Calls between the number and the proxy numbers found before the run, linked or not. */
  messages_calls: number;
  /** How many of those no Interaction links to (orphans). */
  unlinked: number;
  /** The unlinked ones, as `orphans --delete` reports them (docs/output.md#orphans---delete). */
  orphans: OrphanDeletionReport;
  /**
   * Linked Messages/Calls the API no longer shows although their Interaction does not say they were
   * deleted (past the retention window): Twilio may still hold them, and no API call can erase them.
   */
  unreachable: UnreachableResource[];
  /** null for a dry run (nothing is re-read). */
  left: Leftovers | null;
  /** true when the re-read found nothing about the number and nothing was unreachable; null for a dry run. */
  complete: boolean | null;
}

/** After the run: every Session's Participants and the four v2010 lists are read again. */
export async function whatIsLeft(
  client: ApiClient,
  serviceSid: string,
  number: string,
  proxyNumbers: ReadonlySet<string>,
): Promise<Leftovers> {
  const sessions = await findSessionsOf(client, serviceSid, number);
  const traffic = await listTrafficOf(client, number, proxyNumbers);
  return {
    sessions: sessions.map((session) => ({ session_sid: session.sid, status: session.status })),
    messages_calls: traffic,
  };
}

/** Lines for the human summary (stderr). */
export function describeErasure(report: ErasureReport, number: string): string[] {
  const who = maskedNumber(number);
  const lines: string[] = [];
  const o = report.orphans.orphans;
  const plan = report.orphans.would_delete;
  const found = report.sessions.length;
  const viaTraffic = report.sessions.filter((s) => s.found_by === "traffic").length;
  lines.push(
    `${who}: ${found} ${plural(found, "Session")} (${viaTraffic} found through Messages/Calls only), ` +
      `${report.messages_calls} Messages/Calls with the Service's ${report.proxy_numbers} proxy numbers, ${report.unlinked} of them linked by no Interaction.`,
  );
  if (plan) {
    lines.push(
      `Would delete ${plan.orphans} unlinked Messages/Calls, ${plan.resources} resources with what is under them.`,
    );
  } else if (o.matched > 0) {
    lines.push(
      `Unlinked Messages/Calls: ${o.deleted} deleted, ${o.already_gone} already gone, ${o.deferred} deferred, ${o.skipped} skipped, ${o.failed} failed.`,
    );
  }
  if (report.orphans.stopped_message)
    lines.push(`Unlinked Messages/Calls: stopped: ${report.orphans.stopped_message}`);
  for (const session of report.sessions) {
    lines.push(`  ${session.session_sid} (${session.status ?? "unknown"}, found by ${session.found_by})`);
  }
  if (report.unreachable.length > 0) {
    lines.push(
      `${report.unreachable.length} Messages/Calls linked from these Sessions cannot be reached through the API although their Interactions do not say they were deleted (past the account's retention window?): Twilio may still hold them; ask Twilio to erase them:`,
    );
    for (const record of report.unreachable) {
      lines.push(
        `  ${record.kind === "call" ? "Call" : "Message"} ${record.sid} (Interaction ${record.interaction_sid})`,
      );
    }
  }
  const left = report.left;
  if (left === null) return lines.map(terminalText);
  if (report.complete) {
    lines.push(
      `Nothing about ${who} is left in the Service's Sessions or in its proxy numbers' Messages and Calls.`,
    );
    return lines.map(terminalText);
  }
  lines.push(
    `NOT complete: about ${who}, this is still there (run again once in-flight Messages/Calls are final):`,
  );
  for (const session of left.sessions) {
    lines.push(
      `  Session ${session.session_sid} (${session.status ?? "unknown"}) still has the number as a Participant`,
    );
  }
  for (const record of left.messages_calls) {
    lines.push(
      `  ${record.kind === "call" ? "Call" : "Message"} ${record.sid} (${record.status ?? "unknown"})`,
    );
  }
  return lines.map(terminalText);
}
