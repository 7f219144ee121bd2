import type { ApiClient } from "../api/client.js";
import { isGone } from "../api/identity.js";
import { listServices } from "../api/services.js";
import { fetchSession } from "../api/sessions.js";
import { NotFoundError, UsageError } from "../errors.js";

/**
 * The Service to work in: the configured one; else the account's only one; else the one that holds the
 * given Session; else a clear error. So `proxy-ix list --session KC…` works as written.
 */
export async function resolveServiceSid(
  client: ApiClient,
  configured: string | undefined,
  sessionSids: string[],
): Promise<string> {
  if (configured) return configured;
  const services: string[] = [];
  for await (const service of listServices(client)) services.push(service.sid);
  if (services.length === 1 && services[0]) return services[0];
  if (services.length === 0) throw new NotFoundError("the account has no Proxy Services");
  const [session] = sessionSids;
  if (session === undefined) {
    throw new UsageError(
      `the account has ${services.length} Proxy Services (${services.join(", ")}): choose one with --service or PROXY_IX_SERVICE_SID`,
    );
  }
  for (const serviceSid of services) {
    try {
      await fetchSession(client, serviceSid, session);
      return serviceSid;
    } catch (error) {
      // Only Twilio's 20404 says "not in this Service"; a gateway's 404 page proves nothing.
      if (!isGone(error)) throw error;
    }
  }
  throw new NotFoundError(
    `Session ${session} was not found in any of the account's ${services.length} Proxy Services`,
  );
}
