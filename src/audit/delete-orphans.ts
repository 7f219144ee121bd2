/**
 * `orphans --delete` (and `erase --participant`): deletes orphaned Messages and Calls with everything
 * under them, by the same plan as purge (src/purge/plan.ts: a Message's Media, a Call's Recordings and
 * their Transcriptions first, each parent only once each of its children was deleted or found gone) and
 * the same outcome rules as the purge engine: only 204, or 404 with Twilio's 20404, is success; 20009
 * (not finalized yet) is deferred to a later run, not a failure; 80615 (legal hold) and refused
 * credentials stop the run, nothing more is sent. 20429 is retried by the client under its gate (the
 * adaptive limiter). Workers pull from the (streamed) list, so memory stays flat.
 */
import type { ApiClient } from "../api/client.js";
import { describeError } from "../errors.js";
import { type DeleteFailure, deleteAndRead, failureOf } from "../purge/delete-answer.js";
import { discoverChildren, RunHalted } from "../purge/discover.js";
import type { ExportFile } from "../purge/export-file.js";
import { orphanLine } from "../purge/export-line.js";
import { emptyReport, MAX_LISTED, type ResourceOutcome, type StopReason } from "../purge/outcomes.js";
import {
  childKind,
  parentOutcome,
  preOrder,
  REPORT_KINDS,
  type ReportKind,
  type ResourceKind,
  type ResourceNode,
  resourceCollection,
  resourceUrl,
} from "../purge/plan.js";
import { Room } from "../purge/room.js";
import type { Orphan } from "./orphans.js";

/** Twilio error codes that change what the run does (https://www.twilio.com/docs/api/errors). */

type Counts<K extends string> = Record<K, number>;

export interface OrphanFailure {
  orphan_sid: string;
  /** The resource whose DELETE (or whose children's listing) failed: the orphan or one under it. */
  resource_sid: string;
  status: number | null;
  code: number | null;
  message: string;
}

export interface OrphanDeferred {
  orphan_sid: string;
  resource_sid: string;
  code: number;
}

export interface OrphanSkipped {
  orphan_sid: string;
  resource_sid: string;
  reason: string;
}

/** The `--json` report of `orphans --delete` (docs/output.md#orphans---delete). Lists are capped; counts never are. */
export interface OrphanDeletionReport {
  dry_run: boolean;
  /** The orphans themselves (the Messages and Calls found), by what happened to each. */
  orphans: Counts<"matched" | ResourceOutcome>;
  /** Every resource, the orphans and what was under them, together and per kind. */
  resources: Counts<ResourceOutcome>;
  resources_by_kind: Record<ReportKind, Counts<ResourceOutcome>>;
  /** Dry run: what a real run would delete (the orphans and what was found under them). */
  would_delete?: { orphans: number; resources: number; resources_by_kind: Record<ReportKind, number> };
  failures: OrphanFailure[];
  deferred: OrphanDeferred[];
  skipped: OrphanSkipped[];
  omitted: { failures: number; deferred: number; skipped: number };
  stopped: StopReason | null;
  stopped_message: string | null;
  duration_ms: number;
}

export interface DeleteOrphansOptions {
  /** The Service whose proxy numbers the orphans went through (for the export lines). */
  serviceSid: string;
  dryRun: boolean;
  /** How many orphans are worked on at once (requests on the wire are limited by the client's gate). */
  concurrency: number;
  exportFile: ExportFile | null;
  /** Aborted on Ctrl-C: no new orphan is started; those in flight finish. */
  stop?: AbortSignal;
  /** How many orphans may be in progress at once (e.g. the adaptive limiter's current limit). */
  room?(): number;
  /** Called after each orphan, e.g. to update a spinner or print the dry run's list. */
  onDone?(orphan: Orphan, report: OrphanDeletionReport): void | Promise<void>;
}

