import type { ApiClient } from "./client.js";
import { paginate } from "./paginate.js";
import type { Session } from "./types.js";

export function sessionUrl(client: ApiClient, serviceSid: string, sessionSid: string): string {
  return `${client.proxyOrigin}/v1/Services/${serviceSid}/Sessions/${sessionSid}`;
}

export async function* listSessions(client: ApiClient, serviceSid: string): AsyncGenerator<Session> {
  const first = `${client.proxyOrigin}/v1/Services/${serviceSid}/Sessions?PageSize=1000`;
  for await (const page of paginate<Session>(client, first, "sessions")) {
    yield* page.items;
  }
}

export function fetchSession(client: ApiClient, serviceSid: string, sessionSid: string): Promise<Session> {
  return client.getJson<Session>(sessionUrl(client, serviceSid, sessionSid));
}
