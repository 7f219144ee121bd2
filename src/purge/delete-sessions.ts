import type { ApiClient } from "../api/client.js";
import { isGone } from "../api/identity.js";
import { listInteractionPages } from "../api/interactions.js";
import { listParticipants } from "../api/participants.js";
import { fetchSession, sessionUrl } from "../api/sessions.js";
import type { Interaction, Session } from "../api/types.js";
import { describeError, TwilioApiError } from "../errors.js";
import { terminalText } from "../render/terminal-text.js";
import { matches, type Selection } from "../select/selection.js";
import { sessionsInScope } from "../select/sessions.js";
import type { ExportFile } from "./export-file.js";
import { MAX_LISTED } from "./outcomes.js";
import { planDeletion } from "./plan.js";

/** With --delete-sessions and no --session-status: only Sessions that are over (never an open one). */
export const DEFAULT_DELETABLE_STATUSES = ["closed", "failed"] as const;

export type SessionOutcome = "deleted" | "already_gone" | "kept" | "failed" | "would_delete";

export interface SessionEntry {
  session_sid: string;
  status: string | null;
  outcome: SessionOutcome;
  /** Why it was kept or failed; null when it went (or would). */
  reason: string | null;
}

/** `session_deletion` in the purge report (docs/output.md). The list is capped; the counts never are. */
export interface SessionDeletionReport {
  statuses: string[];
  deleted: number;
  already_gone: number;
  kept: number;
  failed: number;
  /** Dry run only: the Sessions a real run would delete (if every Interaction goes as planned). */
  would_delete?: number;
  sessions: SessionEntry[];
  omitted: number;
}

export interface SessionDeletionOptions {
  serviceSid: string;
  selection: Selection;
  /** The statuses a Session may be deleted in; "any" for every status (erase: the person asked). */
  statuses: readonly string[] | "any";
  dryRun: boolean;
  includeResources: boolean;
  exportFile: ExportFile | null;
  /** Sessions worked on at once (requests on the wire are limited by the client's gate). */
  concurrency: number;
}

/**
 * After the Interaction engine: deletes the Sessions in scope that are over and empty. Deleting a
 * Session is what removes its Participants' phone numbers for good (Twilio's Participant DELETE is a
 * soft delete: https://www.twilio.com/docs/proxy/api/participant). Each Session is re-read first: its
 * status now (not when the run began) must be one of `statuses`, and a re-list of its Interactions must
 * come back empty (an Interaction deferred, failed or outside the filters keeps its Session). Its
 * Participants go into the export (SID and the identifier's last 2 characters) before the DELETE.
 * A dry run does the same reads and, instead of the empty re-list, asks whether the run would delete
 * every Interaction it holds (20009 deferrals cannot be known in advance).
 */
export async function deleteSessions(
  client: ApiClient,
  options: SessionDeletionOptions,
): Promise<SessionDeletionReport> {
  const report: SessionDeletionReport = {
    statuses: options.statuses === "any" ? ["any"] : [...options.statuses],
    deleted: 0,
    already_gone: 0,
    kept: 0,
    failed: 0,
    ...(options.dryRun ? { would_delete: 0 } : {}),
    sessions: [],
    omitted: 0,
  };
  const scope = sessionsInScope(client, options.serviceSid, options.selection);
  let failure: unknown;
  async function worker(): Promise<void> {
    while (failure === undefined) {
      const next = await scope.next();
      if (next.done) return;
      const entry = await handleSession(client, options, next.value);
      if (entry.outcome === "would_delete") report.would_delete = (report.would_delete ?? 0) + 1;
      else report[entry.outcome]++;
      if (report.sessions.length < MAX_LISTED) report.sessions.push(entry);
      else report.omitted++;
    }
  }
  await Promise.all(
    Array.from({ length: options.concurrency }, () =>
      worker().catch((error) => {
        failure ??= error;
      }),
    ),
  );
  if (failure !== undefined) throw failure;
  return report;
}

