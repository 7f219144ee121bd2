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
  /** The interaction that links this message; an orphan once that interaction is gone. */
  interaction: InteractionRecord;
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
  interaction: InteractionRecord;
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
