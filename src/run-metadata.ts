import type { Selection } from "./select/selection.js";
import { VERSION } from "./version.js";

/**
 * What every `--json` report starts with, so a cron owner can tell which run, account and cut-off it
 * describes (docs/report.schema.json). `schema` changes only when a field changes meaning or goes away;
 * new fields do not change it.
 */
export const REPORT_SCHEMA = "proxy-ix-report/1";

export type ReportCommand = "purge" | "delete" | "erase" | "report" | "verify" | "orphans";

export interface RunMetadata {
  schema: typeof REPORT_SCHEMA;
  tool: "proxy-ix";
  version: string;
  command: ReportCommand;
  started_at: string;
  finished_at: string;
  account_sid: string;
  service_sid: string | null;
  /** The parameters as resolved: ages (`--until 30d`) as the absolute instants they meant. */
  parameters: Record<string, unknown>;
}

export interface RunStart {
  command: ReportCommand;
  startedAt: Date;
  accountSid: string;
  serviceSid: string | null;
  parameters: Record<string, unknown>;
}

/** The report with the run's metadata first, as it is printed with `--json`. */
export function withRunMetadata<T extends object>(
  run: RunStart,
  report: T,
  finishedAt = new Date(),
): RunMetadata & T {
  return {
    schema: REPORT_SCHEMA,
    tool: "proxy-ix",
    version: VERSION,
    command: run.command,
    started_at: run.startedAt.toISOString(),
    finished_at: finishedAt.toISOString(),
    account_sid: run.accountSid,
    service_sid: run.serviceSid,
    parameters: run.parameters,
    ...report,
  };
}

/** The selection flags as resolved: which Sessions, which filters, the absolute window. */
export function selectionParameters(selection: Selection): Record<string, unknown> {
  return {
    sessions: selection.allSessions ? "all" : selection.sessionSids,
    session_statuses: selection.sessionStatuses,
    types: selection.types,
    since: selection.window.since?.toISOString() ?? null,
    until: selection.window.until?.toISOString() ?? null,
    limit: selection.limit,
    page_size: selection.pageSize,
  };
}
