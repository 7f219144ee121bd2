import type { SessionDeletionReport } from "./delete-sessions.js";

/** What happened to each Interaction and linked resource of a purge, and the report built from them. */
import type { ReportKind } from "./plan.js";

/** `not_visible`: 404/20404 for a resource of an Interaction older than `--visible-days` (plan.ts). */
export type ResourceOutcome = "deleted" | "already_gone" | "not_visible" | "deferred" | "skipped" | "failed";
export type InteractionOutcome = ResourceOutcome;

export interface FailureEntry {
  interaction_sid: string;
  session_sid: string | null;
  resource_sid: string | null;
  status: number | null;
  code: number | null;
  message: string;
}

export interface DeferredEntry {
  interaction_sid: string;
  session_sid: string | null;
  resource_sid: string;
  code: number;
}

export interface SkippedEntry {
  interaction_sid: string;
  session_sid: string | null;
  resource_sid: string;
  reason: string;
}

/** A resource that answered 404/20404 for an Interaction older than `--visible-days`: kept. */
export interface NotVisibleEntry {
  interaction_sid: string;
  session_sid: string | null;
  resource_sid: string;
  /** The Interaction's `date_created`, as Twilio sent it (null when it is not a string). */
  interaction_date_created: string | null;
}

type Counts<K extends string> = Record<K, number>;

/** Why a run stopped starting new work before the end of the list. */
export type StopReason = "legal_hold" | "auth" | "interrupted" | "error";

/** The `--json` report (docs/output.md). Lists are capped so memory stays flat; the counts never are. */
export interface PurgeReport {
  dry_run: boolean;
  include_resources: boolean;
  interactions: Counts<"matched" | InteractionOutcome>;
  /** Every linked resource of every kind (Messages, Calls, Media, Recordings, Transcriptions) together. */
  resources: Counts<ResourceOutcome>;
  /** The same, per kind (a leg of a kind proxy-ix cannot delete counts only in `resources`). */
  resources_by_kind: Record<ReportKind, Counts<ResourceOutcome>>;
  /** Dry run: what a real run would delete (resources of kinds we can delete) and skip. */
  would_delete?: {
    interactions: number;
    resources: number;
    skipped_resources: number;
    resources_by_kind: Record<ReportKind, number>;
  };
  sessions: number;
  failures: FailureEntry[];
  deferred: DeferredEntry[];
  skipped: SkippedEntry[];
  not_visible: NotVisibleEntry[];
  omitted: { failures: number; deferred: number; skipped: number; not_visible: number };
  /** With --all-sessions: Sessions that could not be read (e.g. deleted meanwhile); the run went on. */
  incomplete_sessions: { session_sid: string; reason: string }[];
  stopped: StopReason | null;
  /** purge --delete-sessions only. */
  session_deletion?: SessionDeletionReport;
  stopped_message: string | null;
  duration_ms: number;
}

export const MAX_LISTED = 1000;

export function emptyReport(dryRun: boolean, includeResources: boolean): PurgeReport {
  return {
    dry_run: dryRun,
    include_resources: includeResources,
    interactions: {
      matched: 0,
      deleted: 0,
      already_gone: 0,
      not_visible: 0,
      deferred: 0,
      skipped: 0,
      failed: 0,
    },
    resources: counts(),
    resources_by_kind: {
      messages: counts(),
      calls: counts(),
      media: counts(),
      recordings: counts(),
      transcriptions: counts(),
    },
    ...(dryRun
      ? {
          would_delete: {
            interactions: 0,
            resources: 0,
            skipped_resources: 0,
            resources_by_kind: { messages: 0, calls: 0, media: 0, recordings: 0, transcriptions: 0 },
          },
        }
      : {}),
    sessions: 0,
    failures: [],
    deferred: [],
    skipped: [],
    not_visible: [],
    omitted: { failures: 0, deferred: 0, skipped: 0, not_visible: 0 },
    incomplete_sessions: [],
    stopped: null,
    stopped_message: null,
    duration_ms: 0,
  };
}

function counts(): Counts<ResourceOutcome> {
  return { deleted: 0, already_gone: 0, not_visible: 0, deferred: 0, skipped: 0, failed: 0 };
}

export type ListedKey = "failures" | "deferred" | "skipped" | "not_visible";

export function addListed<K extends ListedKey>(
  report: PurgeReport,
  key: K,
  entry: PurgeReport[K][number],
): void {
  const list = report[key] as PurgeReport[K][number][];
  if (list.length < MAX_LISTED) list.push(entry);
  else report.omitted[key]++;
}
