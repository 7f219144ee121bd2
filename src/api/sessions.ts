import { ResponseShapeError } from "../errors.js";
import type { ApiClient, ApiOrigins } from "./client.js";
import { mismatches } from "./identity.js";
import { paginate } from "./paginate.js";
import type { Session } from "./types.js";

export function sessionUrl(client: ApiOrigins, serviceSid: string, sessionSid: string): string {
  return `${client.proxyOrigin}/v1/Services/${serviceSid}/Sessions/${sessionSid}`;
}

export async function* listSessions(client: ApiClient, serviceSid: string): AsyncGenerator<Session> {
  const first = `${client.proxyOrigin}/v1/Services/${serviceSid}/Sessions?PageSize=${PROXY_PAGE_SIZE}`;
  for await (const page of paginate<Session>(client, first, "sessions")) {
    yield* page.items;
  }
}

/** Twilio returns at most 100 records a page from Proxy lists, whatever PageSize asks for. */
export const PROXY_PAGE_SIZE = 100;

export async function fetchSession(
  client: ApiClient,
  serviceSid: string,
  sessionSid: string,
): Promise<Session> {
  const url = sessionUrl(client, serviceSid, sessionSid);
  const body = await client.getJson<Record<string, unknown>>(url);
  const wrong = mismatches(body, { sid: sessionSid, service_sid: serviceSid }, ["service_sid"]);
  if (wrong.length > 0) {
    throw new ResponseShapeError(
      `GET ${new URL(url).pathname}: the response does not answer the request (its ${wrong.join(", ")} differ from the ones asked for)`,
    );
  }
  return body as unknown as Session;
}
