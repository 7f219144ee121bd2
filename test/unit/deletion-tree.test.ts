import { describe, expect, it } from "vitest";
import type { ApiClient } from "../../src/api/client.js";
import type { Interaction } from "../../src/api/types.js";
import { TwilioApiError } from "../../src/errors.js";
import { runPurge } from "../../src/purge/engine.js";
import type { interactionLine } from "../../src/purge/export-line.js";
import type { PurgeTarget } from "../../src/purge/plan.js";

/**
 * The deeper chain (#12 item 1) against a fake Twilio: Media before their Message, Transcriptions
 * before their Recording before its Call, each parent only once its children are gone.
 */
const AC = `AC${"a".repeat(32)}`;
const KS = `KS${"b".repeat(32)}`;
const KC = `KC${"c".repeat(32)}`;
const sid = (prefix: string, n: number) => `${prefix}${n.toString(16).padStart(32, "0")}`;
const [KI, SM, CA, ME1, ME2, RE, TR] = [
  sid("KI", 1),
  sid("MM", 2),
  sid("CA", 3),
  sid("ME", 4),
  sid("ME", 5),
  sid("RE", 6),
  sid("TR", 7),
];
const API = `https://api.test/2010-04-01/Accounts/${AC}`;
const ORIGINS = { accountSid: AC, proxyOrigin: "https://proxy.test", apiOrigin: "https://api.test" };
const U = {
  interaction: `https://proxy.test/v1/Services/${KS}/Sessions/${KC}/Interactions/${KI}`,
  message: `${API}/Messages/${SM}.json`,
  media: `${API}/Messages/${SM}/Media.json`,
  me1: `${API}/Messages/${SM}/Media/${ME1}.json`,
  me2: `${API}/Messages/${SM}/Media/${ME2}.json`,
  call: `${API}/Calls/${CA}.json`,
  recordings: `${API}/Calls/${CA}/Recordings.json`,
  re: `${API}/Calls/${CA}/Recordings/${RE}.json`,
  transcriptions: `${API}/Recordings/${RE}/Transcriptions.json`,
  tr: `${API}/Recordings/${RE}/Transcriptions/${TR}.json`,
};

type Answer = Error | Record<string, unknown>;

/** The account as the fake serves it; `answers` replace any answer by URL (GET or DELETE). */
function twilio(answers: Record<string, Answer> = {}, numMedia = "2") {
  const sent: string[] = [];
  const gets: Record<string, Record<string, unknown>> = {
    [U.message]: { sid: SM, account_sid: AC, num_media: numMedia },
    [U.media]: {
      media_list: [
        { sid: ME1, parent_sid: SM, account_sid: AC },
        { sid: ME2, parent_sid: SM, account_sid: AC },
      ],
      next_page_uri: null,
    },
    [U.recordings]: { recordings: [{ sid: RE, call_sid: CA, account_sid: AC }], next_page_uri: null },
    [U.transcriptions]: {
      transcriptions: [{ sid: TR, recording_sid: RE, account_sid: AC }],
      next_page_uri: null,
    },
  };
  const client: ApiClient = {
    ...ORIGINS,
    requestCounts: () => ({ total: sent.length, by_status: {} }),
    async getJson<T>(url: string): Promise<T> {
      sent.push(`GET ${url}`);
      const answer = answers[url] ?? gets[url];
      if (answer instanceof Error) throw answer;
      if (!answer) throw new Error(`unexpected GET ${url}`);
      return answer as T;
    },
    async delete(url: string) {
      sent.push(`DELETE ${url}`);
      const answer = answers[url];
      if (answer instanceof Error) throw answer;
    },
  };
  return { client, sent, deleted: () => sent.filter((s) => s.startsWith("DELETE ")).map((s) => s.slice(7)) };
}

const error = (status: number, code: number) =>
  new TwilioApiError({ status, code, message: `error ${code}`, moreInfo: null, request: "x" });

const DAY_MS = 86_400_000;

function target(fields: Record<string, unknown> = {}): PurgeTarget {
  const interaction = {
    sid: KI,
    session_sid: KC,
    service_sid: KS,
    account_sid: AC,
    data: '{"body":"secret"}',
    type: "message",
    inbound_resource_sid: SM,
    outbound_resource_sid: CA,
    // Within --visible-days (a 20404 means gone) whatever day the tests run.
    date_created: new Date(Date.now() - 30 * DAY_MS).toISOString(),
    ...fields,
  } as unknown as Interaction;
  return { sid: KI, serviceSid: KS, sessionSid: KC, interaction };
}

