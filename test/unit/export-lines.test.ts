import { describe, expect, it } from "vitest";
import type { ApiClient } from "../../src/api/client.js";
import { TwilioApiError } from "../../src/errors.js";
import { checkOne } from "../../src/verify/check.js";
import { parseExportLine } from "../../src/verify/export-lines.js";

const sid = (prefix: string, n: number) => `${prefix}${n.toString(16).padStart(32, "0")}`;
const base = {
  account_sid: sid("AC", 1),
  service_sid: sid("KS", 1),
  session_sid: sid("KC", 1),
  sid: sid("KI", 1),
};

describe("parseExportLine", () => {
  it("v1: the Interaction and its Message/Call legs; a Conversations IM… leg was never deletable", () => {
    const entry = parseExportLine(
      JSON.stringify({
        ...base,
        data: "{}",
        inbound_resource_sid: sid("IM", 2),
        outbound_resource_sid: sid("CA", 3),
      }),
    );
    expect(entry.accountSid).toBe(base.account_sid);
    expect(entry.checks.map(({ kind, sid, parent }) => [kind, sid, parent])).toEqual([
      ["interaction", base.sid, base.session_sid],
      ["call", sid("CA", 3), base.sid],
    ]);
  });

  it("v2: children under the parent the line names", () => {
    const entry = parseExportLine(
      JSON.stringify({
        v: 2,
        kind: "interaction",
        ...base,
        resources: [
          { kind: "message", sid: sid("MM", 2) },
          { kind: "media", sid: sid("ME", 3), parent_sid: sid("MM", 2) },
          { kind: "transcription", sid: sid("TR", 5), parent_sid: sid("RE", 4) },
        ],
      }),
    );
    expect(entry.checks.map(({ kind, parent }) => [kind, parent])).toEqual([
      ["interaction", base.session_sid],
      ["message", base.sid],
      ["media", sid("MM", 2)],
      ["transcription", sid("RE", 4)],
    ]);
  });

  it("the Interaction's date_created goes with each Message/Call and child (v1 and v2), not with the Interaction", () => {
    const date = "2025-01-02T03:04:05Z";
    const v2 = parseExportLine(
      JSON.stringify({
        v: 2,
        kind: "interaction",
        ...base,
        date_created: date,
        resources: [
          { kind: "call", sid: sid("CA", 2) },
          { kind: "recording", sid: sid("RE", 3), parent_sid: sid("CA", 2) },
        ],
      }),
    );
    expect(v2.checks.map((c) => c.interactionDateCreated)).toEqual([undefined, date, date]);
    const v1 = parseExportLine(
      JSON.stringify({ ...base, date_created: 7, inbound_resource_sid: sid("SM", 2) }),
    );
    expect(v1.checks.map((c) => c.interactionDateCreated)).toEqual([undefined, null]);
  });

  it.each([
    ["[1]", "not a JSON object"],
    [JSON.stringify({ v: "2", kind: "interaction" }), 'unknown export format "v": "2"'],
    [JSON.stringify({ ...base, sid: "KI1" }), '"sid" is not a KI SID'],
    [
      JSON.stringify({
        v: 2,
        kind: "interaction",
        ...base,
        resources: [{ kind: "media", sid: sid("ME", 1), parent_sid: sid("CA", 1) }],
      }),
      'resources[0]: "parent_sid" is not a SM/MM SID',
    ],
    [
      JSON.stringify({
        v: 2,
        kind: "interaction",
        ...base,
        resources: [{ kind: "media", sid: `${sid("ME", 1).slice(0, 33)}/` }],
      }),
      'resources[0]: "sid" is not a ME SID',
    ],
    [
      JSON.stringify({ v: 2, kind: "session", ...base, sid: sid("KC", 1), participants: [{ sid: "x" }] }),
      'participants[0]: "sid" is not a KP SID',
    ],
  ])("refuses %s", (line, message) => {
    expect(() => parseExportLine(line)).toThrow(message);
  });

  it("v2 orphan (orphans --delete): the orphan under its Account, what was under it under its parent", () => {
    const orphan = {
      v: 2,
      kind: "orphan",
      exported_at: "2026-12-01T08:00:00.000Z",
      account_sid: base.account_sid,
      service_sid: base.service_sid,
      sid: sid("CA", 7),
      resource_kind: "call",
      date: "2026-11-01T10:00:00Z",
      resources: [
        { kind: "call", sid: sid("CA", 7) },
        { kind: "recording", sid: sid("RE", 8), parent_sid: sid("CA", 7) },
      ],
    };
    const entry = parseExportLine(JSON.stringify(orphan));
    expect(entry.accountSid).toBe(base.account_sid);
    expect(entry.checks.map(({ kind, sid, parent }) => [kind, sid, parent])).toEqual([
      ["call", sid("CA", 7), base.account_sid],
      ["recording", sid("RE", 8), sid("CA", 7)],
    ]);
    expect(() => parseExportLine(JSON.stringify({ ...orphan, sid: sid("KI", 7) }))).toThrow(
      '"sid" is not a SM/MM/CA SID',
    );
  });
});

describe("checkOne: what a 20404 proves", () => {
  const gone = () =>
    new TwilioApiError({ status: 404, code: 20404, message: "gone", moreInfo: null, request: "GET x" });
  const client = {
    accountSid: base.account_sid,
    proxyOrigin: "https://proxy.test",
    apiOrigin: "https://api.test",
    getJson: () => Promise.reject(gone()),
  } as unknown as ApiClient;
  const now = Date.parse("2026-06-01T00:00:00Z");
  const visibility = { days: 30, nowMs: now };
  const message = (date: string | null | undefined) => ({
    kind: "message" as const,
    sid: sid("SM", 2),
    parent: base.sid,
    interactionDateCreated: date,
  });

  it("gone within --visible-days of the Interaction; past it (or with no date) not visible", async () => {
    expect(await checkOne(client, message("2026-05-20T00:00:00Z"), visibility)).toEqual({ state: "gone" });
    expect(await checkOne(client, message("2026-04-01T00:00:00Z"), visibility)).toEqual({
      state: "not_visible",
      interactionDateCreated: "2026-04-01T00:00:00Z",
    });
    expect(await checkOne(client, message(null), visibility)).toMatchObject({ state: "not_visible" });
  });

  it("a Proxy resource's 20404 is always gone, whatever its age", async () => {
    const interaction = {
      kind: "interaction" as const,
      sid: base.sid,
      parent: base.session_sid,
      serviceSid: base.service_sid,
      sessionSid: base.session_sid,
    };
    expect(await checkOne(client, interaction, visibility)).toEqual({ state: "gone" });
  });
});
