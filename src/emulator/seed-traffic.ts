/**
 * What an account holds besides what its live Interactions link to: each Service's pool of proxy numbers
 * (`GET /v1/Services/{KS}/PhoneNumbers`), Messages/Calls whose Interactions an earlier tool already deleted
 * (`orphans`), and Messages between numbers that are no proxy number at all (`otherTraffic`), which an
 * orphan finder must never report. Drawn from PRNG streams of their own, so the rest of a seed is the
 * same with or without them.
 */
import type { SeedOptions } from "./options.js";
import { Prng } from "./prng.js";
import type {
  CallRecord,
  InteractionRecord,
  MessageRecord,
  PhoneNumberRecord,
  ServiceRecord,
  SessionRecord,
} from "./records.js";
import { AREA_CODES, MESSAGE_BODIES } from "./seed-text.js";
import { SID_PREFIX } from "./sids.js";

const SECOND = 1000;
const DAY_S = 86_400;
/** Numbers in a Service's pool; Participants' proxy numbers are drawn from it. */
export const POOL_SIZE = 5;
/** Orphans and other traffic are spread over the same 90 days as the Interactions. */
const WINDOW_S = 90 * DAY_S;

export class PoolSeeder {
  private readonly rng: Prng;

  constructor(seed: SeedOptions) {
    this.rng = new Prng((seed.randomSeed ^ 0x85ebca6b) >>> 0);
  }

  /** A Service's pool, numbered `+1 AAA 555-02NN` (a fictional range). */
  pool(serviceSid: string, createdMs: number): PhoneNumberRecord[] {
    const numbers: PhoneNumberRecord[] = [];
    for (let i = 0; i < POOL_SIZE; i++) {
      const at = createdMs + (i + 1) * SECOND;
      numbers.push({
        sid: SID_PREFIX.phoneNumber + this.rng.hex32(),
        createdMs: at,
        live: true,
        serviceSid,
        phoneNumber: `+1${this.rng.pick(AREA_CODES)}55502${String(i).padStart(2, "0")}`,
        updatedMs: at,
        inUse: 0,
      });
    }
    return numbers;
  }

  /** The proxy number a new Participant gets from the pool (and counts it as in use). */
  assign(pool: readonly PhoneNumberRecord[]): PhoneNumberRecord {
    const number = this.rng.pick(pool);
    number.inUse++;
    return number;
  }
}

export interface Traffic {
  messages: MessageRecord[];
  calls: CallRecord[];
  /** SIDs of the seeded orphans, for tests to compare with what a tool reports. */
  orphanSids: string[];
}

/** `orphans` Messages/Calls of deleted Interactions, then `otherTraffic` Messages on non-proxy numbers. */
export function seedTraffic(seed: SeedOptions, services: readonly ServiceRecord[], nowMs: number): Traffic {
  const rng = new Prng((seed.randomSeed ^ 0xc2b2ae35) >>> 0);
  const traffic: Traffic = { messages: [], calls: [], orphanSids: [] };
  const sessions: SessionRecord[] = services.flatMap((s) => s.sessions.all());
  for (let i = 0; i < seed.orphans && sessions.length > 0; i++) {
    orphan(rng, rng.pick(sessions), nowMs, traffic);
  }
  for (let i = 0; i < seed.otherTraffic; i++) {
    const createdMs = nowMs - (1 + rng.int(WINDOW_S - 1)) * SECOND;
    const inbound = rng.next() < 0.5;
    const app = `+1${rng.pick(AREA_CODES)}55501${rng.digits(2)}`;
    const person = `+1${rng.pick(AREA_CODES)}55501${rng.digits(2)}`;
    traffic.messages.push(
      message(rng, createdMs, null, inbound ? person : app, inbound ? app : person, inbound),
    );
  }
  return traffic;
}

/** A Message (70%) or Call through one of the Session's proxy numbers, its Interaction already deleted. */
function orphan(rng: Prng, session: SessionRecord, nowMs: number, traffic: Traffic): void {
  const party = rng.pick(session.participants.all());
  const createdMs = Math.max(session.createdMs + SECOND, nowMs - (1 + rng.int(WINDOW_S - 1)) * SECOND);
  const inbound = rng.next() < 0.5;
  const isMessage = rng.next() < 0.7;
  const gone: InteractionRecord = {
    sid: SID_PREFIX.interaction + rng.hex32(),
    createdMs,
    live: false,
    sessionSid: session.sid,
    serviceSid: session.serviceSid,
    type: isMessage ? "message" : "voice",
    data: null,
    inbound: null,
    outbound: null,
    updatedMs: createdMs,
  };
  const from = inbound ? party.identifier : party.proxyIdentifier;
  const to = inbound ? party.proxyIdentifier : party.identifier;
  if (isMessage) {
    const record = message(rng, createdMs, gone, from, to, inbound);
    traffic.messages.push(record);
    traffic.orphanSids.push(record.sid);
    return;
  }
  const duration = 5 + rng.int(900);
  const call: CallRecord = {
    sid: SID_PREFIX.call + rng.hex32(),
    createdMs,
    live: true,
    interaction: gone,
    recordings: [],
    direction: inbound ? "inbound" : "outbound-dial",
    from,
    to,
    phoneNumberSid: party.proxyIdentifierSid,
    status: "completed",
    startMs: createdMs,
    endMs: createdMs + duration * SECOND,
    duration,
    updatedMs: Math.min(nowMs, createdMs + duration * SECOND),
    price: `-${(0.014 * Math.ceil(duration / 60)).toFixed(5)}`,
  };
  traffic.calls.push(call);
  traffic.orphanSids.push(call.sid);
}

function message(
  rng: Prng,
  createdMs: number,
  interaction: InteractionRecord | null,
  from: string,
  to: string,
  inbound: boolean,
): MessageRecord {
  return {
    sid: SID_PREFIX.message + rng.hex32(),
    createdMs,
    live: true,
    interaction,
    media: [],
    direction: inbound ? "inbound" : "outbound-api",
    from,
    to,
    body: rng.pick(MESSAGE_BODIES),
    numMedia: 0,
    status: inbound ? "received" : "delivered",
    sentMs: createdMs,
    updatedMs: createdMs + SECOND,
    price: "-0.00790",
    errorCode: null,
    errorMessage: null,
  };
}
