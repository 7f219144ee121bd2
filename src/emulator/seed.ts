/**
 * Builds a reproducible account from SeedOptions: the same random seed gives the same SIDs, texts,
 * statuses and ages (ages are relative to `nowMs`, so tests can filter by "older than 30 days").
 * Every interaction draws the same fixed set of random numbers whatever its kind or the rates, so
 * changing a rate changes statuses and kinds but not which SIDs exist.
 */

import { RETURNING_CUSTOMER, type SeedOptions } from "./options.js";
import { Prng } from "./prng.js";
import type {
  CallRecord,
  InteractionRecord,
  InteractionType,
  Leg,
  MessageRecord,
  ParticipantRecord,
  PhoneNumberRecord,
  ServiceRecord,
  SessionRecord,
  SessionStatus,
} from "./records.js";
import { ChildSeeder } from "./seed-children.js";
import {
  AREA_CODES,
  MEDIA_BODIES,
  MESSAGE_BODIES,
  PARTICIPANT_ROLES,
  SESSION_CLOSED_REASONS,
} from "./seed-text.js";
import { PoolSeeder, seedTraffic } from "./seed-traffic.js";
import { SID_PREFIX } from "./sids.js";
import { SortedIndex } from "./sorted-index.js";
import {
  CALL_NOT_FINAL_SEEDED,
  MESSAGE_ERRORS,
  MESSAGE_NOT_FINAL_SEEDED,
  OUTBOUND_CALL_FINAL,
  OUTBOUND_MESSAGE_FINAL,
} from "./statuses.js";
import type { StoreContents } from "./store.js";

const SECOND = 1000;
const DAY_S = 86_400;
/** Interactions are spread over the last 90 days, strictly inside the window. */
const WINDOW_S = 90 * DAY_S;
/** Sessions rotate through these so even the default 3 sessions show several statuses. */
const SESSION_STATUSES: readonly SessionStatus[] = ["open", "in-progress", "closed", "failed"];

interface Party {
  sid: string;
  identifier: string;
  proxyIdentifier: string;
  proxyIdentifierSid: string;
}

/** The random draws of one interaction, taken up front in a fixed order. */
interface Draws {
  offsetS: number;
  kind: number;
  foreign: number;
  direction: number;
  media: number;
  text: number;
  notFinal: [number, number];
  outcome: [number, number];
  duration: number;
  sid: string;
  legSids: [string, string];
}

class SeedBuilder {
  private readonly rng: Prng;
  private readonly children: ChildSeeder;
  private readonly pools: PoolSeeder;
  /** The pool of the Service being built: its Sessions' Participants take their proxy numbers from it. */
  private pool: PhoneNumberRecord[] = [];
  private readonly messages: MessageRecord[] = [];
  private readonly calls: CallRecord[] = [];
  private sessionSerial = 0;

  constructor(
    private readonly seed: SeedOptions,
    private readonly nowMs: number,
  ) {
    this.rng = new Prng(seed.randomSeed);
    this.children = new ChildSeeder(seed, nowMs);
    this.pools = new PoolSeeder(seed);
  }

  build(): StoreContents {
    const services: ServiceRecord[] = [];
    for (let i = 0; i < this.seed.services; i++) services.push(this.service(i));
    const traffic = seedTraffic(this.seed, services, this.nowMs);
    return {
      services,
      messages: [...this.messages, ...traffic.messages],
      calls: [...this.calls, ...traffic.calls],
      seededOrphans: traffic.orphanSids,
    };
  }

  private service(index: number): ServiceRecord {
    const sid = SID_PREFIX.service + this.rng.hex32();
    const createdMs = this.nowMs - (120 * DAY_S + index * 3600) * SECOND;
    this.pool = this.pools.pool(sid, createdMs);
    const sessions: SessionRecord[] = [];
    for (let i = 0; i < this.seed.sessions; i++) sessions.push(this.session(sid, i));
    return {
      sid,
      createdMs,
      live: true,
      uniqueName: `emulator-service-${index + 1}`,
      chatInstanceSid: SID_PREFIX.chatInstance + this.rng.hex32(),
      defaultTtl: 0,
      updatedMs: createdMs,
      sessions: new SortedIndex(sessions),
      phoneNumbers: new SortedIndex(this.pool),
    };
  }

