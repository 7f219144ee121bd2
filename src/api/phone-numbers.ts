import type { ApiClient } from "./client.js";
import { paginate } from "./paginate.js";
import type { PhoneNumber } from "./types.js";

/** The Service's proxy numbers (a Proxy list: `meta.next_page_url` paging). */
export async function* listPhoneNumbers(client: ApiClient, serviceSid: string): AsyncGenerator<PhoneNumber> {
  const first = `${client.proxyOrigin}/v1/Services/${serviceSid}/PhoneNumbers?PageSize=1000`;
  for await (const page of paginate<PhoneNumber>(client, first, "phone_numbers")) {
    yield* page.items;
  }
}