async function run(client: ApiClient, dryRun = false, lines: unknown[] = [], fields = {}) {
  async function* one() {
    yield target(fields);
  }
  const exportFile = { append: async (line: unknown) => void lines.push(line) };
  const { report } = await runPurge(client, one(), {
    dryRun,
    includeResources: true,
    concurrency: 1,
    exportFile: exportFile as never,
    stop: new AbortController().signal,
  });
  return report;
}

describe("the deletion tree", () => {
  it("children before parents, the Interaction last; counted per kind", async () => {
    const fake = twilio();
    const report = await run(fake.client);
    expect(fake.deleted()).toEqual([U.me1, U.me2, U.message, U.tr, U.re, U.call, U.interaction]);
    expect(report.interactions.deleted).toBe(1);
    const k = report.resources_by_kind;
    expect([k.messages.deleted, k.media.deleted, k.calls.deleted, k.recordings.deleted]).toEqual([
      1, 2, 1, 1,
    ]);
    expect(k.transcriptions.deleted).toBe(1);
    expect(report.resources.deleted).toBe(6);
  });

  it('a Message with num_media "0" needs no Media request', async () => {
    const fake = twilio({}, "0");
    await run(fake.client);
    expect(fake.sent).not.toContain(`GET ${U.media}`);
    expect(fake.deleted()).toEqual([U.message, U.tr, U.re, U.call, U.interaction]);
  });

  it("a Recording still processing (20009) defers its Call and the Interaction; the Transcription goes", async () => {
    const fake = twilio({ [U.re]: error(409, 20009) });
    const report = await run(fake.client);
    expect(fake.deleted()).toEqual([U.me1, U.me2, U.message, U.tr, U.re]);
    expect(report.interactions.deferred).toBe(1);
    expect(report.resources_by_kind.recordings.deferred).toBe(1);
    expect(report.resources_by_kind.calls.deferred).toBe(1);
    expect(report.deferred).toEqual([
      { interaction_sid: KI, session_sid: KC, resource_sid: RE, code: 20009 },
    ]);
  });

  it("a child already gone (20404) counts as gone; its parent goes", async () => {
    const fake = twilio({ [U.me1]: error(404, 20404) });
    const report = await run(fake.client);
    expect(fake.deleted()).toContain(U.interaction);
    expect(report.resources_by_kind.media).toMatchObject({ deleted: 1, already_gone: 1 });
  });

  it("a child answering 20404 under an Interaction older than --visible-days: not visible, keeps its parent and the Interaction", async () => {
    const fake = twilio({ [U.me1]: error(404, 20404) });
    const old = new Date(Date.now() - 400 * DAY_MS).toISOString();
    const report = await run(fake.client, false, [], { date_created: old });
    // The Message stays (its Media may be archived, not gone); the Call's tree goes; the Interaction stays.
    expect(fake.deleted()).toEqual([U.me1, U.me2, U.tr, U.re, U.call]);
    expect(report.resources_by_kind.media).toMatchObject({ not_visible: 1, deleted: 1 });
    expect(report.resources_by_kind.messages).toMatchObject({ not_visible: 1, deleted: 0 });
    expect(report.interactions).toMatchObject({ not_visible: 1, deleted: 0 });
    expect(report.not_visible).toEqual([
      { interaction_sid: KI, session_sid: KC, resource_sid: ME1, interaction_date_created: old },
    ]);
  });

  it("a malformed child SID is skipped (never in a URL) and keeps its parent and the Interaction", async () => {
    const fake = twilio({
      [U.media]: {
        media_list: [{ sid: "ME../../x", parent_sid: SM, account_sid: AC }],
        next_page_uri: null,
      },
    });
    const report = await run(fake.client);
    expect(fake.deleted()).toEqual([U.tr, U.re, U.call]);
    expect(report.interactions.skipped).toBe(1);
    expect(report.resources_by_kind.media.skipped).toBe(1);
    expect(report.resources_by_kind.messages.skipped).toBe(1);
  });

  it("a child listed under another parent is never acted on: the parent fails, stays", async () => {
    const fake = twilio({
      [U.recordings]: {
        recordings: [{ sid: RE, call_sid: sid("CA", 9), account_sid: AC }],
        next_page_uri: null,
      },
    });
    const report = await run(fake.client);
    expect(fake.deleted()).toEqual([U.me1, U.me2, U.message]);
    expect(report.interactions.failed).toBe(1);
    expect(report.resources_by_kind.calls.failed).toBe(1);
  });

  it("follows a v2010 list's next_page_uri (relative to the API host)", async () => {
    const page2 = `${U.media}?PageSize=1&Page=1&PageToken=PA${ME1}`;
    const fake = twilio({
      [U.media]: {
        media_list: [{ sid: ME1, parent_sid: SM, account_sid: AC }],
        next_page_uri: new URL(page2).pathname + new URL(page2).search,
      },
      [page2]: { media_list: [{ sid: ME2, parent_sid: SM, account_sid: AC }], next_page_uri: null },
    });
    await run(fake.client);
    expect(fake.deleted().slice(0, 3)).toEqual([U.me1, U.me2, U.message]);
  });

  it("legal hold (80615) on a Media: the run stops, nothing more is sent", async () => {
    const fake = twilio({ [U.me1]: error(451, 80615) });
    const report = await run(fake.client);
    expect(report.stopped).toBe("legal_hold");
    expect(fake.sent.at(-1)).toBe(`DELETE ${U.me1}`);
    expect(report.interactions.deleted).toBe(0);
  });

  it("the dry run lists the children (GETs only) and counts them per kind", async () => {
    const fake = twilio();
    const report = await run(fake.client, true);
    expect(fake.deleted()).toEqual([]);
    expect(report.would_delete?.resources_by_kind).toEqual({
      messages: 1,
      calls: 1,
      media: 2,
      recordings: 1,
      transcriptions: 1,
    });
    expect(report.would_delete?.resources).toBe(6);
  });

  it("the export line (v2) lists what was found, in order, with no data, before the first DELETE", async () => {
    const fake = twilio();
    const lines: unknown[] = [];
    await run(fake.client, false, lines);
    expect(lines).toHaveLength(1);
    const line = lines[0] as ReturnType<typeof interactionLine>;
    expect(line).toMatchObject({ v: 2, kind: "interaction", sid: KI, session_sid: KC, service_sid: KS });
    expect(line.resources).toEqual([
      { kind: "message", sid: SM },
      { kind: "media", sid: ME1, parent_sid: SM },
      { kind: "media", sid: ME2, parent_sid: SM },
      { kind: "call", sid: CA },
      { kind: "recording", sid: RE, parent_sid: CA },
      { kind: "transcription", sid: TR, parent_sid: RE },
    ]);
    expect(JSON.stringify(line)).not.toContain("secret");
    expect(Object.keys(line)).not.toContain("data");
  });
});

