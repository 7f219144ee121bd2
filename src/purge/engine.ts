import type { ApiClient } from "../api/client.js";
import { describeError } from "../errors.js";
import { type DeleteFailure, deleteAndRead, failureOf } from "./delete-answer.js";
import { discoverChildren, RunHalted } from "./discover.js";
import type { ExportFile } from "./export-file.js";
import { interactionLine } from "./export-line.js";
import {
  addListed,
  emptyReport,
  type ListedKey,
  type PurgeReport,
  type ResourceOutcome,
  type StopReason,
} from "./outcomes.js";
import {
  addChildrenToTotals,
  addToTotals,
  childKind,
  DEFAULT_VISIBLE_DAYS,
  emptyTotals,
  interactionOutcome,
  legNode,
  type MissingOutcome,
  type PurgeTarget,
  parentOutcome,
  planDeletion,
  preOrder,
  REPORT_KINDS,
  type ResourceKind,
  type ResourceNode,
  type ResourceStep,
  type Step,
  type Visibility,
  wouldDelete,
} from "./plan.js";
import { Room } from "./room.js";

export type { PurgeTarget };

/** The report, and the error that stopped the listing, if one did (not part of the JSON report). */
export interface PurgeResult {
  report: PurgeReport;
  listingError: unknown;
}

export interface PurgeOptions {
  dryRun: boolean;
  includeResources: boolean;
  /** How many Interactions are worked on at once (requests on the wire are limited by the client's gate). */
  concurrency: number;
  exportFile: ExportFile | null;
  /** Aborted on Ctrl-C: no new Interaction is started; those in flight finish. */
  stop: AbortSignal;
  /**
   * How many Interactions may be in progress at once (e.g. the adaptive limiter's current limit): a
   * worker takes a new one only below it, so none is pulled from the list to wait for a request slot.
   */
  room?(): number;
  /** Lets the engine hear when room() grows other than when an Interaction ends (see AdaptiveLimiter.room). */
  onRoom?(grew: () => void): void;
  /**
   * A linked resource answering 404/20404 counts as already gone only for an Interaction created within
   * this many days; for an older one it may be archived: not visible, and the Interaction is kept.
   */
  visibleDays?: number;
  /** Called after each Interaction, e.g. to update a spinner or print the dry-run plan. */
  onDone?(target: PurgeTarget, report: PurgeReport): void | Promise<void>;
}

/** The Interaction a resource belongs to, as the outcome of a 404/20404 for it needs it. */
interface Owner {
  sid: string;
  missing: MissingOutcome;
  dateCreated: string | null;
}

/** Twilio error codes that change what the run does (https://www.twilio.com/docs/api/errors). */

/**
 * The delete engine shared by `delete` and `purge`: a pool of workers pulling from the (streamed) list,
 * so memory stays flat. What to delete and in which order is the plan's decision (plan.ts: children
 * before parents — Media, then their Message; Transcriptions, then their Recording, then its Call —
 * and the Interaction last, each only once everything under it is deleted or already gone, since
 * nothing points at a child once its parent is gone). Per Interaction the engine first finds what is
 * under its legs (discover.ts), writes the export line, then runs the tree and counts the outcomes.
 */
