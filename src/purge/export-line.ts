/**
 * Lines of the `--export` audit trail, format v2 (docs/output.md): what identifies and dates what was
 * erased, and nothing of the personal data the run erases. Built field by field from a whitelist, never
 * by copying a server object: no `data`, no message body, no phone number, no Session `unique_name`
 * can reach the file, whatever the server adds to its answers.
 */
import type { ApiOrigins } from "../api/client.js";
import type { Interaction } from "../api/types.js";
import type { PurgeTarget, ResourceKind } from "./plan.js";

export const EXPORT_VERSION = 2;

/** One resource found linked to an Interaction; `parent_sid` for Media, Recordings and Transcriptions. */
export interface ExportResource {
  kind: ResourceKind;
  sid: string;
  parent_sid?: string;
}

export interface InteractionLine {
  v: typeof EXPORT_VERSION;
  kind: "interaction";
  exported_at: string;
  account_sid: string;
  service_sid: string;
  session_sid: string;
  sid: string;
  type: string | null;
  date_created: string | null;
  resources: ExportResource[];
}

/** The line written before the first DELETE of an Interaction or anything found linked to it. */
export function interactionLine(
  origins: ApiOrigins,
  target: PurgeTarget,
  resources: readonly ExportResource[],
  now: Date = new Date(),
): InteractionLine {
  const interaction: Interaction | null = target.interaction;
  return {
    v: EXPORT_VERSION,
    kind: "interaction",
    exported_at: now.toISOString(),
    account_sid: origins.accountSid,
    service_sid: target.serviceSid,
    session_sid: target.sessionSid,
    sid: target.sid,
    type: stringOrNull(interaction?.type),
    date_created: stringOrNull(interaction?.date_created),
    resources: resources.map((r) =>
      r.parent_sid === undefined
        ? { kind: r.kind, sid: r.sid }
        : { kind: r.kind, sid: r.sid, parent_sid: r.parent_sid },
    ),
  };
}

/** Server values are kept only when they are plain strings (a type or a date, never an object). */
function stringOrNull(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

/**
 * `orphans --delete`: a Message or Call no Interaction links to any more, and what was found under it.
 * `resources` starts with the orphan itself, then its Media, Recordings and Transcriptions (pre-order).
 */
export interface OrphanLine {
  v: typeof EXPORT_VERSION;
  kind: "orphan";
  exported_at: string;
  account_sid: string;
  service_sid: string;
  sid: string;
  resource_kind: "message" | "call";
  /** `date_sent` of a Message, `start_time` of a Call. */
  date: string | null;
  resources: ExportResource[];
}

/** The line written before the first DELETE of an orphan or anything under it. */
export function orphanLine(
  origins: ApiOrigins,
  serviceSid: string,
  orphan: { sid: string; kind: "message" | "call"; date: unknown },
  resources: readonly ExportResource[],
  now: Date = new Date(),
): OrphanLine {
  return {
    v: EXPORT_VERSION,
    kind: "orphan",
    exported_at: now.toISOString(),
    account_sid: origins.accountSid,
    service_sid: serviceSid,
    sid: orphan.sid,
    resource_kind: orphan.kind,
    date: stringOrNull(orphan.date),
    resources: resources.map((r) =>
      r.parent_sid === undefined
        ? { kind: r.kind, sid: r.sid }
        : { kind: r.kind, sid: r.sid, parent_sid: r.parent_sid },
    ),
  };
}
