import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ApiClient } from "../../src/api/client.js";
import type { Interaction } from "../../src/api/types.js";
import { TwilioApiError } from "../../src/errors.js";
import { runPurge } from "../../src/purge/engine.js";
import {
  addToTotals,
  DEFAULT_VISIBLE_DAYS,
  type DeletionPlan,
  emptyTotals,
  interactionOutcome,
  missingOutcome,
  type PurgeTarget,
  planDeletion,
  wouldDelete,
} from "../../src/purge/plan.js";

/** The deletion plan (src/purge/plan.ts), and the engine running exactly its steps against a fake client. */
const AC = `AC${"a".repeat(32)}`;
const KS = `KS${"b".repeat(32)}`;
const KC = `KC${"c".repeat(32)}`;
const ORIGINS = { accountSid: AC, proxyOrigin: "https://proxy.test", apiOrigin: "https://api.test" };
const DAY_MS = 86_400_000;
const sid = (prefix: string, n: number) => `${prefix}${n.toString(16).padStart(32, "0")}`;
const KI = sid("KI", 1);
const SM = sid("SM", 2);
const MM = sid("MM", 3);
const CA = sid("CA", 4);
const IM = sid("IM", 5);
const interactionUrl = `https://proxy.test/v1/Services/${KS}/Sessions/${KC}/Interactions/${KI}`;
const messageUrl = (s: string) => `https://api.test/2010-04-01/Accounts/${AC}/Messages/${s}.json`;
const callUrl = (s: string) => `https://api.test/2010-04-01/Accounts/${AC}/Calls/${s}.json`;

function interaction(fields: Partial<Record<keyof Interaction, unknown>> = {}): Interaction {
  return {
    sid: KI,
    session_sid: KC,
    service_sid: KS,
    account_sid: AC,
    data: null,
    type: "message",
    inbound_participant_sid: null,
    inbound_resource_sid: SM,
    inbound_resource_status: "delivered",
    inbound_resource_type: "Message",
    inbound_resource_url: null,
    outbound_participant_sid: null,
    outbound_resource_sid: CA,
    outbound_resource_status: "completed",
    outbound_resource_type: "Call",
    outbound_resource_url: null,
    // Within --visible-days (a 20404 means gone) whatever day the tests run.
    date_created: new Date(Date.now() - 30 * DAY_MS).toISOString(),
    date_updated: null,
    url: null,
    ...fields,
  } as Interaction;
}

function target(fields: Partial<Record<keyof Interaction, unknown>> | null = {}, sidOf = KI): PurgeTarget {
  return {
    sid: sidOf,
    serviceSid: KS,
    sessionSid: KC,
    interaction: fields === null ? null : interaction(fields),
  };
}

const urls = (plan: DeletionPlan) => plan.steps.map((step) => step.url);

