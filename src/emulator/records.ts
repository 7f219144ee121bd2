/**
 * The store's internal records. Times are epoch milliseconds on whole seconds (Twilio's resolution);
 * rendering to the API's JSON shapes happens in render-proxy.ts and render-api.ts.
 */
import type { SortedIndex } from "./sorted-index.js";

export type SessionStatus = "open" | "in-progress" | "closed" | "failed" | "unknown";
export type InteractionType = "message" | "voice" | "unknown";
export type ResourceType = "Message" | "Call";

export interface ServiceRecord {
  readonly sid: string;
  readonly createdMs: number;
  live: boolean;
  uniqueName: string;
  chatInstanceSid: string | null;
  defaultTtl: number;
  updatedMs: number;
  sessions: SortedIndex<SessionRecord>;
  phoneNumbers: SortedIndex<PhoneNumberRecord>;
}

export interface SessionRecord {
  readonly sid: string;
  readonly createdMs: number;
  live: boolean;
  serviceSid: string;
  uniqueName: string;
  status: SessionStatus;
  closedReason: string | null;
  ttl: number;
  startedMs: number;
  endedMs: number | null;
  lastInteractionMs: number | null;
  expiryMs: number | null;
  updatedMs: number;
  participants: SortedIndex<ParticipantRecord>;
  interactions: SortedIndex<InteractionRecord>;
}

export interface ParticipantRecord {
  readonly sid: string;
  readonly createdMs: number;
  live: boolean;
  sessionSid: string;
  serviceSid: string;
  friendlyName: string;
  identifier: string;
  proxyIdentifier: string;
  proxyIdentifierSid: string;
  updatedMs: number;
}

/** One side of an interaction: who sent or received it, and the Message/Call that carried it. */
export interface Leg {
  participantSid: string;
  resourceSid: string;
  resourceType: ResourceType;
  /** The status as seeded; what is rendered comes from the live resource when there is one. */
  seededStatus: string;
  /** False for a resource the v2010 API does not hold (a Conversations `IM…` message). */
  v2010: boolean;
}

export interface InteractionRecord {
  readonly sid: string;
  readonly createdMs: number;
  live: boolean;
  sessionSid: string;
  serviceSid: string;
  type: InteractionType;
  data: string | null;
  inbound: Leg | null;
  outbound: Leg | null;
  updatedMs: number;
}

export type MessageDirection = "inbound" | "outbound-api";

export interface MessageRecord {
  readonly sid: string;
  readonly createdMs: number;
  live: boolean;
  /**
   * The interaction that links this message; an orphan once that interaction is gone. Null for traffic
   * that never went through Proxy (`otherTraffic`), which is never an orphan.
   */
  interaction: InteractionRecord | null;
  /** Its Media, deleted ones included (their `live` is false); empty for an SMS. */
  media: MediaRecord[];
  direction: MessageDirection;
  from: string;
  to: string;
  body: string;
  numMedia: number;
  status: string;
  sentMs: number | null;
  updatedMs: number;
  price: string | null;
  errorCode: number | null;
  errorMessage: string | null;
}

export type CallDirection = "inbound" | "outbound-dial";

export interface CallRecord {
  readonly sid: string;
  readonly createdMs: number;
  live: boolean;
  interaction: InteractionRecord | null;
  /** Its Recordings, deleted ones included. */
  recordings: RecordingRecord[];
  direction: CallDirection;
  from: string;
  to: string;
  phoneNumberSid: string;
  status: string;
  startMs: number | null;
  endMs: number | null;
  duration: number | null;
  updatedMs: number;
  price: string | null;
}

/** https://www.twilio.com/docs/messaging/api/media-resource */
export interface MediaRecord {
  readonly sid: string;
  readonly createdMs: number;
  live: boolean;
  message: MessageRecord;
  contentType: string;
  updatedMs: number;
}

/** `processing` cannot be deleted yet (20009); finalizing the emulator completes it. */
export type RecordingStatus = "processing" | "completed";

/** https://www.twilio.com/docs/voice/api/recording */
export interface RecordingRecord {
  readonly sid: string;
  readonly createdMs: number;
  live: boolean;
  call: CallRecord;
  status: RecordingStatus;
  startMs: number;
  /** Seconds; null while processing. */
  duration: number | null;
  updatedMs: number;
  /** Deleted ones included. */
  transcriptions: TranscriptionRecord[];
}

export interface TranscriptionRecord {
  readonly sid: string;
  readonly createdMs: number;
  live: boolean;
  recording: RecordingRecord;
  status: "completed" | "in-progress";
  text: string | null;
  duration: number;
  updatedMs: number;
}

/** A number of a Service's pool (GET /v1/Services/{KS}/PhoneNumbers); Participants' proxy numbers come from it. */
export interface PhoneNumberRecord {
  readonly sid: string;
  readonly createdMs: number;
  live: boolean;
  serviceSid: string;
  phoneNumber: string;
  updatedMs: number;
  /** Sessions with a Participant on this number, at seed time. */
  inUse: number;
}
