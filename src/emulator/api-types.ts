/**
 * The JSON the emulator serves, field for field as in Twilio's OpenAPI documents
 * (proxy.v1.service*, api.v2010.account.message, api.v2010.account.call). The emulator keeps its own
 * copy of these shapes on purpose: it shares no code with the client it tests.
 */

export interface ProxyService {
  sid: string;
  unique_name: string;
  account_sid: string;
  chat_instance_sid: string | null;
  callback_url: string | null;
  default_ttl: number;
  number_selection_behavior: "avoid-sticky" | "prefer-sticky";
  geo_match_level: "area-code" | "overlay" | "radius" | "country";
  intercept_callback_url: string | null;
  out_of_session_callback_url: string | null;
  date_created: string;
  date_updated: string;
  url: string;
  links: { sessions: string; phone_numbers: string };
}

export interface ProxySession {
  sid: string;
  service_sid: string;
  account_sid: string;
  date_started: string | null;
  date_ended: string | null;
  date_last_interaction: string | null;
  date_expiry: string | null;
  unique_name: string;
  status: string;
  closed_reason: string | null;
  ttl: number;
  mode: "message-only" | "voice-only" | "voice-and-message";
  date_created: string;
  date_updated: string;
  url: string;
  links: { interactions: string; participants: string };
}

export interface ProxyParticipant {
  sid: string;
  session_sid: string;
  service_sid: string;
  account_sid: string;
  friendly_name: string | null;
  identifier: string;
  proxy_identifier: string;
  proxy_identifier_sid: string;
  date_deleted: string | null;
  date_created: string;
  date_updated: string;
  url: string;
  links: { message_interactions: string };
}

export interface ProxyInteraction {
  sid: string;
  session_sid: string;
  service_sid: string;
  account_sid: string;
  data: string | null;
  type: "message" | "voice" | "unknown";
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
  date_created: string;
  date_updated: string;
  url: string;
}

export interface ApiMessage {
  body: string;
  num_segments: string;
  direction: string;
  from: string;
  to: string;
  date_updated: string;
  price: string | null;
  error_message: string | null;
  uri: string;
  account_sid: string;
  num_media: string;
  status: string;
  messaging_service_sid: string | null;
  sid: string;
  date_sent: string | null;
  date_created: string;
  error_code: number | null;
  price_unit: string;
  api_version: string;
  subresource_uris: Record<string, string>;
}

export interface ApiCall {
  sid: string;
  date_created: string;
  date_updated: string;
  parent_call_sid: string | null;
  account_sid: string;
  to: string;
  to_formatted: string;
  from: string;
  from_formatted: string;
  phone_number_sid: string | null;
  status: string;
  start_time: string | null;
  end_time: string | null;
  duration: string | null;
  price: string | null;
  price_unit: string;
  direction: string;
  answered_by: string | null;
  api_version: string;
  forwarded_from: string | null;
  group_sid: string | null;
  caller_name: string | null;
  queue_time: string;
  trunk_sid: string | null;
  uri: string;
  subresource_uris: Record<string, string>;
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

/** api.v2010.account.message.media */
export interface ApiMedia {
  account_sid: string;
  content_type: string;
  date_created: string;
  date_updated: string;
  parent_sid: string;
  sid: string;
  uri: string;
}

/** api.v2010.account.call.call_recording */
export interface ApiRecording {
  account_sid: string;
  api_version: string;
  call_sid: string;
  conference_sid: string | null;
  date_created: string;
  date_updated: string;
  start_time: string;
  duration: string | null;
  sid: string;
  price: number | null;
  uri: string;
  encryption_details: null;
  price_unit: string;
  status: string;
  channels: number;
  source: string;
  error_code: number | null;
  track: string;
}

/** api.v2010.account.recording.recording_transcription */
export interface ApiTranscription {
  account_sid: string;
  api_version: string;
  date_created: string;
  date_updated: string;
  duration: string;
  price: number | null;
  price_unit: string;
  recording_sid: string;
  sid: string;
  status: string;
  transcription_text: string | null;
  type: string;
  uri: string;
}

/** proxy.v1.service.phone_number */
export interface ProxyPhoneNumber {
  sid: string;
  account_sid: string;
  service_sid: string;
  date_created: string;
  date_updated: string;
  phone_number: string;
  friendly_name: string | null;
  iso_country: string;
  capabilities: Record<string, boolean>;
  url: string;
  is_reserved: boolean;
  in_use: number;
}
