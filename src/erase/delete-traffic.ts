import type { ApiClient } from "../api/client.js";
import { isGone } from "../api/identity.js";
import { TwilioApiError } from "../errors.js";
import { discoverChildren } from "../purge/discover.js";
import type { ResourceOutcome } from "../purge/outcomes.js";
import { legNode, parentOutcome, type ResourceNode, resourceUrl } from "../purge/plan.js";
import type { TrafficRecord } from "./traffic.js";

/** What happened to the orphans (Messages/Calls linked by no Interaction) of an erasure. */
export interface OrphanDeletion {
  found: number;
  deleted: number;
  already_gone: number;
  deferred: number;
  failed: number;
  /** Dry run: how many would be deleted. */
  would_delete?: number;
  /** Media, Recordings and Transcriptions found under them (deleted first). */
  children: number;
}

/**
 * Deletes Messages/Calls that no Interaction links to, each with what is under it first (Media,
 * Recordings, Transcriptions), using the purge's plan: a parent goes only once each child was deleted
 * or found gone. 20009 (not finalized) is deferred, 20404 already gone; anything else a failure.
 */
export async function deleteOrphanTraffic(
  client: ApiClient,
  orphans: readonly TrafficRecord[],
  dryRun: boolean,
): Promise<OrphanDeletion> {
  const result: OrphanDeletion = {
    found: orphans.length,
    deleted: 0,
    already_gone: 0,
    deferred: 0,
    failed: 0,
    ...(dryRun ? { would_delete: 0 } : {}),
    children: 0,
  };
  for (const orphan of orphans) {
    const collection = orphan.kind === "call" ? "Calls" : "Messages";
    const node = legNode({
      kind: "resource",
      collection,
      sid: orphan.sid,
      url: resourceUrl(client, collection, orphan.sid),
    });
    const unreadable = await discoverChildren(client, [node], () => undefined);
    if (dryRun) {
      result.would_delete = (result.would_delete ?? 0) + 1;
      result.children += countChildren(node);
      continue;
    }
    const outcome = await deleteTree(client, node, unreadable, result);
    if (outcome === "deleted" || outcome === "already_gone" || outcome === "deferred") result[outcome]++;
    else result.failed++;
  }
  return result;
}

function countChildren(node: ResourceNode): number {
  return node.children.reduce((sum, child) => sum + 1 + countChildren(child), 0);
}

async function deleteTree(
  client: ApiClient,
  node: ResourceNode,
  unreadable: Map<ResourceNode, unknown>,
  result: OrphanDeletion,
): Promise<ResourceOutcome> {
  if (unreadable.has(node)) return "failed";
  const outcomes: ResourceOutcome[] = [];
  for (const child of node.children) {
    const outcome = await deleteTree(client, child, unreadable, result);
    if (outcome === "deleted") result.children++;
    outcomes.push(outcome);
  }
  const fate = parentOutcome(node, outcomes);
  if (fate !== "delete") return fate;
  try {
    await client.delete(node.url);
    return "deleted";
  } catch (error) {
    if (isGone(error)) return "already_gone";
    if (error instanceof TwilioApiError && error.code === 20009) return "deferred";
    if (
      error instanceof TwilioApiError &&
      (error.status === 401 || (error.status === 403 && error.code !== 80615))
    )
      throw error;
    return "failed";
  }
}