export async function runPurge(
  client: ApiClient,
  targets: AsyncIterable<PurgeTarget>,
  options: PurgeOptions,
): Promise<PurgeResult> {
  const started = Date.now();
  // One instant for the whole run: an Interaction's age does not change while the run goes on.
  const visibility: Visibility = { days: options.visibleDays ?? DEFAULT_VISIBLE_DAYS, nowMs: started };
  const report = emptyReport(options.dryRun, options.includeResources);
  // Every listed entry names its Session: a report line must say where to look without the export.
  const sessionOf = new Map<string, string>();
  const listEntry = <K extends ListedKey>(key: K, entry: Omit<PurgeReport[K][number], "session_sid">) =>
    addListed(report, key, {
      ...entry,
      session_sid: sessionOf.get(entry.interaction_sid) ?? null,
    } as PurgeReport[K][number]);
  const sessions = new Set<string>();
  const planned = emptyTotals();
  const iterator = targets[Symbol.asyncIterator]();
  let stopReason: StopReason | null = null;
  let listingError: unknown;
  let exhausted = false;

  const stop = (reason: StopReason, message: string) => {
    if (stopReason === null) {
      stopReason = reason;
      report.stopped = reason;
      report.stopped_message = message;
    }
  };

  // Interactions in progress (a worker waiting on the list counts), and the workers waiting for room.
  const room = new Room(() => options.room?.() ?? Number.POSITIVE_INFINITY);
  options.onRoom?.(() => room.admit());
  const halted = () => stopReason !== null;
  /**
   * Called before every request: after a legal hold (80615) or refused credentials, nothing more is
   * sent, since every request would be refused too. After another stop (the export file could not be
   * written, the listing failed) the Interactions in progress finish, as on Ctrl-C: their export lines
   * are already on disk.
   */
  const beforeRequest = () => {
    if (stopReason === "legal_hold" || stopReason === "auth") throw new RunHalted();
  };

  async function worker(): Promise<void> {
    while (!halted() && !options.stop.aborted) {
      await room.enter();
      try {
        if (!(await takeOne())) return;
      } finally {
        room.leave();
      }
    }
  }

  /** Takes the next Interaction from the list and works on it; false when there is nothing to take. */
  async function takeOne(): Promise<boolean> {
    // A worker may have waited for room while the run was stopped: do not start another.
    if (halted() || options.stop.aborted) return false;
    let next: IteratorResult<PurgeTarget>;
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
    // A worker may have been waiting on the list while the run was stopped: do not start this one.
    if (halted() || options.stop.aborted) return false;
    const target = next.value;
    sessions.add(target.sessionSid);
    sessionOf.set(target.sid, target.sessionSid);
    report.interactions.matched++;
    try {
      await processTarget(target);
    } catch (error) {
      if (error instanceof RunHalted) {
        // Cut short by another Interaction's stop (e.g. 80615): kept, nothing more was sent for it.
        report.interactions.skipped++;
        listEntry("skipped", {
          interaction_sid: target.sid,
          resource_sid: target.sid,
          reason: "the run stopped before this Interaction was finished: run again",
        });
      } else {
        // E.g. the export file could not be written: this Interaction was not touched (its line
        // comes before any DELETE); stop starting new ones, and still report what was done.
        report.interactions.failed++;
        recordFailure(target.sid, null, failureOf(error));
        stop("error", describeError(error));
      }
    }
    report.sessions = sessions.size;
    sessionOf.delete(target.sid);
    await options.onDone?.(target, report);
    return true;
  }

  async function processTarget(target: PurgeTarget): Promise<void> {
    const plan = planDeletion(target, client, options.includeResources, visibility);
    if (plan.verdict === "already_gone") {
      report.interactions.already_gone++;
      return;
    }
    if (plan.verdict === "invalid") {
      report.interactions.failed++;
      recordFailure(target.sid, null, failureOf(new Error(plan.reason ?? "invalid")));
      return;
    }
    if (plan.reason !== null) {
      report.interactions.skipped++;
      listEntry("skipped", {
        interaction_sid: target.sid,
        resource_sid: target.sid,
        reason: plan.reason,
      });
      return;
    }
    const legs = plan.steps.filter((step): step is ResourceStep => step.kind === "resource").map(legNode);
    // What is under each leg is found before anything is deleted (the dry run lists it too, read-only).
    const unreadable = legs.length > 0 ? await discoverChildren(client, legs, beforeRequest) : new Map();
    if (options.dryRun) {
      // The dry run counts with the same totals as the confirmation prompt, and the children it found.
      addToTotals(planned, target, plan);
      addChildrenToTotals(planned, legs);
      if (report.would_delete) report.would_delete = wouldDelete(planned);
      return;
    }
    for (const leg of plan.kept) {
      report.resources.skipped++;
      listEntry("skipped", {
        interaction_sid: target.sid,
        resource_sid: leg.resourceSid,
        reason: leg.reason,
      });
    }
    // The export line is written (and synced) before the first DELETE that concerns this Interaction.
    if (plan.steps.length > 0 && options.exportFile) {
      const found = legs.length > 0 ? preOrder(legs) : exportedLegs(target);
      const resources = found.map((n) => ({
        kind: n.kind,
        sid: n.sid,
        parent_sid: n.parentSid ?? undefined,
      }));
      await options.exportFile.append(interactionLine(client, target, resources));
    }
    const owner: Owner = {
      sid: target.sid,
      missing: plan.missing,
      dateCreated:
        typeof target.interaction?.date_created === "string" ? target.interaction.date_created : null,
    };
    const outcomes: ResourceOutcome[] = [];
    for (const leg of legs) outcomes.push(await runNode(owner, leg, unreadable));
    const last = plan.steps.at(-1);
    const next = interactionOutcome(plan, outcomes);
    if (last?.kind === "interaction" && next === "delete") {
      beforeRequest();
      // The Interaction's own DELETE counts itself (deleted, already gone, deferred or failed).
      await deleteStep(owner, last);
      return;
    }
    // Kept (a leg was kept, deferred or failed): the Interaction is counted by its legs.
    if (next !== "delete") report.interactions[next]++;
  }

  /** The legs of an Interaction, for the export when nothing under them is looked at. */
  function exportedLegs(target: PurgeTarget): ResourceNode[] {
    const all = planDeletion(target, client, true, visibility).steps;
    return all.filter((step): step is ResourceStep => step.kind === "resource").map(legNode);
  }

  /**
   * One resource and everything under it: the children first, then the resource itself, only once each
   * child was deleted or found gone. A resource kept for a child counts like that child.
   */
  async function runNode(
    owner: Owner,
    node: ResourceNode,
    unreadable: Map<ResourceNode, unknown>,
  ): Promise<ResourceOutcome> {
    const interactionSid = owner.sid;
    if (unreadable.has(node)) {
      count(node.kind, "failed");
      recordFailure(interactionSid, node.sid, failureOf(unreadable.get(node)));
      return "failed";
    }
    const underKind = childKind(node.kind);
    for (const kept of node.kept) {
      if (underKind) count(underKind, "skipped");
      listEntry("skipped", {
        interaction_sid: interactionSid,
        resource_sid: kept.resourceSid,
        reason: kept.reason,
      });
    }
    const outcomes: ResourceOutcome[] = [];
    for (const child of node.children) outcomes.push(await runNode(owner, child, unreadable));
    const fate = parentOutcome(node, outcomes);
    if (fate !== "delete") {
      count(node.kind, fate);
      return fate;
    }
    beforeRequest();
    return deleteStep(owner, { kind: "resource", sid: node.sid, url: node.url }, node.kind);
  }

  function count(kind: ResourceKind, outcome: ResourceOutcome): void {
    report.resources[outcome]++;
    report.resources_by_kind[REPORT_KINDS[kind]][outcome]++;
  }

  /** One DELETE of the plan, counted under resources or interactions: Twilio's answer decides the outcome. */
  async function deleteStep(
    owner: Owner,
    step: Pick<Step, "sid" | "url"> & { kind: Step["kind"] },
    kind: ResourceKind | null = null,
  ): Promise<ResourceOutcome> {
    const interactionSid = owner.sid;
    const resourceSid = step.kind === "resource" ? step.sid : null;
    const tally = (outcome: ResourceOutcome) => {
      if (kind === null) report.interactions[outcome]++;
      else count(kind, outcome);
    };
    const answer = await deleteAndRead(client, step.url);
    switch (answer.outcome) {
      case "deleted":
        tally("deleted");
        return "deleted";
      case "gone": {
        // The Interaction itself is a Proxy resource: its 20404 always means gone. A resource's depends
        // on the Interaction's age (plan.ts, missingOutcome).
        const outcome = resourceSid === null ? "already_gone" : owner.missing;
        tally(outcome);
        if (outcome === "not_visible" && resourceSid !== null) {
          listEntry("not_visible", {
            interaction_sid: interactionSid,
            resource_sid: resourceSid,
            interaction_date_created: owner.dateCreated,
          });
        }
        return outcome;
      }
      case "deferred":
        tally("deferred");
        listEntry("deferred", {
          interaction_sid: interactionSid,
          resource_sid: resourceSid ?? interactionSid,
          code: answer.code,
        });
        return "deferred";
      case "failed":
        tally("failed");
        recordFailure(interactionSid, resourceSid, answer.failure);
        return "failed";
    }
  }

  function recordFailure(interactionSid: string, resourceSid: string | null, failure: DeleteFailure): void {
    const { stop: stopsRun, ...listed } = failure;
    listEntry("failures", { interaction_sid: interactionSid, resource_sid: resourceSid, ...listed });
    if (stopsRun) stop(stopsRun.reason, stopsRun.message);
  }

  const workers = Array.from({ length: Math.max(1, options.concurrency) }, () => worker());
  await Promise.all(workers);
  if (stopReason === null && options.stop.aborted && !exhausted)
    stop("interrupted", "interrupted: in-flight work finished, nothing new started");
  // Let the list generator clean up (it may be paused mid-page).
  await iterator.return?.();
  report.duration_ms = Date.now() - started;
  return { report, listingError };
}
