import type { ApiClient } from "../api/client.js";
import { isGone } from "../api/identity.js";
import type { Interaction } from "../api/types.js";
import { resourceCollection, resourceUrl } from "../purge/plan.js";
import { interactionsOf } from "./interactions.js";

/** A Message/Call an Interaction says exists, which the API answers 20404 for. */
export interface UnreachableResource {
  sid: string;
  kind: "message" | "call";
  interaction_sid: string;
  session_sid: string;
  /** What the Interaction says of it (`inbound_resource_status`/`outbound_resource_status`). */
  linked_status: string;
}

/**
 * The linked Messages/Calls of the Sessions that Twilio cannot show any more although their Interaction
 * does not say they were deleted (`*_resource_status` other than `deleted`): typically past the
 * account's retention window (13 months by default), when Twilio keeps them out of the API — they cannot
 * be erased through it, and a DELETE would answer 20404 like for a resource that is gone. Each such leg
 * is read once (GET) before anything is deleted; the erasure then reports them as left.
 */
export async function findUnreachable(
  client: ApiClient,
  serviceSid: string,
  sessionSids: readonly string[],
): Promise<UnreachableResource[]> {
  const found: UnreachableResource[] = [];
  const checks: Promise<void>[] = [];
  const check = async (interaction: Interaction, sessionSid: string, direction: "inbound" | "outbound") => {
    const sid = interaction[`${direction}_resource_sid`];
    const status = interaction[`${direction}_resource_status`];
    const collection = typeof sid === "string" ? resourceCollection(sid) : null;
    if (collection === null || typeof sid !== "string" || typeof status !== "string" || status === "deleted")
      return;
    try {
      await client.getJson(resourceUrl(client, collection, sid));
    } catch (error) {
      if (!isGone(error)) throw error;
      found.push({
        sid,
        kind: collection === "Calls" ? "call" : "message",
        interaction_sid: interaction.sid,
        session_sid: sessionSid,
        linked_status: status,
      });
    }
  };
  for await (const target of interactionsOf(client, serviceSid, sessionSids)) {
    const { interaction } = target;
    if (interaction === null) continue;
    // Up to 64 checks are started at once; the requests themselves wait on the client's gate.
    for (const direction of ["inbound", "outbound"] as const)
      checks.push(check(interaction, target.sessionSid, direction));
    if (checks.length >= 64) await Promise.all(checks.splice(0));
  }
  await Promise.all(checks);
  return found;
}
