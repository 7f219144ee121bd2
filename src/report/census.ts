import type { Interaction, Session } from "../api/types.js";

/**
 * `proxy-ix report`: what personal data a Service holds, where and how old, counted in one pass over
 * its Sessions and Interactions. The census holds counters only (no Interaction is kept), so memory is
 * flat however many Interactions are read. It never looks at `data`.
 */

const DAY_MS = 86_400_000;

/** Age buckets of Interactions, by `date_created` (docs/output.md). */
export const AGE_BUCKETS = [
  { label: "<7d", days: 7 },
  { label: "7–30d", days: 30 },
  { label: "30–90d", days: 90 },
  { label: "90–365d", days: 365 },
  { label: ">365d", days: Number.POSITIVE_INFINITY },
] as const;

export type AgeBucket = (typeof AGE_BUCKETS)[number]["label"];

/**
 * Statuses from which a Message or Call still changes, so Twilio refuses to delete it (20009,
 * https://www.twilio.com/docs/errors/20009): https://www.twilio.com/docs/messaging/api/message-resource#message-status-values
 * and https://www.twilio.com/docs/voice/api/call-resource#call-status-values.
 */
const NOT_FINALIZED: Record<ResourceKind, ReadonlySet<string>> = {
  messages: new Set(["queued", "sending", "accepted", "scheduled", "receiving"]),
  calls: new Set(["queued", "ringing", "in-progress"]),
  other: new Set(),
};

export type ResourceKind = "messages" | "calls" | "other";

export interface KindCount {
  total: number;
  finalized: number;
  not_finalized: number;
}

export interface CensusReport {
  /** When the census was taken: ages are counted from here. */
  as_of: string;
  sessions: {
    total: number;
    by_status: Record<string, number>;
    /** Sessions whose Interaction list is empty (their Participants' numbers are still there). */
    without_interactions: number;
    /** Sessions deleted between being listed and being read (not counted anywhere else). */
    vanished: number;
  };
  interactions: {
    total: number;
    by_type: Record<string, number>;
    by_age: Record<AgeBucket, number>;
    oldest: { sid: string; session_sid: string; date_created: string } | null;
  };
  /** The Messages and Calls the Interactions link to, by kind and by whether Twilio can delete them yet. */
  resources: { total: number; by_kind: Record<ResourceKind, KindCount> };
  /** What `purge --until <cutoff> --include-resources` would find, when a cutoff was given. */
  would_purge: { until: string; interactions: number; resources: number } | null;
}

export class Census {
  private readonly report: CensusReport;
  private readonly now: number;
  private readonly cutoff: number | null;
  private oldestTime = Number.POSITIVE_INFINITY;

  constructor(now: Date, cutoff: Date | null) {
    this.now = now.getTime();
    this.cutoff = cutoff?.getTime() ?? null;
    const kind = (): KindCount => ({ total: 0, finalized: 0, not_finalized: 0 });
    this.report = {
      as_of: now.toISOString(),
      sessions: { total: 0, by_status: {}, without_interactions: 0, vanished: 0 },
      interactions: {
        total: 0,
        by_type: {},
        by_age: Object.fromEntries(AGE_BUCKETS.map((bucket) => [bucket.label, 0])) as Record<
          AgeBucket,
          number
        >,
        oldest: null,
      },
      resources: { total: 0, by_kind: { messages: kind(), calls: kind(), other: kind() } },
      would_purge: cutoff ? { until: cutoff.toISOString(), interactions: 0, resources: 0 } : null,
    };
  }

  /** A Session that was read to its end, with how many Interactions it listed (before any filter). */
  addSession(session: Pick<Session, "sid" | "status">, listed: number): void {
    const { sessions } = this.report;
    sessions.total++;
    const status = session.status ?? "unknown";
    sessions.by_status[status] = (sessions.by_status[status] ?? 0) + 1;
    if (listed === 0) sessions.without_interactions++;
  }

  sessionVanished(): void {
    this.report.sessions.vanished++;
  }

  addInteraction(sessionSid: string, interaction: Interaction): void {
    const { interactions, resources } = this.report;
    interactions.total++;
    const type = interaction.type ?? "unknown";
    interactions.by_type[type] = (interactions.by_type[type] ?? 0) + 1;
    const created = Date.parse(interaction.date_created ?? "");
    if (!Number.isNaN(created)) {
      interactions.by_age[ageBucket(this.now - created)]++;
      if (created < this.oldestTime) {
        this.oldestTime = created;
        interactions.oldest = {
          sid: interaction.sid,
          session_sid: sessionSid,
          date_created: interaction.date_created ?? "",
        };
      }
    }
    const legs = linkedLegs(interaction);
    for (const leg of legs) {
      const count = resources.by_kind[kindOf(leg.sid)];
      count.total++;
      if (leg.status !== null && NOT_FINALIZED[kindOf(leg.sid)].has(leg.status)) count.not_finalized++;
      else count.finalized++;
      resources.total++;
    }
    const plan = this.report.would_purge;
    if (plan && this.cutoff !== null && !Number.isNaN(created) && created < this.cutoff) {
      plan.interactions++;
      plan.resources += legs.length;
    }
  }

  result(): CensusReport {
    return this.report;
  }
}

function ageBucket(ageMs: number): AgeBucket {
  const days = ageMs / DAY_MS;
  for (const bucket of AGE_BUCKETS) if (days < bucket.days) return bucket.label;
  return ">365d";
}

function kindOf(sid: string): ResourceKind {
  const prefix = sid.slice(0, 2);
  if (prefix === "SM" || prefix === "MM") return "messages";
  if (prefix === "CA") return "calls";
  return "other";
}

/** The linked resources of an Interaction, each once, with the status Proxy last saw. */
function linkedLegs(interaction: Interaction): { sid: string; status: string | null }[] {
  const legs = [
    { sid: interaction.inbound_resource_sid, status: interaction.inbound_resource_status },
    { sid: interaction.outbound_resource_sid, status: interaction.outbound_resource_status },
  ].filter(
    (leg): leg is { sid: string; status: string | null } => typeof leg.sid === "string" && leg.sid !== "",
  );
  return legs.filter((leg, index) => legs.findIndex((other) => other.sid === leg.sid) === index);
}
