/**
 * Finding what is under each leg before anything is deleted (`--include-resources`): a Message's Media
 * (only when its `num_media` is not "0"), a Call's Recordings and each Recording's Transcriptions. One
 * request at a time, depth first; what is found goes into the plan's tree (plan.ts `addChildren`).
 */
import { fetchMessageMediaCount, listChildren } from "../api/child-resources.js";
import type { ApiClient } from "../api/client.js";
import { isGone } from "../api/identity.js";
import { addChildren, childrenOf, mayHaveMedia, type ResourceNode } from "./plan.js";

/** Thrown before a request once the run has stopped (legal hold, credentials refused, an error). */
export class RunHalted extends Error {
  constructor() {
    super("the run stopped");
  }
}

/**
 * Fills in the children of `legs`. Returns the nodes whose children could not be read, with the error:
 * those are never deleted (something under them may remain). A parent found gone (20404) is still
 * listed: a child outlives its parent in Twilio's API, and a run cut off earlier may have left one.
 * A list answered 20404 has nothing left under it.
 */
export async function discoverChildren(
  client: ApiClient,
  legs: readonly ResourceNode[],
  beforeRequest: () => void,
): Promise<Map<ResourceNode, unknown>> {
  const failures = new Map<ResourceNode, unknown>();
  async function visit(node: ResourceNode): Promise<void> {
    const list = childrenOf(client, node);
    if (list === null) return;
    try {
      if (node.kind === "message") {
        beforeRequest();
        const numMedia = await fetchMessageMediaCount(client, node.url, node.sid).catch((error: unknown) => {
          if (isGone(error)) return null;
          throw error;
        });
        if (!mayHaveMedia(numMedia)) return;
      }
      beforeRequest();
      const listed = await listChildren(client, list.url, list.key, list.parentField, node.sid).catch(
        (error: unknown) => {
          if (isGone(error)) return [];
          throw error;
        },
      );
      addChildren(client, node, listed);
    } catch (error) {
      if (error instanceof RunHalted) throw error;
      failures.set(node, error);
      return;
    }
    for (const child of node.children) await visit(child);
  }
  for (const leg of legs) await visit(leg);
  return failures;
}
