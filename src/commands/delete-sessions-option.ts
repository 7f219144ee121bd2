import type { Command } from "commander";
import type { ApiClient } from "../api/client.js";
import { DEFAULT_CEILING } from "../purge/adaptive-limiter.js";
import { deleteSessions, describeSessionDeletion } from "../purge/delete-sessions.js";
import type { ExportFile } from "../purge/export-file.js";
import type { PurgeReport } from "../purge/outcomes.js";
import type { Selection } from "../select/selection.js";
import type { CleanupOptions, RawCleanup } from "./cleanup.js";

export interface RawPurge extends RawCleanup {
  deleteSessions?: boolean;
  sessionStatus?: string[];
}

export function addDeleteSessionsOption(command: Command): Command {
  return command.option(
    "--delete-sessions",
    "then delete each Session in scope that is empty and closed or failed (or in --session-status), and with it its Participants' phone numbers",
  );
}

/** The `afterInteractions` step of `purge --delete-sessions` (src/purge/delete-sessions.ts). */
export function deleteSessionsHook(
  opts: CleanupOptions & { selection: Selection },
  statuses: string[],
  serviceSid: () => string,
) {
  return async (client: ApiClient, report: PurgeReport, exportFile: ExportFile | null): Promise<string[]> => {
    const result = await deleteSessions(client, {
      serviceSid: serviceSid(),
      selection: opts.selection,
      statuses,
      dryRun: opts.dryRun,
      includeResources: opts.includeResources,
      exportFile,
      concurrency: opts.concurrency ?? DEFAULT_CEILING,
    });
    report.session_deletion = result;
    return describeSessionDeletion(result);
  };
}

/** What the confirmation adds: which Sessions go after the Interactions. */
export function sessionsNote(statuses: readonly string[]): string {
  return `, then every Session in scope left empty whose status is ${statuses.join(" or ")} (with its Participants)`;
}
