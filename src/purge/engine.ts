import type { ApiClient } from "../api/client.js";
import { isGone } from "../api/identity.js";
import type { Interaction } from "../api/types.js";
import { describeError, TwilioApiError } from "../errors.js";
import type { ExportFile } from "./export-file.js";
import {
  addListed,
  emptyReport,
  type PurgeReport,
  type ResourceOutcome,
  type StopReason,
} from "./outcomes.js";
import {
  addToTotals,
  emptyTotals,
  interactionOutcome,
  type PurgeTarget,
  planDeletion,
  type Step,
  wouldDelete,
} from "./plan.js";

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
  /** Called after each Interaction, e.g. to update a spinner or print the dry-run plan. */
  onDone?(target: PurgeTarget, report: PurgeReport): void | Promise<void>;
}

/** Twilio error codes that change what the run does (https://www.twilio.com/docs/api/errors). */
const NOT_FINALIZED = 20009; // message still sending / call in progress: retry in a later run
const LEGAL_HOLD = 80615; // account on legal hold: nothing can be deleted, never retry

/**
 * The delete engine shared by `delete` and `purge`: a pool of workers pulling from the (streamed) list,
 * so memory stays flat. What to delete and in which order is the plan's decision (plan.ts: linked
 * Messages/Calls first, the Interaction last and only once each of them is deleted or already gone,
 * since nothing in Proxy points at them afterwards); the engine runs its steps and counts the outcomes.
 */
export async function runPurge(
  client: ApiClient,
  targets: AsyncIterable<PurgeTarget>,
  options: PurgeOptions,
): Promise<PurgeResult> {
  const started = Date.now();
  const report = emptyReport(options.dryRun, options.includeResources);
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

  async function worker(): Promise<void> {
    while (stopReason === null && !options.stop.aborted) {
      let next: IteratorResult<PurgeTarget>;
      try {
        next = await iterator.next();
      } catch (error) {
        listingError ??= error;
        stop("error", `listing failed: ${describeError(error)}`);
        return;
      }
      if (next.done) {
        exhausted = true;
        return;
      }
      // A worker may have been waiting on the list while the run was stopped: do not start this one.
      if (stopReason !== null || options.stop.aborted) return;
      const target = next.value;
      sessions.add(target.sessionSid);
      report.interactions.matched++;
      try {
        await processTarget(target);
      } catch (error) {
        // E.g. the export file could not be written: this Interaction was not touched (its line
        // comes before any DELETE); stop starting new ones, and still report what was done.
        report.interactions.failed++;
        recordFailure(target.sid, null, error);
        stop("error", describeError(error));
      }
      report.sessions = sessions.size;
      await options.onDone?.(target, report);
    }
  }

  async function processTarget(target: PurgeTarget): Promise<void> {
    const plan = planDeletion(target, client, options.includeResources);
    if (plan.verdict === "already_gone") {
      report.interactions.already_gone++;
      return;
    }
    if (plan.verdict === "invalid") {
      report.interactions.failed++;
      recordFailure(target.sid, null, new Error(plan.reason ?? "invalid"));
      return;
    }
    if (plan.reason !== null) {
      report.interactions.skipped++;
      addListed(report, "skipped", {
        interaction_sid: target.sid,
        resource_sid: target.sid,
        reason: plan.reason,
      });
      return;
    }
    if (options.dryRun) {
      // The dry run counts with the same totals as the confirmation prompt.
      addToTotals(planned, target, plan);
      if (report.would_delete) report.would_delete = wouldDelete(planned);
      return;
    }
    for (const leg of plan.kept) {
      report.resources.skipped++;
      addListed(report, "skipped", {
        interaction_sid: target.sid,
        resource_sid: leg.resourceSid,
        reason: leg.reason,
      });
    }
    const interaction = target.interaction as Interaction;
    let exported = false;
    const outcomes: ResourceOutcome[] = [];
    for (const step of plan.steps) {
      const next = step.kind === "interaction" ? interactionOutcome(plan, outcomes) : "delete";
      if (next !== "delete") {
        report.interactions[next]++;
        return;
      }
      // The export line is written (and synced) before the first DELETE that concerns this Interaction.
      if (!exported && options.exportFile) await options.exportFile.append(interaction);
      exported = true;
      const outcome = await deleteStep(target.sid, step);
      // The Interaction's own DELETE counted itself (deleted, already gone, deferred or failed).
      if (step.kind === "interaction") return;
      outcomes.push(outcome);
    }
    // No Interaction step (a leg was kept): the Interaction is counted by its legs.
    const kept = interactionOutcome(plan, outcomes);
    if (kept !== "delete") report.interactions[kept]++;
  }

  /** One DELETE of the plan, counted under resources or interactions: Twilio's answer decides the outcome. */
  async function deleteStep(interactionSid: string, step: Step): Promise<ResourceOutcome> {
    const counts = step.kind === "resource" ? report.resources : report.interactions;
    const resourceSid = step.kind === "resource" ? step.sid : null;
    try {
      await client.delete(step.url);
      counts.deleted++;
      return "deleted";
    } catch (error) {
      if (isGone(error)) {
        counts.already_gone++;
        return "already_gone";
      }
      if (error instanceof TwilioApiError && error.code === NOT_FINALIZED) {
        counts.deferred++;
        addListed(report, "deferred", {
          interaction_sid: interactionSid,
          resource_sid: resourceSid ?? interactionSid,
          code: NOT_FINALIZED,
        });
        return "deferred";
      }
      counts.failed++;
      recordFailure(interactionSid, resourceSid, error);
      return "failed";
    }
  }

  function recordFailure(interactionSid: string, resourceSid: string | null, error: unknown): void {
    const api = error instanceof TwilioApiError ? error : null;
    addListed(report, "failures", {
      interaction_sid: interactionSid,
      resource_sid: resourceSid,
      status: api?.status ?? null,
      code: api?.code ?? null,
      message: api ? api.message : describeError(error),
    });
    if (api?.code === LEGAL_HOLD)
      stop("legal_hold", `the account is on legal hold (Twilio error ${LEGAL_HOLD}): nothing can be deleted`);
    else if (api && (api.status === 401 || api.status === 403))
      stop("auth", `authentication refused: ${api.message}`);
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
