/** Proxy v1 speaks ISO 8601 (`2015-07-30T20:00:00Z`); API v2010 speaks RFC 2822 (`Fri, 24 May 2019 17:18:27 +0000`). */

export function isoDate(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

export function isoDateOrNull(ms: number | null): string | null {
  return ms === null ? null : isoDate(ms);
}

export function rfc2822Date(ms: number): string {
  // toUTCString() is RFC 7231's form ("… GMT"); Twilio writes the numeric zone instead.
  return new Date(ms).toUTCString().replace(/GMT$/, "+0000");
}

export function rfc2822DateOrNull(ms: number | null): string | null {
  return ms === null ? null : rfc2822Date(ms);
}