  private session(serviceSid: string, index: number): SessionRecord {
    const serial = this.sessionSerial++;
    const sid = SID_PREFIX.session + this.rng.hex32();
    const customer = this.party();
    // The same person in several Sessions: only the number changes, every random draw stays as it was.
    if (index < this.seed.returningCustomer) customer.identifier = RETURNING_CUSTOMER;
    const parties = [customer, this.party()] as const;
    const interactions: InteractionRecord[] = [];
    for (let i = 0; i < this.seed.interactions; i++) {
      interactions.push(this.interaction(serviceSid, sid, parties));
    }
    let first = this.nowMs - WINDOW_S * SECOND;
    let last: number | null = null;
    for (const interaction of interactions) {
      first = Math.min(first, interaction.createdMs);
      last = Math.max(last ?? 0, interaction.createdMs);
    }
    const createdMs = first - (60 + this.rng.int(3600)) * SECOND;
    const status = SESSION_STATUSES[serial % SESSION_STATUSES.length] ?? "open";
    const ended = status === "closed" || status === "failed";
    const endedMs = ended ? Math.min(this.nowMs, (last ?? createdMs) + 3600 * SECOND) : null;
    const ttl = serial % 2 === 0 ? 0 : 30 * DAY_S;
    const participants = parties.map(
      (party, i): ParticipantRecord => ({
        sid: party.sid,
        createdMs: createdMs + (i + 1) * SECOND,
        live: true,
        sessionSid: sid,
        serviceSid,
        friendlyName: PARTICIPANT_ROLES[i] ?? "participant",
        identifier: party.identifier,
        proxyIdentifier: party.proxyIdentifier,
        proxyIdentifierSid: party.proxyIdentifierSid,
        updatedMs: createdMs + (i + 1) * SECOND,
      }),
    );
    return {
      sid,
      createdMs,
      live: true,
      serviceSid,
      uniqueName: `Order #${10_001 + serial}`,
      status,
      closedReason: SESSION_CLOSED_REASONS[status] ?? null,
      ttl,
      startedMs: createdMs,
      endedMs,
      lastInteractionMs: last,
      expiryMs: ttl > 0 ? (last ?? createdMs) + ttl * SECOND : null,
      updatedMs: endedMs ?? last ?? createdMs,
      participants: new SortedIndex(participants),
      interactions: new SortedIndex(interactions),
    };
  }

  private party(): Party {
    const area = this.rng.pick(AREA_CODES);
    const sid = SID_PREFIX.participant + this.rng.hex32();
    const identifier = `+1${area}55501${this.rng.digits(2)}`;
    // The proxy number comes from the Service's pool; these draws are still taken so every later SID of
    // a random seed stays what it was before pools existed.
    this.rng.pick(AREA_CODES);
    this.rng.digits(2);
    this.rng.hex32();
    const proxy = this.pools.assign(this.pool);
    return { sid, identifier, proxyIdentifier: proxy.phoneNumber, proxyIdentifierSid: proxy.sid };
  }

  private draws(): Draws {
    const r = this.rng;
    return {
      offsetS: 1 + r.int(WINDOW_S - 1),
      kind: r.next(),
      foreign: r.next(),
      direction: r.next(),
      media: r.next(),
      text: r.next(),
      notFinal: [r.next(), r.next()],
      outcome: [r.next(), r.next()],
      duration: 5 + r.int(900),
      sid: r.hex32(),
      legSids: [r.hex32(), r.hex32()],
    };
  }

  private interaction(
    serviceSid: string,
    sessionSid: string,
    parties: readonly [Party, Party],
  ): InteractionRecord {
    const d = this.draws();
    const createdMs = this.nowMs - d.offsetS * SECOND;
    const [from, to] = d.direction < 0.5 ? parties : [parties[1], parties[0]];
    const record: InteractionRecord = {
      sid: SID_PREFIX.interaction + d.sid,
      createdMs,
      live: true,
      sessionSid,
      serviceSid,
      type: "unknown" satisfies InteractionType,
      data: null,
      inbound: null,
      outbound: null,
      updatedMs: Math.min(this.nowMs, createdMs + 2 * SECOND),
    };
    if (d.foreign < this.seed.foreignRate) {
      // A chat participant's message: Proxy links a Conversations `IM…` SID the v2010 API knows nothing of.
      record.type = "message";
      record.data = JSON.stringify({ body: pickText(MESSAGE_BODIES, d.text) });
      record.inbound = foreignLeg(from.sid, SID_PREFIX.chatMessage + d.legSids[0], "received");
      record.outbound = foreignLeg(to.sid, SID_PREFIX.chatMessage + d.legSids[1], "delivered");
    } else if (d.kind < 0.55) {
      const media = d.media < this.seed.mediaRate ? this.children.mediaCount() : 0;
      const body = pickText(media ? MEDIA_BODIES : MESSAGE_BODIES, d.text);
      record.type = "message";
      record.data = JSON.stringify({ body });
      record.inbound = this.message(record, d, 0, from, "inbound", body, media);
      record.outbound = this.message(record, d, 1, to, "outbound-api", body, media);
    } else if (d.kind < 0.8) {
      record.type = "voice";
      const inbound = this.call(record, d, 0, from, "inbound");
      const outbound = this.call(record, d, 1, to, "outbound-dial");
      record.inbound = callLeg(inbound, from);
      record.outbound = callLeg(outbound, to);
      record.data = JSON.stringify({ duration: String(outbound.duration ?? 0) });
    } else if (d.kind < 0.95) {
      // A notification sent through the proxy number: only an outbound leg, inbound fields all null.
      const body = pickText(MESSAGE_BODIES, d.text);
      record.type = "message";
      record.data = JSON.stringify({ body });
      record.outbound = this.message(record, d, 1, to, "outbound-api", body, 0);
    }
    return record;
  }

