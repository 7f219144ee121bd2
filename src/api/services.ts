import type { ApiClient } from "./client.js";
import { paginate } from "./paginate.js";
import { PROXY_PAGE_SIZE } from "./sessions.js";
import type { Service } from "./types.js";

export async function* listServices(client: ApiClient): AsyncGenerator<Service> {
  for await (const page of paginate<Service>(
    client,
    `${client.proxyOrigin}/v1/Services?PageSize=${PROXY_PAGE_SIZE}`,
    "services",
  )) {
    yield* page.items;
  }
}
