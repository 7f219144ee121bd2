import { ResponseShapeError } from "../errors.js";
import type { ApiClient } from "./client.js";
import { mismatches } from "./identity.js";
import { paginate } from "./paginate.js";
import { PROXY_PAGE_SIZE, sessionUrl } from "./sessions.js";

/** A Participant as Proxy v1 returns it; `identifier` is a person's phone number (personal data). */
export interface Participant {
  sid: string;
  session_sid: string | null;
  service_sid: string | null;
  identifier: string | null;
  proxy_identifier: string | null;
}

/** A Session's Participants, every page; each must belong to that Session. */
export async function* listParticipants(
  client: ApiClient,
  serviceSid: string,
  sessionSid: string,
): AsyncGenerator<Participant> {
  const list = `${sessionUrl(client, serviceSid, sessionSid)}/Participants`;
  for await (const page of paginate<Participant>(
    client,
    `${list}?PageSize=${PROXY_PAGE_SIZE}`,
    "participants",
  )) {
    for (const item of page.items) {
      const wrong = mismatches(item, { session_sid: sessionSid, service_sid: serviceSid }, ["service_sid"]);
      if (wrong.length > 0) {
        throw new ResponseShapeError(
          `GET ${new URL(list).pathname}: the server listed a Participant of another Session (its ${wrong.join(", ")} differ)`,
        );
      }
      yield item;
    }
  }
}