describe("planDeletion", () => {
  it("with --include-resources: each linked Message/Call first, then the Interaction", () => {
    const plan = planDeletion(target(), ORIGINS, true);
    expect(plan.verdict).toBe("deletable");
    expect(urls(plan)).toEqual([messageUrl(SM), callUrl(CA), interactionUrl]);
    expect(plan.kept).toEqual([]);
    expect(plan.linked).toEqual({ Messages: 1, Calls: 1, other: 0 });
  });

  it("without --include-resources: the Interaction only, its legs still counted for the prompt", () => {
    const plan = planDeletion(target(), ORIGINS, false);
    expect(plan.verdict).toBe("deletable");
    expect(urls(plan)).toEqual([interactionUrl]);
    expect(plan.linked).toEqual({ Messages: 1, Calls: 1, other: 0 });
  });

  it("MM is a Message; one SID on both legs is deleted once; no legs at all is just the Interaction", () => {
    expect(urls(planDeletion(target({ inbound_resource_sid: MM }), ORIGINS, true))).toEqual([
      messageUrl(MM),
      callUrl(CA),
      interactionUrl,
    ]);
    expect(
      urls(planDeletion(target({ inbound_resource_sid: SM, outbound_resource_sid: SM }), ORIGINS, true)),
    ).toEqual([messageUrl(SM), interactionUrl]);
    const bare = { inbound_resource_sid: null, outbound_resource_sid: null };
    expect(urls(planDeletion(target(bare), ORIGINS, true))).toEqual([interactionUrl]);
    expect(urls(planDeletion(target({ ...bare, inbound_resource_sid: "" }), ORIGINS, true))).toEqual([
      interactionUrl,
    ]);
  });

  it("never takes a URL from *_resource_url", () => {
    const plan = planDeletion(target({ inbound_resource_url: "https://evil.example/x.json" }), ORIGINS, true);
    expect(urls(plan)).toEqual([messageUrl(SM), callUrl(CA), interactionUrl]);
  });

  const unreadable: [string, unknown, string | null, RegExp][] = [
    ["an array", [SM], null, /inbound_resource_sid is an array/],
    ["a number", 12345, null, /inbound_resource_sid is a number/],
    ["an object", { sid: SM }, null, /inbound_resource_sid is an object/],
    ["a boolean", true, null, /inbound_resource_sid is a boolean/],
    [
      "empty while its URL is set",
      "",
      "https://api.twilio.com/x.json",
      /empty while inbound_resource_url is set/,
    ],
    [
      "null while its URL is set",
      null,
      "https://api.twilio.com/x.json",
      /empty while inbound_resource_url is set/,
    ],
    ["surrounded by whitespace", ` ${SM} `, null, /surrounding whitespace/],
    ["followed by a newline", `${SM}\n`, null, /surrounding whitespace/],
    ["too short", "SM123", null, /not a well-formed SID/],
    ["lower-case prefix", `sm${"0".repeat(32)}`, null, /not a well-formed SID/],
    ["a kind proxy-ix cannot delete", IM, null, /IM resources are not Messages or Calls/],
  ];
  for (const [what, value, url, reason] of unreadable) {
    it(`a leg ${what}: the Interaction is kept with the reason; the other leg still goes`, () => {
      const plan = planDeletion(
        target({ inbound_resource_sid: value, inbound_resource_url: url }),
        ORIGINS,
        true,
      );
      expect(plan.verdict).toBe("skipped");
      expect(plan.kept).toEqual([{ resourceSid: expect.any(String), reason: expect.stringMatching(reason) }]);
      expect(urls(plan)).toEqual([callUrl(CA)]);
      expect(plan.linked).toEqual({ Messages: 0, Calls: 1, other: 1 });
    });
  }

  it("a kept leg's shown SID is clipped (server text)", () => {
    const plan = planDeletion(target({ inbound_resource_sid: "x".repeat(500) }), ORIGINS, true);
    expect(plan.kept[0]?.resourceSid.length).toBeLessThanOrEqual(64);
  });

  it("another account's Interaction is skipped, with nothing to do", () => {
    const plan = planDeletion(target({ account_sid: `AC${"f".repeat(32)}` }), ORIGINS, true);
    expect(plan).toMatchObject({
      verdict: "skipped",
      steps: [],
      reason: expect.stringContaining("another account"),
    });
  });

  it("a malformed Interaction or Session SID is invalid: no step at all", () => {
    expect(planDeletion(target({}, ".."), ORIGINS, true)).toMatchObject({ verdict: "invalid", steps: [] });
    expect(planDeletion({ ...target(), sessionSid: "KC/../x" }, ORIGINS, false)).toMatchObject({
      verdict: "invalid",
      steps: [],
    });
  });

  it("an Interaction `delete` did not find is already gone", () => {
    expect(planDeletion(target(null), ORIGINS, true)).toMatchObject({ verdict: "already_gone", steps: [] });
  });

  it("totals: what the prompt and the dry run count", () => {
    const totals = emptyTotals();
    for (const t of [target(), target({ inbound_resource_sid: IM }), target(null)]) {
      addToTotals(totals, t, planDeletion(t, ORIGINS, true));
    }
    expect(totals).toMatchObject({
      interactions: 2,
      deletable: 1,
      resources: { Messages: 1, Calls: 2 },
      keptResources: 1,
      linked: { Messages: 1, Calls: 2, other: 1 },
    });
    expect(totals.sessions.size).toBe(1);
  });
});