async function handleSession(
  client: ApiClient,
  options: SessionDeletionOptions,
  sessionSid: string,
): Promise<SessionEntry> {
  const entry = (outcome: SessionOutcome, status: string | null, reason: string | null = null) => ({
    session_sid: sessionSid,
    status,
    outcome,
    reason,
  });
  let session: Session;
  try {
    session = await fetchSession(client, options.serviceSid, sessionSid);
  } catch (error) {
    if (isGone(error)) return entry("already_gone", null);
    return failedOrThrow(error, entry("failed", null));
  }
  const { status } = session;
  if (options.statuses !== "any" && !options.statuses.includes(status ?? "")) {
    return entry("kept", status, `its status is ${status ?? "unknown"} (not in --session-status)`);
  }
  try {
    const held = options.dryRun
      ? await keptByRun(client, options, sessionSid)
      : await anyLeft(client, options, sessionSid);
    if (held) return entry("kept", status, held);
    if (options.dryRun) return entry("would_delete", status);
    if (options.exportFile) await options.exportFile.append(await sessionLine(client, options, session));
    await client.delete(sessionUrl(client, options.serviceSid, sessionSid));
    return entry("deleted", status);
  } catch (error) {
    if (isGone(error)) return entry("already_gone", status);
    return failedOrThrow(error, entry("failed", status));
  }
}

/** Credentials refused stop the run (exit 3) as they do for Interactions; anything else fails this Session. */
function failedOrThrow(error: unknown, entry: SessionEntry): SessionEntry {
  if (
    error instanceof TwilioApiError &&
    (error.status === 401 || (error.status === 403 && error.code !== 80615))
  ) {
    throw error;
  }
  return { ...entry, reason: describeError(error) };
}

/** A real run: one page of one Interaction is enough to know the Session is not empty. */
async function anyLeft(client: ApiClient, options: SessionDeletionOptions, sessionSid: string) {
  for await (const page of listInteractionPages(client, options.serviceSid, sessionSid, 1)) {
    return page.items.length > 0 ? "it still has Interactions (deferred, failed or not selected)" : null;
  }
  return null;
}

/** A dry run: the Session would stay if the run would leave any of its Interactions. */
async function keptByRun(client: ApiClient, options: SessionDeletionOptions, sessionSid: string) {
  const { serviceSid, selection, includeResources } = options;
  const kept = (interaction: Interaction) =>
    !matches(interaction, selection) ||
    planDeletion({ sid: interaction.sid, serviceSid, sessionSid, interaction }, client, includeResources)
      .verdict !== "deletable";
  for await (const page of listInteractionPages(client, serviceSid, sessionSid, selection.pageSize)) {
    if (page.items.some(kept)) return "it has Interactions this run would keep";
  }
  return null;
}

/** The export's v2 session line: no unique_name, no phone number (export-v2 format, docs/output.md). */
async function sessionLine(client: ApiClient, options: SessionDeletionOptions, session: Session) {
  const participants: { sid: string; identifier_last2: string | null }[] = [];
  for await (const participant of listParticipants(client, options.serviceSid, session.sid)) {
    const identifier = participant.identifier;
    participants.push({
      sid: participant.sid,
      identifier_last2:
        typeof identifier === "string" && identifier.length >= 2 ? identifier.slice(-2) : null,
    });
  }
  return {
    v: 2,
    kind: "session",
    exported_at: new Date().toISOString(),
    account_sid: client.accountSid,
    service_sid: options.serviceSid,
    sid: session.sid,
    status: session.status,
    date_created: session.date_created,
    participants,
  };
}

/** Lines for the human summary (stderr). */
export function describeSessionDeletion(report: SessionDeletionReport): string[] {
  const counts =
    report.would_delete === undefined
      ? `${report.deleted} deleted, ${report.already_gone} already gone, ${report.kept} kept, ${report.failed} failed`
      : `${report.would_delete} would be deleted, ${report.kept} kept, ${report.failed} failed`;
  const lines = [`Sessions (${report.statuses.join(",")}): ${counts}.`];
  for (const entry of report.sessions) {
    if (entry.outcome === "would_delete")
      lines.push(`  ${entry.session_sid} (${entry.status}) would be deleted`);
    else if (entry.outcome === "kept" || entry.outcome === "failed") {
      lines.push(`  ${entry.session_sid} ${entry.outcome}: ${entry.reason}`);
    }
  }
  if (report.omitted > 0) lines.push(`  … and ${report.omitted} more (see --json)`);
  // Statuses and error messages are server text.
  return lines.map(terminalText);
}
