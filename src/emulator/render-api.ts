/**
 * v2010 Messages and Calls as Twilio's JSON. Unlike Proxy v1, v2010 gives `uri` and `subresource_uris`
 * relative to the API host and dates in RFC 2822, so the emulator does too.
 */
import type { ApiCall, ApiMessage } from "./api-types.js";
import { rfc2822Date, rfc2822DateOrNull } from "./dates.js";
import type { CallRecord, MessageRecord } from "./records.js";

export function messagePath(accountSid: string, sid: string): string {
  return `/2010-04-01/Accounts/${accountSid}/Messages/${sid}`;
}

export function callPath(accountSid: string, sid: string): string {
  return `/2010-04-01/Accounts/${accountSid}/Calls/${sid}`;
}

export function renderMessage(accountSid: string, m: MessageRecord): ApiMessage {
  const base = messagePath(accountSid, m.sid);
  return {
    body: m.body,
    num_segments: "1",
    direction: m.direction,
    from: m.from,
    to: m.to,
    date_updated: rfc2822Date(m.updatedMs),
    price: m.price,
    error_message: m.errorMessage,
    uri: `${base}.json`,
    account_sid: accountSid,
    num_media: String(m.numMedia),
    status: m.status,
    messaging_service_sid: null,
    sid: m.sid,
    date_sent: rfc2822DateOrNull(m.sentMs),
    date_created: rfc2822Date(m.createdMs),
    error_code: m.errorCode,
    price_unit: "USD",
    api_version: "2010-04-01",
    subresource_uris: { media: `${base}/Media.json`, feedback: `${base}/Feedback.json` },
  };
}

const CALL_SUBRESOURCES = [
  ["notifications", "Notifications"],
  ["recordings", "Recordings"],
  ["payments", "Payments"],
  ["events", "Events"],
  ["siprec", "Siprec"],
  ["streams", "Streams"],
  ["transcriptions", "Transcriptions"],
  ["user_defined_message_subscriptions", "UserDefinedMessageSubscriptions"],
  ["user_defined_messages", "UserDefinedMessages"],
] as const;

/** "+14155550123" → "(415) 555-0123", as Twilio formats North American numbers. */
function formatNumber(e164: string): string {
  const m = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(e164);
  return m ? `(${m[1]}) ${m[2]}-${m[3]}` : e164;
}

export function renderCall(accountSid: string, c: CallRecord): ApiCall {
  const base = callPath(accountSid, c.sid);
  return {
    sid: c.sid,
    date_created: rfc2822Date(c.createdMs),
    date_updated: rfc2822Date(c.updatedMs),
    parent_call_sid: null,
    account_sid: accountSid,
    to: c.to,
    to_formatted: formatNumber(c.to),
    from: c.from,
    from_formatted: formatNumber(c.from),
    phone_number_sid: c.phoneNumberSid,
    status: c.status,
    start_time: rfc2822DateOrNull(c.startMs),
    end_time: rfc2822DateOrNull(c.endMs),
    duration: c.duration === null ? null : String(c.duration),
    price: c.price,
    price_unit: "USD",
    direction: c.direction,
    answered_by: null,
    api_version: "2010-04-01",
    forwarded_from: null,
    group_sid: null,
    caller_name: null,
    queue_time: "0",
    trunk_sid: null,
    uri: `${base}.json`,
    subresource_uris: Object.fromEntries(
      CALL_SUBRESOURCES.map(([key, name]) => [key, `${base}/${name}.json`]),
    ),
  };
}