describe("room", () => {
  it("a worker takes an Interaction only while fewer are in progress than the room allows", async () => {
    let inFlight = 0;
    let most = 0;
    const client: ApiClient = {
      ...ORIGINS,
      requestCounts: () => ({ total: 0, by_status: {} }),
      getJson: () => Promise.reject(new Error("no GET expected")),
      async delete() {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 1));
        inFlight--;
      },
    };
    async function* many() {
      for (let n = 0; n < 30; n++) yield { ...target(), sid: sid("KI", 100 + n) };
    }
    let room = 3;
    const { report } = await runPurge(client, many(), {
      dryRun: false,
      includeResources: false,
      concurrency: 100,
      exportFile: null,
      stop: new AbortController().signal,
      room: () => room,
      onDone(_target, progress) {
        // The room may grow mid-run (the limiter learns): the workers waiting take it.
        if (progress.interactions.matched === 10) room = 6;
      },
    });
    expect(report.interactions.deleted).toBe(30);
    expect(most).toBeLessThanOrEqual(6);
    expect(most).toBeGreaterThan(3);
  });

  it("room that grows while no Interaction ends (a request went to sleep) is taken at once", async () => {
    let room = 1;
    let grow: () => void = () => undefined;
    let secondStarted: () => void = () => undefined;
    const second = new Promise<void>((resolve) => {
      secondStarted = resolve;
    });
    const order: string[] = [];
    const client: ApiClient = {
      ...ORIGINS,
      requestCounts: () => ({ total: 0, by_status: {} }),
      getJson: () => Promise.reject(new Error("no GET expected")),
      async delete(url: string) {
        order.push(url.slice(-3));
        if (order.length === 1) {
          // The first Interaction's request sleeps (a Retry-After): the room grows by one, and the
          // second Interaction must start before the first can end.
          room = 2;
          grow();
          await Promise.race([second, new Promise((resolve) => setTimeout(resolve, 2000))]);
          order.push("first done");
        } else if (order.length === 2) secondStarted();
      },
    };
    async function* two() {
      for (let n = 0; n < 2; n++) yield { ...target(), sid: sid("KI", 200 + n) };
    }
    const { report } = await runPurge(client, two(), {
      dryRun: false,
      includeResources: false,
      concurrency: 10,
      exportFile: null,
      stop: new AbortController().signal,
      room: () => room,
      onRoom(listener) {
        grow = listener;
      },
    });
    expect(report.interactions.deleted).toBe(2);
    expect(order).toEqual(["0c8", "0c9", "first done"]);
  });
});