export interface OrphanDeletionResult {
  report: OrphanDeletionReport;
  /** The error that stopped the listing (the search), if one did; not part of the JSON report. */
  listingError: unknown;
}

export function emptyOrphanReport(dryRun: boolean): OrphanDeletionReport {
  // The purge report's counters: an outcome added there is counted here too.
  const base = emptyReport(dryRun, true);
  const { resources, resources_by_kind } = base;
  const orphans = { matched: 0, ...resources };
  return {
    dry_run: dryRun,
    orphans,
    resources: { ...resources },
    resources_by_kind,
    ...(base.would_delete
      ? { would_delete: { orphans: 0, resources: 0, resources_by_kind: base.would_delete.resources_by_kind } }
      : {}),
    failures: [],
    deferred: [],
    skipped: [],
    omitted: { failures: 0, deferred: 0, skipped: 0 },
    stopped: null,
    stopped_message: null,
    duration_ms: 0,
  };
}

/** Deletes each orphan and everything under it (or, with `dryRun`, only finds and counts them). */
export async function deleteOrphans(
  client: ApiClient,
  orphans: AsyncIterable<Orphan>,
  options: DeleteOrphansOptions,
): Promise<OrphanDeletionResult> {
  const started = Date.now();
  const report = emptyOrphanReport(options.dryRun);
  const iterator = orphans[Symbol.asyncIterator]();
  const aborted = () => options.stop?.aborted === true;
  let stopReason: StopReason | null = null;
  let listingError: unknown;
  let exhausted = false;

  const stop = (reason: StopReason, message: string) => {
    if (stopReason !== null) return;
    stopReason = reason;
    report.stopped = reason;
    report.stopped_message = message;
  };
  const halted = () => stopReason !== null || aborted();
  /** Before every request: after a legal hold or refused credentials nothing more is sent. */
  const beforeRequest = () => {
    if (stopReason === "legal_hold" || stopReason === "auth") throw new RunHalted();
  };
  const list = <K extends "failures" | "deferred" | "skipped">(
    key: K,
    entry: OrphanDeletionReport[K][number],
  ) => {
    const entries = report[key] as OrphanDeletionReport[K][number][];
    if (entries.length < MAX_LISTED) entries.push(entry);
    else report.omitted[key]++;
  };

  // Orphans in progress, and the workers waiting for room (as in the purge engine).
  const room = new Room(() => options.room?.() ?? Number.POSITIVE_INFINITY);

  async function worker(): Promise<void> {
    while (!halted()) {
      await room.enter();
      try {
        if (!(await takeOne())) return;
      } finally {
        room.leave();
      }
    }
  }

  async function takeOne(): Promise<boolean> {
    if (halted()) return false;
    let next: IteratorResult<Orphan>;
    try {
      next = await iterator.next();
    } catch (error) {
      listingError ??= error;
      stop("error", `listing failed: ${describeError(error)}`);
      return false;
    }
    if (next.done) {
      exhausted = true;
      return false;
    }
    if (halted()) return false;
    const orphan = next.value;
    report.orphans.matched++;
    try {
      const outcome = await processOrphan(orphan);
      // A dry run deletes nothing: the orphan is only matched (`would_delete` says what would go).
      if (outcome !== "planned") report.orphans[outcome]++;
    } catch (error) {
      if (error instanceof RunHalted) {
        report.orphans.skipped++;
        list("skipped", {
          orphan_sid: orphan.sid,
          resource_sid: orphan.sid,
          reason: "the run stopped before this orphan was finished: run again",
        });
      } else {
        // E.g. the export line could not be written: nothing of this orphan was deleted.
        report.orphans.failed++;
        recordFailure(orphan.sid, orphan.sid, failureOf(error));
        stop("error", describeError(error));
      }
    }
    await options.onDone?.(orphan, report);
    return true;
  }

  /** One orphan: find what is under it, write its export line, then delete children first. */
  async function processOrphan(orphan: Orphan): Promise<ResourceOutcome | "planned"> {
    const collection = resourceCollection(orphan.sid);
    const expected = orphan.kind === "call" ? "Calls" : "Messages";
    // The SID goes into a DELETE URL: one that is not a well-formed SID of its kind is never used.
    if (collection !== expected) {
      count(orphan.kind, "failed");
      recordFailure(
        orphan.sid,
        orphan.sid,
        failureOf(new Error("the server listed a malformed SID: not deleted")),
      );
      return "failed";
    }
    const root: ResourceNode = {
      kind: orphan.kind,
      sid: orphan.sid,
      parentSid: null,
      url: resourceUrl(client, collection, orphan.sid),
      children: [],
      kept: [],
    };
    // What is under it is found before anything is deleted (the dry run lists it too, read-only).
    const unreadable = await discoverChildren(client, [root], beforeRequest);
    if (options.dryRun) {
      const plan = report.would_delete;
      if (plan) {
        plan.orphans++;
        for (const node of preOrder([root])) {
          plan.resources++;
          plan.resources_by_kind[REPORT_KINDS[node.kind]]++;
        }
      }
      return "planned";
    }
    if (options.exportFile) {
      const resources = preOrder([root]).map((n) => ({
        kind: n.kind,
        sid: n.sid,
        parent_sid: n.parentSid ?? undefined,
      }));
      await options.exportFile.append(orphanLine(client, options.serviceSid, orphan, resources));
    }
    return runNode(orphan.sid, root, unreadable);
  }

  async function runNode(
    orphanSid: string,
    node: ResourceNode,
    unreadable: Map<ResourceNode, unknown>,
  ): Promise<ResourceOutcome> {
    if (unreadable.has(node)) {
      count(node.kind, "failed");
      recordFailure(orphanSid, node.sid, failureOf(unreadable.get(node)));
      return "failed";
    }
    const underKind = childKind(node.kind);
    for (const kept of node.kept) {
      if (underKind) count(underKind, "skipped");
      list("skipped", { orphan_sid: orphanSid, resource_sid: kept.resourceSid, reason: kept.reason });
    }
    const outcomes: ResourceOutcome[] = [];
    for (const child of node.children) outcomes.push(await runNode(orphanSid, child, unreadable));
    const fate = parentOutcome(node, outcomes);
    if (fate !== "delete") {
      count(node.kind, fate);
      return fate;
    }
    beforeRequest();
    const outcome = await deleteOne(orphanSid, node);
    count(node.kind, outcome);
    return outcome;
  }

  /** One DELETE: Twilio's answer decides the outcome. */
  async function deleteOne(orphanSid: string, node: ResourceNode): Promise<ResourceOutcome> {
    const answer = await deleteAndRead(client, node.url);
    switch (answer.outcome) {
      case "deleted":
        return "deleted";
      case "gone":
        return "already_gone";
      case "deferred":
        list("deferred", { orphan_sid: orphanSid, resource_sid: node.sid, code: answer.code });
        return "deferred";
      case "failed":
        recordFailure(orphanSid, node.sid, answer.failure);
        return "failed";
    }
  }

  function count(kind: ResourceKind, outcome: ResourceOutcome): void {
    report.resources[outcome]++;
    report.resources_by_kind[REPORT_KINDS[kind]][outcome]++;
  }

  function recordFailure(orphanSid: string, resourceSid: string, failure: DeleteFailure): void {
    const { stop: stopsRun, ...listed } = failure;
    list("failures", { orphan_sid: orphanSid, resource_sid: resourceSid, ...listed });
    if (stopsRun) stop(stopsRun.reason, stopsRun.message);
  }

  await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, () => worker()));
  if (stopReason === null && aborted() && !exhausted)
    stop("interrupted", "interrupted: in-flight work finished, nothing new started");
  await iterator.return?.();
  report.duration_ms = Date.now() - started;
  return { report, listingError };
}
