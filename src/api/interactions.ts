import { ResponseShapeError } from "../errors.js";
import type { ApiClient, ApiOrigins } from "./client.js";
import { mismatches } from "./identity.js";
import { type Page, paginate } from "./paginate.js";
import { sessionUrl } from "./sessions.js";
import type { Interaction } from "./types.js";

export function interactionUrl(
  client: ApiOrigins,
  serviceSid: string,
  sessionSid: string,
  sid: string,
): string {
  return `${sessionUrl(client, serviceSid, sessionSid)}/Interactions/${sid}`;
}

/** The pages of a Session's Interactions; every item must belong to that Session (and Service). */
export async function* listInteractionPages(
  client: ApiClient,
  serviceSid: string,
  sessionSid: string,
  pageSize: number,
): AsyncGenerator<Page<Interaction>> {
  const list = `${sessionUrl(client, serviceSid, sessionSid)}/Interactions`;
  for await (const page of paginate<Interaction>(client, `${list}?PageSize=${pageSize}`, "interactions")) {
    for (const item of page.items) {
      const wrong = mismatches(item, { session_sid: sessionSid, service_sid: serviceSid }, ["service_sid"]);
      if (wrong.length > 0) {
        throw new ResponseShapeError(
          `GET ${new URL(list).pathname}: the server listed an Interaction of another Session (its ${wrong.join(", ")} differ): stopping, nothing of it is deleted`,
        );
      }
    }
    yield page;
  }
}

/** The Interaction asked for, checked to be it: a misrouted answer is never acted on. */
export async function fetchInteraction(
  client: ApiClient,
  serviceSid: string,
  sessionSid: string,
  sid: string,
): Promise<Interaction> {
  const url = interactionUrl(client, serviceSid, sessionSid, sid);
  const body = await client.getJson<Record<string, unknown>>(url);
  const asked = { sid, session_sid: sessionSid, account_sid: client.accountSid, service_sid: serviceSid };
  const wrong = mismatches(body, asked, ["service_sid"]);
  if (wrong.length > 0) {
    throw new ResponseShapeError(
      `GET ${new URL(url).pathname}: the response does not answer the request (its ${wrong.join(", ")} differ from the ones asked for): not acted on`,
    );
  }
  return body as unknown as Interaction;
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
