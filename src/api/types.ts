/** Payloads as the Twilio API returns them (snake_case kept), per ../shared/twilio-oai. */

export interface Interaction {
  sid: string;
  session_sid: string | null;
  service_sid: string | null;
  account_sid: string | null;
  /** A JSON string holding the message body or call duration: personal data. */
  data: string | null;
  type: "message" | "voice" | "unknown" | null;
  inbound_participant_sid: string | null;
  inbound_resource_sid: string | null;
  inbound_resource_status: string | null;
  inbound_resource_type: string | null;
  inbound_resource_url: string | null;
  outbound_participant_sid: string | null;
  outbound_resource_sid: string | null;
  outbound_resource_status: string | null;
  outbound_resource_type: string | null;
  outbound_resource_url: string | null;
  date_created: string | null;
  date_updated: string | null;
  url: string | null;
}

export const INTERACTION_FIELDS = [
  "sid",
  "session_sid",
  "service_sid",
  "account_sid",
  "data",
  "type",
  "inbound_participant_sid",
  "inbound_resource_sid",
  "inbound_resource_status",
  "inbound_resource_type",
  "inbound_resource_url",
  "outbound_participant_sid",
  "outbound_resource_sid",
  "outbound_resource_status",
  "outbound_resource_type",
  "outbound_resource_url",
  "date_created",
  "date_updated",
  "url",
] as const satisfies readonly (keyof Interaction)[];

export interface Session {
  sid: string;
  service_sid: string | null;
  account_sid: string | null;
  unique_name: string | null;
  status: string | null;
  date_created: string | null;
  date_updated: string | null;
  date_last_interaction: string | null;
  date_started: string | null;
  date_ended: string | null;
  date_expiry: string | null;
  closed_reason: string | null;
  ttl: number | null;
  mode: string | null;
  url: string | null;
  links: Record<string, string> | null;
}

export interface Service {
  sid: string;
  unique_name: string | null;
  account_sid: string | null;
  date_created: string | null;
  url: string | null;
}

export interface PageMeta {
  key: string;
  url: string;
  first_page_url: string;
  next_page_url: string | null;
  previous_page_url: string | null;
  page: number;
  page_size: number;
}

/** Twilio's error body: https://www.twilio.com/docs/usage/twilios-response#response-formats-exceptions */
export interface TwilioErrorBody {
  code: number;
  message: string;
  more_info: string;
  status: number;
}

/** A Proxy Service's number: GET /v1/Services/{KS}/PhoneNumbers (proxy.v1.service.phone_number). */
export interface PhoneNumber {
  sid: string;
  phone_number: string | null;
}

/** The fields of api.v2010.account.message that `orphans` reads (never `body`). */
export interface ApiMessage {
  sid: string;
  from: string | null;
  to: string | null;
  date_sent: string | null;
  status: string | null;
  direction: string | null;
}

/** The fields of api.v2010.account.call that `orphans` reads. */
export interface ApiCall {
  sid: string;
  from: string | null;
  to: string | null;
  start_time: string | null;
  status: string | null;
  direction: string | null;
}
