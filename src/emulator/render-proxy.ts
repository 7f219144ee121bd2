/** Proxy v1 records as Twilio's JSON: every field of the spec's schema, absolute URLs at the emulator. */
import type { ProxyInteraction, ProxyParticipant, ProxyService, ProxySession } from "./api-types.js";
import { isoDate, isoDateOrNull } from "./dates.js";
import type { InteractionRecord, Leg, ParticipantRecord, ServiceRecord, SessionRecord } from "./records.js";
import type { Store } from "./store.js";

export interface RenderContext {
  /** The emulator's origin, e.g. http://127.0.0.1:4010 (no trailing slash): where it serves. */
  origin: string;
  /** Where body URLs point: the origin, or Twilio's hosts with `twilioHosts`. */
  readonly proxyOrigin: string;
  readonly apiOrigin: string;
  accountSid: string;
  store: Store;
}

export function servicePath(serviceSid: string): string {
  return `/v1/Services/${serviceSid}`;
}

export function sessionPath(serviceSid: string, sessionSid: string): string {
  return `${servicePath(serviceSid)}/Sessions/${sessionSid}`;
}

export function renderService(ctx: RenderContext, s: ServiceRecord): ProxyService {
  const url = ctx.proxyOrigin + servicePath(s.sid);
  return {
    sid: s.sid,
    unique_name: s.uniqueName,
    account_sid: ctx.accountSid,
    chat_instance_sid: s.chatInstanceSid,
    callback_url: null,
    default_ttl: s.defaultTtl,
    number_selection_behavior: "prefer-sticky",
    geo_match_level: "country",
    intercept_callback_url: null,
    out_of_session_callback_url: null,
    date_created: isoDate(s.createdMs),
    date_updated: isoDate(s.updatedMs),
    url,
    // Phone numbers are not emulated; the link is kept because Twilio always sends it.
    links: { sessions: `${url}/Sessions`, phone_numbers: `${url}/PhoneNumbers` },
  };
}

export function renderSession(ctx: RenderContext, s: SessionRecord): ProxySession {
  const url = ctx.proxyOrigin + sessionPath(s.serviceSid, s.sid);
  return {
    sid: s.sid,
    service_sid: s.serviceSid,
    account_sid: ctx.accountSid,
    date_started: isoDate(s.startedMs),
    date_ended: isoDateOrNull(s.endedMs),
    date_last_interaction: isoDateOrNull(s.lastInteractionMs),
    date_expiry: isoDateOrNull(s.expiryMs),
    unique_name: s.uniqueName,
    status: s.status,
    closed_reason: s.closedReason,
    ttl: s.ttl,
    mode: "voice-and-message",
    date_created: isoDate(s.createdMs),
    date_updated: isoDate(s.updatedMs),
    url,
    links: { interactions: `${url}/Interactions`, participants: `${url}/Participants` },
  };
}

export function renderParticipant(ctx: RenderContext, p: ParticipantRecord): ProxyParticipant {
  const url = `${ctx.proxyOrigin}${sessionPath(p.serviceSid, p.sessionSid)}/Participants/${p.sid}`;
  return {
    sid: p.sid,
    session_sid: p.sessionSid,
    service_sid: p.serviceSid,
    account_sid: ctx.accountSid,
    friendly_name: p.friendlyName,
    identifier: p.identifier,
    proxy_identifier: p.proxyIdentifier,
    proxy_identifier_sid: p.proxyIdentifierSid,
    date_deleted: null,
    date_created: isoDate(p.createdMs),
    date_updated: isoDate(p.updatedMs),
    url,
    // Message interactions per participant are not emulated; Twilio always sends the link.
    links: { message_interactions: `${url}/MessageInteractions` },
  };
}

/** The v2010 URL of a leg's Message/Call; null where the v2010 API holds no such resource. */
export function resourceUrl(ctx: RenderContext, leg: Leg): string | null {
  if (!leg.v2010) return null;
  const collection = leg.resourceType === "Message" ? "Messages" : "Calls";
  return `${ctx.apiOrigin}/2010-04-01/Accounts/${ctx.accountSid}/${collection}/${leg.resourceSid}.json`;
}

export function renderInteraction(ctx: RenderContext, i: InteractionRecord): ProxyInteraction {
  const inbound = i.inbound;
  const outbound = i.outbound;
  return {
    sid: i.sid,
    session_sid: i.sessionSid,
    service_sid: i.serviceSid,
    account_sid: ctx.accountSid,
    data: i.data,
    type: i.type,
    inbound_participant_sid: inbound?.participantSid ?? null,
    inbound_resource_sid: inbound?.resourceSid ?? null,
    inbound_resource_status: inbound ? ctx.store.legStatus(inbound) : null,
    inbound_resource_type: inbound?.resourceType ?? null,
    inbound_resource_url: inbound ? resourceUrl(ctx, inbound) : null,
    outbound_participant_sid: outbound?.participantSid ?? null,
    outbound_resource_sid: outbound?.resourceSid ?? null,
    outbound_resource_status: outbound ? ctx.store.legStatus(outbound) : null,
    outbound_resource_type: outbound?.resourceType ?? null,
    outbound_resource_url: outbound ? resourceUrl(ctx, outbound) : null,
    date_created: isoDate(i.createdMs),
    date_updated: isoDate(i.updatedMs),
    url: `${ctx.proxyOrigin}${sessionPath(i.serviceSid, i.sessionSid)}/Interactions/${i.sid}`,
  };
}