  private message(
    interaction: InteractionRecord,
    d: Draws,
    leg: 0 | 1,
    party: Party,
    direction: MessageRecord["direction"],
    body: string,
    /** Pictures attached: 0 for an SMS. */
    media: number,
  ): Leg {
    const prefix = media ? SID_PREFIX.mediaMessage : SID_PREFIX.message;
    const sid = prefix + d.legSids[leg];
    const createdMs = Math.min(this.nowMs, interaction.createdMs + leg * SECOND);
    const notFinal = d.notFinal[leg] < this.seed.notFinalRate;
    const status = notFinal
      ? pickText(MESSAGE_NOT_FINAL_SEEDED, d.outcome[leg])
      : direction === "inbound"
        ? "received"
        : pickText(OUTBOUND_MESSAGE_FINAL, d.outcome[leg]);
    const error = MESSAGE_ERRORS[status];
    const message: MessageRecord = {
      sid,
      createdMs,
      live: true,
      interaction,
      media: [],
      direction,
      // Inbound: the participant texts their proxy number; outbound: Proxy relays from the other side's.
      from: direction === "inbound" ? party.identifier : party.proxyIdentifier,
      to: direction === "inbound" ? party.proxyIdentifier : party.identifier,
      body,
      numMedia: media,
      status,
      sentMs: notFinal ? null : createdMs,
      updatedMs: notFinal ? createdMs : Math.min(this.nowMs, createdMs + SECOND),
      price: notFinal ? null : media ? "-0.02000" : "-0.00790",
      errorCode: error ? error[0] : null,
      errorMessage: error ? error[1] : null,
    };
    this.children.addMedia(message, media);
    this.messages.push(message);
    return {
      participantSid: party.sid,
      resourceSid: sid,
      resourceType: "Message",
      seededStatus: status,
      v2010: true,
    };
  }

  private call(
    interaction: InteractionRecord,
    d: Draws,
    leg: 0 | 1,
    party: Party,
    direction: CallRecord["direction"],
  ): CallRecord {
    const sid = SID_PREFIX.call + d.legSids[leg];
    const createdMs = Math.min(this.nowMs, interaction.createdMs + leg * SECOND);
    const notFinal = d.notFinal[leg] < this.seed.notFinalRate;
    const status = notFinal
      ? pickText(CALL_NOT_FINAL_SEEDED, d.outcome[leg])
      : direction === "inbound"
        ? "completed"
        : pickText(OUTBOUND_CALL_FINAL, d.outcome[leg]);

    const duration =
      status === "completed" ? d.duration + (direction === "inbound" ? 3 : 0) : notFinal ? null : 0;
    // Twilio sets start_time once a call is dialed, answered or not (busy, no-answer and ringing too).
    const startMs: number | null = createdMs;
    const endMs =
      startMs !== null && duration !== null ? startMs + duration * SECOND : notFinal ? null : createdMs;
    const call: CallRecord = {
      sid,
      createdMs,
      live: true,
      interaction,
      recordings: [],
      direction,
      from: direction === "inbound" ? party.identifier : party.proxyIdentifier,
      to: direction === "inbound" ? party.proxyIdentifier : party.identifier,
      phoneNumberSid: party.proxyIdentifierSid,
      status,
      startMs,
      endMs,
      duration,
      updatedMs: Math.min(this.nowMs, endMs ?? createdMs),
      price: status === "completed" ? `-${(0.014 * Math.ceil((duration ?? 0) / 60)).toFixed(5)}` : null,
    };
    this.children.addRecordings(call);
    this.calls.push(call);
    return call;
  }
}

function callLeg(call: CallRecord, party: Party): Leg {
  return {
    participantSid: party.sid,
    resourceSid: call.sid,
    resourceType: "Call",
    seededStatus: call.status,
    v2010: true,
  };
}

function foreignLeg(participantSid: string, resourceSid: string, status: string): Leg {
  return { participantSid, resourceSid, resourceType: "Message", seededStatus: status, v2010: false };
}

/** Picks by a draw already taken, so the number of draws does not depend on the choice. */
function pickText<T>(items: readonly T[], draw: number): T {
  return items[Math.min(items.length - 1, Math.floor(draw * items.length))] as T;
}

export function buildSeed(seed: SeedOptions, nowMs: number): StoreContents {
  // Twilio's timestamps have whole seconds; keeping ours so makes the ISO and RFC 2822 forms exact.
  return new SeedBuilder(seed, Math.floor(nowMs / SECOND) * SECOND).build();
}
