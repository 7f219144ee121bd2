import type { ApiClient } from "./client.js";

export type LinkedResourceKind = "Messages" | "Calls";

const RESOURCE_SID = /^[A-Z]{2}[0-9a-fA-F]{32}$/;

/**
 * Which API v2010 collection a linked resource SID lives in: SM/MM are Messages, CA are Calls.
 * Anything else (e.g. a Conversations message, IM…, as Flex deployments link) is not ours to delete.
 */
export function linkedResourceKind(sid: string): LinkedResourceKind | null {
  if (!RESOURCE_SID.test(sid)) return null;
  const prefix = sid.slice(0, 2);
  if (prefix === "SM" || prefix === "MM") return "Messages";
  if (prefix === "CA") return "Calls";
  return null;
}

/**
 * The v2010 URL is built from the SID and our Account SID, never taken from the Interaction's
 * `*_resource_url`, so a tampered or foreign URL can never receive a DELETE.
 */
export function linkedResourceUrl(client: ApiClient, sid: string): string | null {
  const kind = linkedResourceKind(sid);
  if (kind === null) return null;
  return `${client.apiOrigin}/2010-04-01/Accounts/${client.accountSid}/${kind}/${sid}.json`;
}

/** DELETE a Message or Call; 204 on success. Twilio answers 20009 while it is not finalized yet. */
export function deleteLinkedResource(client: ApiClient, url: string): Promise<void> {
  return client.delete(url);
}
