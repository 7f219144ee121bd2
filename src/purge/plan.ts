/**
 * What may be deleted, and in which order: one pure decision per Interaction, used alike by the run,
 * `--dry-run`, the confirmation prompt and the report. A new kind of linked resource is added here, in
 * `KINDS` (an Interaction's legs) or `CHILDREN` (what a resource has under it), and nowhere else.
 *
 * The order, at every level: children before their parent, the Interaction last. Twilio documents no
 * cascade (deleting a Message is not said to delete its Media, nor a Call its Recordings), so nothing is
 * left for one: a parent goes only once each of its children was deleted or found gone (20404), since
 * nothing leads to a child once its parent is gone.
 */
import type { ApiOrigins } from "../api/client.js";
import { interactionUrl } from "../api/interactions.js";
import type { Interaction } from "../api/types.js";
import { isSid } from "../sids.js";
import type { ResourceOutcome } from "./outcomes.js";

/** One Interaction to delete. `interaction` is null when `delete` found it already gone (20404). */
export interface PurgeTarget {
  sid: string;
  serviceSid: string;
  sessionSid: string;
  interaction: Interaction | null;
}

/** The v2010 collections proxy-ix deletes, by SID prefix (SM/MM Messages, CA Calls). */
const KINDS = { SM: "Messages", MM: "Messages", CA: "Calls" } as const;
export type ResourceCollection = (typeof KINDS)[keyof typeof KINDS];

export type ResourceStep = { kind: "resource"; collection: ResourceCollection; sid: string; url: string };
export type Step = ResourceStep | { kind: "interaction"; sid: string; url: string };

/** A linked resource that is left alone, and why (it keeps its Interaction). */
export interface KeptLeg {
  resourceSid: string;
  reason: string;
}

/**
 * - deletable: every step may run; the Interaction goes last, once each resource is deleted or gone.
 * - skipped: the Interaction is kept (`reason`, or the `kept` legs say why); its deletable legs still go.
 * - invalid: the server's data is unusable (a malformed SID): a failure, nothing is sent.
 * - already_gone: `delete` found no such Interaction (Twilio's 20404).
 */
export type Verdict = "deletable" | "skipped" | "invalid" | "already_gone";

export interface DeletionPlan {
  verdict: Verdict;
  /** In order: the linked resources to delete, then the Interaction (only when deletable). */
  steps: Step[];
  /** Linked resources left alone (only with --include-resources). */
  kept: KeptLeg[];
  /** Why the whole Interaction is left alone (skipped or invalid), when it is not a leg's fault. */
  reason: string | null;
  /** What the Interaction links to, deletable or not: for the prompt, with or without --include-resources. */
  linked: Record<ResourceCollection | "other", number>;
  /** What a linked resource (or one under it) answering 404/20404 counts as: see `missingOutcome`. */
  missing: MissingOutcome;
}

/**
 * Twilio's API shows Messages and Calls for 13 months by default (an account may set 7 to 400 days);
 * older ones are archived: still held by Twilio, but the API answers 404/20404 for them as for a deleted
 * one. 395 days is under 13 months, so by default a 20404 is taken for "already gone" only where the
 * record would still be visible. An account with a shorter setting passes its own (`--visible-days`).
 */
export const DEFAULT_VISIBLE_DAYS = 395;
/** 1: a window of 0 would make every 20404 "not visible"; 3650 (ten years) is far past any Twilio setting. */
export const VISIBLE_DAYS_RANGE = [1, 3650] as const;
const DAY_MS = 86_400_000;

/** How old a linked resource may be and still be shown by Twilio's API, as of `nowMs`. */
export interface Visibility {
  days: number;
  nowMs: number;
}

export type MissingOutcome = "already_gone" | "not_visible";

/**
 * What a 404/20404 for a linked resource of `interaction` means. For an Interaction created within the
 * window it is "already_gone" (deleted: the Interaction may go). For an older one the record may be
 * archived, still in Twilio's hands: "not_visible", and the Interaction is kept, since deleting it
 * would leave the archived record with nothing in Proxy pointing at it. An unreadable date counts as
 * old: keeping an Interaction costs a re-run, deleting the wrong one leaves an orphan.
 */
export function missingOutcome(interaction: Interaction | null, visibility: Visibility): MissingOutcome {
  const created = typeof interaction?.date_created === "string" ? Date.parse(interaction.date_created) : NaN;
  if (Number.isNaN(created)) return "not_visible";
  return visibility.nowMs - created > visibility.days * DAY_MS ? "not_visible" : "already_gone";
}

