import type { ApiClient } from "../api/client.js";
import { deleteInteraction } from "../api/interactions.js";
import { deleteLinkedResource, linkedResourceUrl } from "../api/resources.js";
import type { Interaction } from "../api/types.js";
import { describeError, TwilioApiError } from "../errors.js";
import { isSid } from "../sids.js";
import type { ExportFile } from "./export-file.js";
import {
  addListed,
  emptyReport,
  type PurgeReport,
  type ResourceOutcome,
  type StopReason,
} from "./outcomes.js";

/** One Interaction to delete. `interaction` is null when `delete` found it already gone. */
export interface PurgeTarget {
  sid: string;
  serviceSid: string;
  sessionSid: string;
  interaction: Interaction | null;
}

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
const NOT_FOUND = 20404; // the resource does not exist (any more)
const LEGAL_HOLD = 80615; // account on legal hold: nothing can be deleted, never retry

/**
 * The delete engine shared by `delete` and `purge`: a pool of workers pulling from the (streamed) list,
 * so memory stays flat. For each Interaction, with --include-resources, its linked Messages/Calls are
 * deleted first, and the Interaction only when every one of them is deleted or already gone: once the
 * Interaction is gone, nothing in Proxy points at them any more, and they would be orphaned.
 */
export async function runPurge(
  client: ApiClient,
  targets: AsyncIterable<PurgeTarget>,
  options: PurgeOptions,
): Promise<PurgeResult> {
  const started = Date.now();
  const report = emptyReport(options.dryRun, options.includeResources);
  const sessions = new Set<string>();
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
    const { interaction } = target;
    if (interaction === null) {
      report.interactions.already_gone++;
      return;
    }
    // The SID goes into a DELETE URL: a malformed one (e.g. "..") could name the Session instead.
    if (!isSid(target.sid, ["KI"]) || !isSid(target.sessionSid, ["KC"])) {
      report.interactions.failed++;
      recordFailure(
        target.sid,
        null,
        new Error(`the server listed a malformed Interaction SID: not deleted`),
      );
      return;
    }
    if (interaction.account_sid && interaction.account_sid !== client.accountSid) {
      report.interactions.skipped++;
      addListed(report, "skipped", {
        interaction_sid: target.sid,
        resource_sid: target.sid,
        reason: `belongs to another account (${interaction.account_sid}): its Messages and Calls are not in ours`,
      });
      return;
    }
    const legs = options.includeResources ? linkedSids(interaction) : [];
    if (options.dryRun) return planDryRun(legs);

    let exported = false;
    const beforeDelete = async () => {
      if (!exported && options.exportFile) await options.exportFile.append(interaction);
      exported = true;
    };
    const outcomes: ResourceOutcome[] = [];
    for (const resourceSid of legs) {
      outcomes.push(await deleteResource(target.sid, resourceSid, beforeDelete));
    }
    if (outcomes.includes("failed")) report.interactions.failed++;
    else if (outcomes.includes("skipped")) report.interactions.skipped++;
    else if (outcomes.includes("deferred")) report.interactions.deferred++;
    else {
      await beforeDelete();
      await deleteTheInteraction(target);
    }
  }

  function planDryRun(legs: string[]): void {
    const plan = report.would_delete;
    if (!plan) return;
    const deletable = legs.filter((sid) => linkedResourceUrl(client, sid) !== null).length;
    plan.resources += deletable;
    plan.skipped_resources += legs.length - deletable;
    if (deletable === legs.length) plan.interactions++;
  }

  async function deleteResource(
    interactionSid: string,
    resourceSid: string,
    beforeDelete: () => Promise<void>,
  ): Promise<ResourceOutcome> {
    const url = linkedResourceUrl(client, resourceSid);
    if (url === null) {
      report.resources.skipped++;
      addListed(report, "skipped", {
        interaction_sid: interactionSid,
        resource_sid: resourceSid,
        reason: `${resourceSid.slice(0, 2)} resources are not Messages or Calls: proxy-ix cannot delete them`,
      });
      return "skipped";
    }
    await beforeDelete();
    try {
      await deleteLinkedResource(client, url);
      report.resources.deleted++;
      return "deleted";
    } catch (error) {
      if (isGone(error)) {
        report.resources.already_gone++;
        return "already_gone";
      }
      if (error instanceof TwilioApiError && error.code === NOT_FINALIZED) {
        report.resources.deferred++;
        addListed(report, "deferred", {
          interaction_sid: interactionSid,
          resource_sid: resourceSid,
          code: NOT_FINALIZED,
        });
        return "deferred";
      }
      report.resources.failed++;
      recordFailure(interactionSid, resourceSid, error);
      return "failed";
    }
  }

  async function deleteTheInteraction(target: PurgeTarget): Promise<void> {
    try {
      await deleteInteraction(client, target.serviceSid, target.sessionSid, target.sid);
      report.interactions.deleted++;
    } catch (error) {
      if (isGone(error)) {
        report.interactions.already_gone++;
        return;
      }
      if (error instanceof TwilioApiError && error.code === NOT_FINALIZED) {
        report.interactions.deferred++;
        addListed(report, "deferred", {
          interaction_sid: target.sid,
          resource_sid: target.sid,
          code: NOT_FINALIZED,
        });
        return;
      }
      report.interactions.failed++;
      recordFailure(target.sid, null, error);
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

/**
 * Gone means Twilio said so: a 404 with Twilio's 20404. A 404 from anything else (a gateway, a wrong
 * host or account in the URL) proves nothing, and taking it for "already gone" would let the
 * Interaction be deleted while its Message still exists.
 */
function isGone(error: unknown): boolean {
  return error instanceof TwilioApiError && error.status === 404 && error.code === NOT_FOUND;
}

/** The linked resource SIDs of an Interaction: inbound and outbound, when present, each once. */
export function linkedSids(interaction: Interaction): string[] {
  const sids = [interaction.inbound_resource_sid, interaction.outbound_resource_sid].filter(
    (sid): sid is string => typeof sid === "string" && sid.length > 0,
  );
  return [...new Set(sids)];
}