describe("planDeletion, any leg values (fast-check)", () => {
  const hex = fc.stringMatching(/^[0-9a-f]{32}$/);
  const wellFormed = fc
    .tuple(fc.constantFrom("SM", "MM", "CA", "IM", "ME", "RE"), hex)
    .map(([p, h]) => p + h);
  const legValue = fc.oneof(
    fc.constant(null),
    fc.constant(undefined),
    fc.constant(""),
    wellFormed,
    wellFormed.map((sid) => ` ${sid}`),
    wellFormed.map((sid) => `${sid}\t`),
    wellFormed.map((sid) => [sid]),
    fc.integer(),
    fc.string({ maxLength: 40 }),
    fc.object({ maxDepth: 1 }),
  );
  const url = fc.oneof(fc.constant(null), fc.constant(""), fc.webUrl());

  it("resources first, the Interaction last and only when deletable; URLs built from well-formed SIDs only", () => {
    fc.assert(
      fc.property(legValue, url, legValue, url, fc.boolean(), (inSid, inUrl, outSid, outUrl, include) => {
        const fields = {
          inbound_resource_sid: inSid,
          inbound_resource_url: inUrl,
          outbound_resource_sid: outSid,
          outbound_resource_url: outUrl,
        };
        const plan = planDeletion(target(fields), ORIGINS, include);
        const last = plan.steps.at(-1);
        expect(plan.steps.filter((step) => step.kind === "interaction").length).toBe(
          plan.verdict === "deletable" ? 1 : 0,
        );
        if (plan.verdict === "deletable")
          expect(last).toEqual({ kind: "interaction", sid: KI, url: interactionUrl });
        const resources = plan.steps.filter((step) => step.kind === "resource");
        if (!include) expect(resources).toEqual([]);
        for (const step of resources) {
          expect([inSid, outSid]).toContain(step.sid);
          expect(step.sid).toMatch(/^(SM|MM|CA)[0-9a-f]{32}$/);
          const collection = step.sid.startsWith("CA") ? "Calls" : "Messages";
          expect(step.url).toBe(`https://api.test/2010-04-01/Accounts/${AC}/${collection}/${step.sid}.json`);
        }
        // Every leg that is there is either deleted or kept with a reason: none is silently dropped.
        const present = [
          [inSid, inUrl],
          [outSid, outUrl],
        ].filter(([sid, link]) => !(sid === null || sid === undefined || sid === "") || !!link);
        // The same Message or Call on both legs is deleted once; anything else is reported per leg.
        const deletable = (sid: unknown) => typeof sid === "string" && /^(SM|MM|CA)[0-9a-f]{32}$/.test(sid);
        const distinct = {
          size:
            new Set(present.filter(([sid]) => deletable(sid)).map(([sid]) => sid)).size +
            present.filter(([sid]) => !deletable(sid)).length,
        };
        if (include) expect(resources.length + plan.kept.length).toBe(distinct.size);
        expect(plan.linked.Messages + plan.linked.Calls + plan.linked.other).toBe(distinct.size);
        if (include && plan.kept.length > 0) expect(plan.verdict).toBe("skipped");
      }),
      { numRuns: 3000 },
    );
  });
});

/**
 * A fake client: records every DELETE and answers from `answers` (by URL), 204 otherwise. GETs: a
 * Message has no Media (num_media "0"), a Call no Recordings; anything else is unexpected.
 */
function fakeClient(answers: Record<string, Error> = {}): ApiClient & { deleted: string[] } {
  const deleted: string[] = [];
  return {
    ...ORIGINS,
    deleted,
    async getJson<T>(url: string): Promise<T> {
      const message = /\/Messages\/((?:SM|MM)[0-9a-f]{32})\.json$/.exec(url);
      if (message) return { sid: message[1], account_sid: AC, num_media: "0" } as T;
      if (/\/Calls\/CA[0-9a-f]{32}\/Recordings\.json$/.test(url))
        return { recordings: [], next_page_uri: null } as T;
      throw new Error(`no GET expected: ${url}`);
    },
    requestCounts: () => ({ total: deleted.length, by_status: {} }),
    async delete(url: string) {
      deleted.push(url);
      const answer = answers[url];
      if (answer) throw answer;
    },
  };
}

async function run(
  client: ApiClient,
  targets: PurgeTarget[],
  includeResources = true,
  dryRun = false,
  visibleDays?: number,
) {
  async function* stream() {
    yield* targets;
  }
  const { report } = await runPurge(client, stream(), {
    dryRun,
    includeResources,
    visibleDays,
    concurrency: 1,
    exportFile: null,
    stop: new AbortController().signal,
  });
  return report;
}

const gone = () =>
  new TwilioApiError({ status: 404, code: 20404, message: "gone", moreInfo: null, request: "DELETE x" });
const notFinal = () =>
  new TwilioApiError({ status: 409, code: 20009, message: "busy", moreInfo: null, request: "DELETE x" });
const htmlNotFound = () =>
  new TwilioApiError({ status: 404, code: null, message: "html", moreInfo: null, request: "DELETE x" });