const DIRECTIONS = ["inbound", "outbound"] as const;
const RESOURCE_SID = /^[A-Z]{2}[0-9a-fA-F]{32}$/;

/** The v2010 collection a well-formed linked resource SID lives in, or null for kinds we cannot delete. */
export function resourceCollection(sid: string): ResourceCollection | null {
  if (!RESOURCE_SID.test(sid)) return null;
  return KINDS[sid.slice(0, 2) as keyof typeof KINDS] ?? null;
}

/**
 * The URL is built from the SID and our Account SID, never taken from the Interaction's
 * `*_resource_url`, so a tampered or foreign URL can never receive a DELETE.
 */
export function resourceUrl(origins: ApiOrigins, collection: ResourceCollection, sid: string): string {
  return `${origins.apiOrigin}/2010-04-01/Accounts/${origins.accountSid}/${collection}/${sid}.json`;
}

type Leg = { sid: string; collection: ResourceCollection } | KeptLeg;

/**
 * One leg of an Interaction. A leg that cannot be understood (a SID that is not a plain well-formed
 * string, or missing while its URL is set) is kept with the reason: guessing would orphan it.
 */
function readLeg(interaction: Interaction, direction: (typeof DIRECTIONS)[number]): Leg | null {
  const field = `${direction}_resource_sid` as const;
  const raw: unknown = interaction[field];
  const url: unknown = interaction[`${direction}_resource_url`];
  const hasUrl = typeof url === "string" && url.length > 0;
  if (raw === null || raw === undefined || raw === "") {
    if (!hasUrl) return null;
    return kept(
      raw,
      `${field} is empty while ${direction}_resource_url is set: the leg cannot be understood`,
    );
  }
  if (typeof raw !== "string") {
    const type = Array.isArray(raw) ? "an array" : typeof raw === "object" ? "an object" : `a ${typeof raw}`;
    return kept(raw, `${field} is ${type}, not a SID: the leg cannot be understood`);
  }
  if (raw.trim() !== raw)
    return kept(raw, `${field} has surrounding whitespace: the leg cannot be understood`);
  if (!RESOURCE_SID.test(raw))
    return kept(raw, `${field} is not a well-formed SID: the leg cannot be understood`);
  const collection = resourceCollection(raw);
  if (collection === null) {
    return kept(raw, `${raw.slice(0, 2)} resources are not Messages or Calls: proxy-ix cannot delete them`);
  }
  return { sid: raw, collection };
}

function kept(raw: unknown, reason: string): KeptLeg {
  const shown = typeof raw === "string" ? raw : (JSON.stringify(raw) ?? String(raw));
  return { resourceSid: shown.length > 64 ? `${shown.slice(0, 61)}...` : shown, reason };
}

export function planDeletion(
  target: PurgeTarget,
  origins: ApiOrigins,
  includeResources: boolean,
  visibility: Visibility = { days: DEFAULT_VISIBLE_DAYS, nowMs: Date.now() },
): DeletionPlan {
  const linked = { Messages: 0, Calls: 0, other: 0 };
  const missing = missingOutcome(target.interaction, visibility);
  const plan = (verdict: Verdict, reason: string | null = null): DeletionPlan => ({
    verdict,
    steps: [],
    kept: [],
    reason,
    linked,
    missing,
  });
  const { interaction } = target;
  if (interaction === null) return plan("already_gone");
  // The SIDs go into DELETE URLs: a malformed one (e.g. "..") could name the Session instead.
  if (!isSid(target.sid, ["KI"]) || !isSid(target.sessionSid, ["KC"])) {
    return plan("invalid", "the server listed a malformed Interaction SID: not deleted");
  }
  const legs: Leg[] = [];
  const seen = new Set<string>();
  for (const direction of DIRECTIONS) {
    const leg = readLeg(interaction, direction);
    if (leg === null) continue;
    const key = "sid" in leg ? leg.sid : `${direction}:${leg.resourceSid}`;
    if (seen.has(key)) continue;
    seen.add(key);
    legs.push(leg);
    linked["sid" in leg ? leg.collection : "other"]++;
  }
  if (interaction.account_sid && interaction.account_sid !== origins.accountSid) {
    return plan(
      "skipped",
      `belongs to another account (${interaction.account_sid}): its Messages and Calls are not in ours`,
    );
  }
  const result = plan("deletable");
  if (includeResources) {
    for (const leg of legs) {
      if ("sid" in leg) {
        result.steps.push({ kind: "resource", ...leg, url: resourceUrl(origins, leg.collection, leg.sid) });
      } else {
        result.kept.push(leg);
      }
    }
    if (result.kept.length > 0) result.verdict = "skipped";
  }
  if (result.verdict === "deletable") {
    result.steps.push({
      kind: "interaction",
      sid: target.sid,
      url: interactionUrl(origins, target.serviceSid, target.sessionSid, target.sid),
    });
  }
  return result;
}

