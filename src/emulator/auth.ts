/**
 * HTTP Basic auth as Twilio takes it: Account SID + Auth Token, or API Key SID + API Key Secret.
 * Anything else is 401 / 20003 (https://www.twilio.com/docs/errors/20003).
 */

export interface Credentials {
  accountSid: string;
  authToken: string;
  apiKey: string;
  apiSecret: string;
}

export function isAuthorized(header: string | undefined, credentials: Credentials): boolean {
  if (!header) return false;
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m?.[1]) return false;
  const decoded = Buffer.from(m[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return false;
  const user = decoded.slice(0, colon);
  const secret = decoded.slice(colon + 1);
  return (
    (user === credentials.accountSid && secret === credentials.authToken) ||
    (user === credentials.apiKey && secret === credentials.apiSecret)
  );
}