describe("the engine runs the plan", () => {
  it("in the plan's order, and nothing else", async () => {
    const client = fakeClient();
    const report = await run(client, [target()]);
    expect(client.deleted).toEqual(urls(planDeletion(target(), ORIGINS, true)));
    expect(report.interactions).toMatchObject({ matched: 1, deleted: 1 });
    expect(report.resources).toMatchObject({ deleted: 2 });
  });

  it("a resource already gone (20404) still lets the Interaction go", async () => {
    const client = fakeClient({ [messageUrl(SM)]: gone() });
    const report = await run(client, [target()]);
    expect(client.deleted).toContain(interactionUrl);
    expect(report.resources).toMatchObject({ already_gone: 1, deleted: 1 });
  });

  const keeps: [string, () => Error, string][] = [
    ["deferred (20009)", notFinal, "deferred"],
    ["a 404 without 20404", htmlNotFound, "failed"],
  ];
  for (const [what, error, outcome] of keeps) {
    it(`a resource ${what} keeps the Interaction (${outcome}); the other leg is still tried`, async () => {
      const client = fakeClient({ [messageUrl(SM)]: error() });
      const report = await run(client, [target()]);
      expect(client.deleted).toEqual([messageUrl(SM), callUrl(CA)]);
      expect(report.interactions[outcome as "failed"]).toBe(1);
    });
  }

  it("a skipped leg: the deletable one goes, the Interaction stays, counted skipped", async () => {
    const client = fakeClient();
    const report = await run(client, [target({ inbound_resource_sid: [SM] })]);
    expect(client.deleted).toEqual([callUrl(CA)]);
    expect(report.interactions).toMatchObject({ skipped: 1, deleted: 0 });
    expect(report.resources).toMatchObject({ skipped: 1, deleted: 1 });
    expect(report.skipped[0]?.reason).toMatch(/inbound_resource_sid is an array/);
  });

  it("a dry run sends nothing and counts what the plan would do", async () => {
    const client = fakeClient();
    const report = await run(client, [target(), target({ inbound_resource_sid: IM })], true, true);
    expect(client.deleted).toEqual([]);
    expect(report.would_delete).toEqual({
      interactions: 1,
      resources: 3,
      skipped_resources: 1,
      resources_by_kind: { messages: 1, calls: 2, media: 0, recordings: 0, transcriptions: 0 },
    });
  });

  it("the dry run counts exactly what the prompt's totals count", async () => {
    const targets = [
      target(),
      target({ inbound_resource_sid: IM }),
      target({ outbound_resource_sid: [CA] }),
      target({ inbound_resource_sid: MM, outbound_resource_sid: null }),
      target({ account_sid: `AC${"f".repeat(32)}` }),
    ];
    for (const include of [true, false]) {
      const totals = emptyTotals();
      for (const t of targets) addToTotals(totals, t, planDeletion(t, ORIGINS, include));
      const report = await run(fakeClient(), targets, include, true);
      expect(report.would_delete).toEqual(wouldDelete(totals));
    }
  });

  it("an invalid or foreign Interaction is never sent a DELETE", async () => {
    const client = fakeClient();
    const report = await run(client, [target({}, ".."), target({ account_sid: `AC${"f".repeat(32)}` })]);
    expect(client.deleted).toEqual([]);
    expect(report.interactions).toMatchObject({ failed: 1, skipped: 1 });
  });
});

describe("the Interaction's own DELETE", () => {
  const cases: [string, Error | null, string][] = [
    ["204", null, "deleted"],
    ["20404", gone(), "already_gone"],
    ["20009", notFinal(), "deferred"],
    ["a 404 without 20404", htmlNotFound(), "failed"],
  ];
  for (const [what, error, outcome] of cases) {
    it(`answered ${what}: counted once, as ${outcome}`, async () => {
      const client = fakeClient(error ? { [interactionUrl]: error } : {});
      const report = await run(client, [target()]);
      const { matched, ...counts } = report.interactions;
      expect(matched).toBe(1);
      expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(1);
      expect(report.interactions[outcome as "deleted"]).toBe(1);
    });
  }
});