/**
 * Once the resource steps have run: "delete" when the Interaction may go (every resource deleted or
 * already gone, and none kept), else what the kept Interaction counts as, worst first: failed, skipped,
 * not visible (archived, or gone: it cannot be told), deferred (a later run finishes it).
 */
export function interactionOutcome(
  plan: DeletionPlan,
  outcomes: readonly ResourceOutcome[],
): "delete" | Exclude<ResourceOutcome, "deleted" | "already_gone"> {
  if (outcomes.includes("failed")) return "failed";
  // A leg kept for something under it (a Media with a malformed SID) keeps the Interaction too.
  if (plan.verdict === "skipped" || outcomes.includes("skipped")) return "skipped";
  if (outcomes.includes("not_visible")) return "not_visible";
  if (outcomes.includes("deferred")) return "deferred";
  return "delete";
}

/** What a set of plans would do: the confirmation prompt and the dry run count with this. */
export interface PlanTotals {
  interactions: number;
  deletable: number;
  sessions: Set<string>;
  resources: Record<ResourceCollection, number>;
  /** What would be deleted, per kind (children only once found: the dry run lists them, the prompt does not). */
  byKind: Record<ReportKind, number>;
  keptResources: number;
  linked: Record<ResourceCollection | "other", number>;
}

export function emptyTotals(): PlanTotals {
  return {
    interactions: 0,
    deletable: 0,
    sessions: new Set(),
    resources: { Messages: 0, Calls: 0 },
    byKind: { messages: 0, calls: 0, media: 0, recordings: 0, transcriptions: 0 },
    keptResources: 0,
    linked: { Messages: 0, Calls: 0, other: 0 },
  };
}

export function addToTotals(totals: PlanTotals, target: PurgeTarget, plan: DeletionPlan): void {
  if (plan.verdict === "already_gone") return;
  totals.interactions++;
  totals.sessions.add(target.sessionSid);
  if (plan.verdict === "deletable") totals.deletable++;
  for (const step of plan.steps) {
    if (step.kind !== "resource") continue;
    totals.resources[step.collection]++;
    totals.byKind[step.collection === "Calls" ? "calls" : "messages"]++;
  }
  totals.keptResources += plan.kept.length;
  for (const key of ["Messages", "Calls", "other"] as const) totals.linked[key] += plan.linked[key];
}

/** The dry run's `would_delete` (docs/output.md), from the same totals. */
export function wouldDelete(totals: PlanTotals): {
  interactions: number;
  resources: number;
  skipped_resources: number;
  resources_by_kind: Record<ReportKind, number>;
} {
  return {
    interactions: totals.deletable,
    resources: Object.values(totals.byKind).reduce((a, b) => a + b, 0),
    skipped_resources: totals.keptResources,
    resources_by_kind: { ...totals.byKind },
  };
}

/** Every kind of resource proxy-ix deletes, and its name in the report (`resources_by_kind`). */
export const REPORT_KINDS = {
  message: "messages",
  call: "calls",
  media: "media",
  recording: "recordings",
  transcription: "transcriptions",
} as const;
export type ResourceKind = keyof typeof REPORT_KINDS;
export type ReportKind = (typeof REPORT_KINDS)[ResourceKind];

/**
 * What a resource has under it (API v2010, twilio_api_v2010.json): where the children are listed, the
 * field of a listed child that names its parent, and the SID prefix a child must have.
 */
const CHILDREN = {
  message: {
    kind: "media",
    prefix: "ME",
    under: "Messages",
    list: "Media",
    key: "media_list",
    parentField: "parent_sid",
  },
  call: {
    kind: "recording",
    prefix: "RE",
    under: "Calls",
    list: "Recordings",
    key: "recordings",
    parentField: "call_sid",
  },
  recording: {
    kind: "transcription",
    prefix: "TR",
    under: "Recordings",
    list: "Transcriptions",
    key: "transcriptions",
    parentField: "recording_sid",
  },
} as const satisfies Partial<Record<ResourceKind, ChildSpec>>;

