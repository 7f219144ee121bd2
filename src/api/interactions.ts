import type { ApiClient } from "./client.js";
import { type Page, paginate } from "./paginate.js";
import { sessionUrl } from "./sessions.js";
import type { Interaction } from "./types.js";

export function interactionUrl(
  client: ApiClient,
  serviceSid: string,
  sessionSid: string,
  sid: string,
): string {
  return `${sessionUrl(client, serviceSid, sessionSid)}/Interactions/${sid}`;
}

export function listInteractionPages(
  client: ApiClient,
  serviceSid: string,
  sessionSid: string,
  pageSize: number,
): AsyncGenerator<Page<Interaction>> {
  const first = `${sessionUrl(client, serviceSid, sessionSid)}/Interactions?PageSize=${pageSize}`;
  return paginate<Interaction>(client, first, "interactions");
}

export function fetchInteraction(
  client: ApiClient,
  serviceSid: string,
  sessionSid: string,
  sid: string,
): Promise<Interaction> {
  return client.getJson<Interaction>(interactionUrl(client, serviceSid, sessionSid, sid));
}

/** DELETE answers 204. Twilio does not cascade: the linked Message/Call stays (see resources.ts). */
export function deleteInteraction(
  client: ApiClient,
  serviceSid: string,
  sessionSid: string,
  sid: string,
): Promise<void> {
  return client.delete(interactionUrl(client, serviceSid, sessionSid, sid));
}