describe("a 404/20404 for a linked resource, by the Interaction's age (--visible-days)", () => {
  const now = Date.parse("2026-06-01T00:00:00Z");
  const at = (days: number, ms = 0) => ({ date_created: new Date(now - days * DAY_MS - ms).toISOString() });
  const window = { days: 30, nowMs: now };

  it("within the window it is already gone; past it, not visible (it may be archived)", () => {
    expect(missingOutcome(interaction(at(0)), window)).toBe("already_gone");
    expect(missingOutcome(interaction(at(29)), window)).toBe("already_gone");
    expect(missingOutcome(interaction(at(30)), window)).toBe("already_gone");
    expect(missingOutcome(interaction(at(30, 1)), window)).toBe("not_visible");
    expect(missingOutcome(interaction(at(3000)), window)).toBe("not_visible");
  });

  it("an Interaction created after `now` (clock skew) is young", () => {
    expect(missingOutcome(interaction(at(-1)), window)).toBe("already_gone");
  });

  it("an unreadable or missing date counts as old: the Interaction is kept, never an orphan made", () => {
    for (const date_created of [null, undefined, "", "yesterday", 12345, {}]) {
      expect(missingOutcome(interaction({ date_created }), window)).toBe("not_visible");
    }
    expect(missingOutcome(null, window)).toBe("not_visible");
  });

  it("the plan carries it; by default the window is 395 days before now", () => {
    expect(DEFAULT_VISIBLE_DAYS).toBe(395);
    const young = target({ date_created: new Date(Date.now() - 394 * DAY_MS).toISOString() });
    const old = target({ date_created: new Date(Date.now() - 396 * DAY_MS).toISOString() });
    expect(planDeletion(young, ORIGINS, true).missing).toBe("already_gone");
    expect(planDeletion(old, ORIGINS, true).missing).toBe("not_visible");
    expect(planDeletion(old, ORIGINS, true, { days: 400, nowMs: Date.now() }).missing).toBe("already_gone");
    // The verdict and the steps do not change: the age matters only once an answer is a 20404.
    expect(planDeletion(old, ORIGINS, true).steps).toEqual(planDeletion(young, ORIGINS, true).steps);
  });

  it("a kept Interaction counts as the worst of its legs: failed, skipped, not visible, deferred", () => {
    const plan = planDeletion(target(), ORIGINS, true);
    expect(interactionOutcome(plan, ["deleted", "already_gone"])).toBe("delete");
    expect(interactionOutcome(plan, ["not_visible", "deleted"])).toBe("not_visible");
    expect(interactionOutcome(plan, ["deferred", "not_visible"])).toBe("not_visible");
    expect(interactionOutcome(plan, ["not_visible", "skipped"])).toBe("skipped");
    expect(interactionOutcome(plan, ["not_visible", "failed"])).toBe("failed");
  });
});

describe("the engine and --visible-days", () => {
  const old = () => target({ date_created: new Date(Date.now() - 500 * DAY_MS).toISOString() });

  it("a Message answering 20404 for an old Interaction: not visible, the Interaction kept and listed", async () => {
    const client = fakeClient({ [messageUrl(SM)]: gone() });
    const oldTarget = old();
    const report = await run(client, [oldTarget]);
    expect(client.deleted).toEqual([messageUrl(SM), callUrl(CA)]);
    expect(report.interactions).toMatchObject({ matched: 1, not_visible: 1, deleted: 0, already_gone: 0 });
    expect(report.resources).toMatchObject({ not_visible: 1, deleted: 1, already_gone: 0 });
    expect(report.resources_by_kind.messages.not_visible).toBe(1);
    expect(report.not_visible).toEqual([
      {
        interaction_sid: KI,
        session_sid: KC,
        resource_sid: SM,
        interaction_date_created: oldTarget.interaction?.date_created,
      },
    ]);
  });

  it("the same answers for a young Interaction: already gone, and the Interaction goes (as before)", async () => {
    const client = fakeClient({ [messageUrl(SM)]: gone() });
    const report = await run(client, [target()]);
    expect(client.deleted).toEqual([messageUrl(SM), callUrl(CA), interactionUrl]);
    expect(report.interactions).toMatchObject({ deleted: 1, not_visible: 0 });
    expect(report.not_visible).toEqual([]);
  });

  it("a larger --visible-days takes the old Interaction's 20404 for gone; a smaller one keeps a young one", async () => {
    const large = fakeClient({ [messageUrl(SM)]: gone() });
    expect((await run(large, [old()], true, false, 3650)).interactions.deleted).toBe(1);
    expect(large.deleted).toContain(interactionUrl);
    const small = fakeClient({ [messageUrl(SM)]: gone() });
    expect((await run(small, [target()], true, false, 7)).interactions.not_visible).toBe(1);
    expect(small.deleted).not.toContain(interactionUrl);
  });

  it("the old Interaction's own 20404 is already gone: Proxy keeps no archive of it", async () => {
    const client = fakeClient({ [interactionUrl]: gone() });
    const report = await run(client, [old()]);
    expect(report.interactions).toMatchObject({ already_gone: 1, not_visible: 0 });
    expect(report.resources.deleted).toBe(2);
  });
});