export interface ChildSpec {
  kind: ResourceKind;
  prefix: string;
  under: string;
  list: string;
  key: string;
  parentField: string;
}

/** One resource of the tree: its children (deleted first), and those of them left alone (`kept`). */
export interface ResourceNode {
  kind: ResourceKind;
  sid: string;
  parentSid: string | null;
  url: string;
  children: ResourceNode[];
  kept: KeptLeg[];
}

/** How a node's children are found: null for a kind that has none. */
export function childrenOf(
  origins: ApiOrigins,
  node: ResourceNode,
): { url: string; key: string; parentField: string } | null {
  const spec: ChildSpec | undefined = (CHILDREN as Partial<Record<ResourceKind, ChildSpec>>)[node.kind];
  if (!spec) return null;
  const url = `${origins.apiOrigin}/2010-04-01/Accounts/${origins.accountSid}/${spec.under}/${node.sid}/${spec.list}.json`;
  return { url, key: spec.key, parentField: spec.parentField };
}

/** The kind of a node's children (what a `kept` entry of it is), or null. */
export function childKind(kind: ResourceKind): ResourceKind | null {
  return (CHILDREN as Partial<Record<ResourceKind, ChildSpec>>)[kind]?.kind ?? null;
}

/** A Message whose `num_media` is "0" has no Media: no list is read. Anything else (unknown too) is listed. */
export function mayHaveMedia(numMedia: string | null): boolean {
  return numMedia !== "0";
}

/** A leg of the plan as the root of its tree. */
export function legNode(step: ResourceStep): ResourceNode {
  const kind: ResourceKind = step.collection === "Calls" ? "call" : "message";
  return { kind, sid: step.sid, parentSid: null, url: step.url, children: [], kept: [] };
}

/**
 * The children listed under `parent`, as nodes. A SID that is not a well-formed one of the expected
 * kind is kept (never put into a URL), which keeps the parent too. URLs are built from SIDs, never taken
 * from the server's `uri`.
 */
export function addChildren(
  origins: ApiOrigins,
  parent: ResourceNode,
  listed: readonly { sid: unknown }[],
): void {
  const spec: ChildSpec | undefined = (CHILDREN as Partial<Record<ResourceKind, ChildSpec>>)[parent.kind];
  if (!spec) return;
  const seen = new Set<string>();
  for (const { sid } of listed) {
    if (typeof sid !== "string" || !isSid(sid, [spec.prefix])) {
      parent.kept.push(
        kept(sid, `a listed ${spec.kind} SID is not a well-formed ${spec.prefix} SID: not deleted`),
      );
      continue;
    }
    if (seen.has(sid)) continue;
    seen.add(sid);
    const url = `${origins.apiOrigin}/2010-04-01/Accounts/${origins.accountSid}/${spec.under}/${parent.sid}/${spec.list}/${sid}.json`;
    parent.children.push({ kind: spec.kind, sid, parentSid: parent.sid, url, children: [], kept: [] });
  }
}

/** The tree in the order found (each resource before its children): the export's `resources`. */
export function preOrder(nodes: readonly ResourceNode[]): ResourceNode[] {
  return nodes.flatMap((node) => [node, ...preOrder(node.children)]);
}

/** The order of the DELETEs: each resource after all of its children. */
export function deletionOrder(nodes: readonly ResourceNode[]): ResourceNode[] {
  return nodes.flatMap((node) => [...deletionOrder(node.children), node]);
}

/**
 * A parent's fate once its children were tried: "delete" when each was deleted or already gone and none
 * was kept, else the worst of theirs (the parent stays, counted like the child that kept it).
 */
export function parentOutcome(
  node: ResourceNode,
  outcomes: readonly ResourceOutcome[],
): "delete" | ResourceOutcome {
  if (outcomes.includes("failed")) return "failed";
  if (node.kept.length > 0 || outcomes.includes("skipped")) return "skipped";
  if (outcomes.includes("not_visible")) return "not_visible";
  if (outcomes.includes("deferred")) return "deferred";
  return "delete";
}

/** The children found under a plan's legs (dry run): counted by kind with the plan's own totals. */
export function addChildrenToTotals(totals: PlanTotals, legs: readonly ResourceNode[]): void {
  for (const node of preOrder(legs)) {
    if (node.parentSid !== null) totals.byKind[REPORT_KINDS[node.kind]]++;
    totals.keptResources += node.kept.length;
  }
}
