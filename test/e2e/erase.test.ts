import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RETURNING_CUSTOMER } from "../../src/emulator/index.js";
import { lines, runCli } from "../helpers/cli.js";
import { apiGet, type Emulator, emulator, envFor, reseed, stateOf } from "../helpers/emulator.js";
import {
  STUB_ACCOUNT,
  STUB_SERVICE,
  type StubAnswer,
  sidOf,
  stubTwilio,
  twilioError,
} from "../helpers/stub-twilio.js";

/**
 * Issue 13, item 3: `erase --participant`. The emulator's `returningCustomer` puts one number in the
 * first Sessions of each Service (statuses rotate open, in-progress, closed, failed); `orphans` seeds
 * Messages/Calls whose Interactions are gone, some of them the customer's.
 */
let emu: Emulator;
let dir: string;
let env: Record<string, string | undefined>;
let files = 0;

beforeAll(async () => {
  emu = await emulator();
  env = envFor(emu);
  dir = await mkdtemp(join(tmpdir(), "proxy-ix-erase-"));
});
afterAll(async () => {
  await emu.close();
  await rm(dir, { recursive: true, force: true });
});

const fresh = () => join(dir, `export-${++files}.ndjson`);
const N = RETURNING_CUSTOMER;
/** The number in any form a leak could take: whole, without the +, URL-encoded. */
const LEAKS = [N, N.slice(1), encodeURIComponent(N)];

function expectNoLeak(...texts: string[]): void {
  for (const text of texts) for (const leak of LEAKS) expect(text).not.toContain(leak);
}

/** Every SID the emulator holds, by kind (the Services' full state). */
function snapshot() {
  const sessions = emu.store.listSessions();
  return {
    sessions: sessions.map((s) => s.sid).sort(),
    participants: sessions.flatMap((s) => emu.store.listParticipants(s.sid).map((p) => p.sid)).sort(),
    interactions: sessions.flatMap((s) => emu.store.listInteractions(s.sid).map((i) => i.sid)).sort(),
    messages: emu.store
      .listMessages()
      .map((m) => m.sid)
      .sort(),
    calls: emu.store
      .listCalls()
      .map((c) => c.sid)
      .sort(),
    media: emu.store
      .listMedia()
      .map((m) => m.sid)
      .sort(),
    recordings: emu.store
      .listRecordings()
      .map((r) => r.sid)
      .sort(),
    transcriptions: emu.store
      .listTranscriptions()
      .map((t) => t.sid)
      .sort(),
  };
}
type Snapshot = ReturnType<typeof snapshot>;

async function proxyNumbers(serviceSid: string): Promise<Set<string>> {
  const reply = await apiGet(emu, `/v1/Services/${serviceSid}/PhoneNumbers`);
  return new Set(
    (reply.body as { phone_numbers: { phone_number: string }[] }).phone_numbers.map((n) => n.phone_number),
  );
}

/**
 * What an erasure of N in the Service must remove, worked out from the emulator's own records: the
 * Sessions with N as a Participant, with their Participants and Interactions; every Message/Call those
 * Interactions link, and every one between N and a proxy number of the Service; what is under those.
 */
async function expectedErasure(serviceSid: string) {
  const numbers = await proxyNumbers(serviceSid);
  const sessions = emu.store
    .listSessions(serviceSid)
    .filter((s) => emu.store.listParticipants(s.sid).some((p) => p.identifier === N));
  const interactions = sessions.flatMap((s) => emu.store.listInteractions(s.sid));
  const linked = new Set(interactions.flatMap((i) => [i.inbound_resource_sid, i.outbound_resource_sid]));
  const between = (r: { from: string; to: string }) =>
    (r.from === N && numbers.has(r.to)) || (r.to === N && numbers.has(r.from));
  const messages = emu.store.listMessages().filter((m) => linked.has(m.sid) || between(m));
  const calls = emu.store.listCalls().filter((c) => linked.has(c.sid) || between(c));
  const messageSids = new Set(messages.map((m) => m.sid));
  const callSids = new Set(calls.map((c) => c.sid));
  const recordings = emu.store.listRecordings().filter((r) => callSids.has(r.call_sid));
  const recordingSids = new Set(recordings.map((r) => r.sid));
  const unlinked = [...messages, ...calls].filter((r) => !linked.has(r.sid) && emu.store.isOrphan(r.sid));
  return {
    statuses: sessions.map((s) => s.status),
    unlinked: unlinked.map((r) => r.sid),
    gone: {
      sessions: sessions.map((s) => s.sid),
      participants: sessions.flatMap((s) => emu.store.listParticipants(s.sid).map((p) => p.sid)),
      interactions: interactions.map((i) => i.sid),
      messages: [...messageSids],
      calls: [...callSids],
      media: emu.store
        .listMedia()
        .filter((m) => messageSids.has(m.parent_sid))
        .map((m) => m.sid),
      recordings: [...recordingSids],
      transcriptions: emu.store
        .listTranscriptions()
        .filter((t) => recordingSids.has(t.recording_sid))
        .map((t) => t.sid),
    } satisfies Record<keyof Snapshot, string[]>,
  };
}

function minus(before: Snapshot, gone: Record<keyof Snapshot, string[]>): Snapshot {
  const out = { ...before };
  for (const key of Object.keys(before) as (keyof Snapshot)[]) {
    const drop = new Set(gone[key]);
    out[key] = before[key].filter((sid) => !drop.has(sid));
  }
  return out;
}

/** Participants with the number, and its Messages/Calls (with the Service's proxy numbers, when given). */
function numberStillThere(serviceSid?: string, numbers?: Set<string>): string[] {
  const participants = emu.store
    .listSessions(serviceSid)
    .flatMap((s) => emu.store.listParticipants(s.sid))
    .filter((p) => p.identifier === N)
    .map((p) => p.sid);
  const traffic = [...emu.store.listMessages(), ...emu.store.listCalls()]
    .filter(
      (r) => (r.from === N && (numbers?.has(r.to) ?? true)) || (r.to === N && (numbers?.has(r.from) ?? true)),
    )
    .map((r) => r.sid);
  return [...participants, ...traffic];
}

const SEED = {
  sessions: 6,
  interactions: 12,
  returningCustomer: 3,
  orphans: 40,
  otherTraffic: 15,
  notFinalRate: 0,
  mediaRate: 0.5,
  recordingRate: 1,
};

describe("erase --participant", () => {
  it("leaves nothing involving the number in 3 Sessions of different statuses, and touches nothing else", async () => {
    reseed(emu, SEED);
    const [service] = emu.store.listServices();
    const serviceSid = service?.sid ?? "";
    const expected = await expectedErasure(serviceSid);
    expect(new Set(expected.statuses).size).toBe(3);
    // Not vacuous: the number has unlinked Messages/Calls, and things under its Messages and Calls.
    expect(expected.unlinked.length).toBeGreaterThan(0);
    expect(expected.gone.media.length + expected.gone.recordings.length).toBeGreaterThan(0);
    const before = snapshot();
    const file = fresh();
    const result = await runCli(["erase", "--participant", N, "--yes", "--json", "--export", file], { env });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(numberStillThere()).toEqual([]);
    expect(snapshot()).toEqual(minus(before, expected.gone));
    expect((await stateOf(emu)).counts.orphans).toBe(
      emu.state().seeded_orphans.length - expected.unlinked.length,
    );

    const report = JSON.parse(result.stdout);
    expect(report.command).toBe("erase");
    expect(report.parameters.participant_last2).toBe("00");
    expect(report.erasure).toMatchObject({
      participant_last2: "00",
      complete: true,
      unlinked: expected.unlinked.length,
    });
    expect(report.erasure.left).toEqual({ sessions: [], messages_calls: [] });
    expect(report.erasure.sessions.map((s: { session_sid: string }) => s.session_sid).sort()).toEqual(
      [...expected.gone.sessions].sort(),
    );
    expect(report.session_deletion).toMatchObject({ statuses: ["any"], deleted: 3, kept: 0, failed: 0 });
    const exported = await readFile(file, "utf8");
    const erasureLines = lines(exported).filter((line) => JSON.parse(line).kind === "erasure");
    expect(erasureLines).toHaveLength(1);
    expect(JSON.parse(erasureLines[0] ?? "{}")).toMatchObject({ participant_last2: "00" });
    expectNoLeak(result.stdout, result.stderr, exported);

    // The export proves it: every Session, Interaction, Message, Call and child it lists is gone.
    const verify = await runCli(["verify", file], { env });
    expect(verify.code).toBe(0);
    // A second run finds nothing and succeeds.
    const again = await runCli(["erase", "--participant", N, "--yes", "--json"], { env });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).erasure).toMatchObject({
      sessions: [],
      messages_calls: 0,
      complete: true,
    });
  });

  it("with two Services, erases in the chosen one only", async () => {
    reseed(emu, { ...SEED, services: 2 });
    const [first, second] = emu.store.listServices();
    const expected = await expectedErasure(first?.sid ?? "");
    const numbers = await proxyNumbers(first?.sid ?? "");
    const before = snapshot();
    const result = await runCli(["erase", "--participant", N, "--service", first?.sid ?? "", "--yes"], {
      env,
    });
    expect(result.code).toBe(0);
    expect(numberStillThere(first?.sid, numbers)).toEqual([]);
    // Its traffic through the other Service's proxy numbers is the other Service's.
    expect(numberStillThere(second?.sid).length).toBeGreaterThan(0);
    expect(snapshot()).toEqual(minus(before, expected.gone));
    // The other Service still has the number in 3 Sessions.
    const others = emu.store
      .listSessions(second?.sid)
      .filter((s) => emu.store.listParticipants(s.sid).some((p) => p.identifier === N));
    expect(others).toHaveLength(3);
    expect(result.stderr).toContain("Nothing about +…00 is left");
    expectNoLeak(result.stdout, result.stderr);
  });

  it("--dry-run lists what would go and changes nothing (spaces and hyphens in the number are accepted)", async () => {
    reseed(emu, SEED);
    const expected = await expectedErasure(emu.store.listServices()[0]?.sid ?? "");
    const before = snapshot();
    const result = await runCli(["erase", "--participant", "+1 415-555-0300", "--dry-run"], { env });
    expect(result.code).toBe(0);
    expect(snapshot()).toEqual(before);
    expect((await stateOf(emu)).requests.by_method?.DELETE).toBeUndefined();
    // stdout: one line per Interaction that would go; stderr: the Sessions and the unlinked Messages/Calls.
    expect(lines(result.stdout)).toHaveLength(expected.gone.interactions.length);
    for (const sid of expected.gone.sessions) expect(result.stderr).toContain(`${sid} (`);
    expect(result.stderr).toContain(`Would delete ${expected.unlinked.length} unlinked Messages/Calls`);
    expect(result.stderr).toContain("Dry run: nothing was deleted.");
    expectNoLeak(result.stdout, result.stderr);

    const json = await runCli(["erase", "--participant", N, "--dry-run", "--json"], { env });
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report.erasure).toMatchObject({ left: null, complete: null });
    expect(report.erasure.orphans.would_delete.orphans).toBe(expected.unlinked.length);
    expect(report.session_deletion.would_delete).toBe(3);
    expect(snapshot()).toEqual(before);
  });

  it("a Message still in flight (20009) keeps its Session: the summary says what is left, exit 1; a later run finishes", async () => {
    reseed(emu, { ...SEED, notFinalRate: 0.3 });
    const result = await runCli(["erase", "--participant", N, "--yes", "--json"], { env });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.erasure.complete).toBe(false);
    expect(report.erasure.left.sessions.length + report.erasure.left.messages_calls.length).toBeGreaterThan(
      0,
    );
    expect(numberStillThere().length).toBeGreaterThan(0);
    const human = await runCli(["erase", "--participant", N, "--yes"], { env });
    expect(human.code).toBe(1);
    expect(human.stderr).toContain("NOT complete: about +…00");
    expectNoLeak(result.stdout, human.stderr);
    emu.finalizeAll();
    const after = await runCli(["erase", "--participant", N, "--yes"], { env });
    expect(after.code).toBe(0);
    expect(numberStillThere()).toEqual([]);
  });

  it("legal hold (80615): nothing is deleted, exit 1, the summary names the legal hold", async () => {
    reseed(emu, SEED);
    emu.setFaults({ legalHold: true });
    try {
      const before = snapshot();
      const result = await runCli(["erase", "--participant", N, "--yes"], { env });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("legal hold");
      expect(snapshot()).toEqual(before);
    } finally {
      emu.setFaults({ legalHold: false });
    }
  });

  it("Messages/Calls past the retention window (the API answers 20404, their Interaction does not say deleted): reported as unreachable, exit 1", async () => {
    reseed(emu, { ...SEED, apiRetentionDays: 30 });
    const archived = emu.store
      .listSessions()
      .filter((s) => emu.store.listParticipants(s.sid).some((p) => p.identifier === N))
      .flatMap((s) => emu.store.listInteractions(s.sid))
      .flatMap((i) => [i.inbound_resource_sid, i.outbound_resource_sid])
      .filter((sid): sid is string => sid !== null)
      .filter((sid) => {
        const record = emu.store.getMessage(sid) ?? emu.store.getCall(sid);
        return record !== undefined && Date.parse(record.date_created) < Date.now() - 31 * 86_400_000;
      });
    expect(archived.length).toBeGreaterThan(0);
    const result = await runCli(["erase", "--participant", N, "--yes", "--json"], { env });
    expect(result.code).toBe(1);
    const erasure = JSON.parse(result.stdout).erasure;
    expect(erasure.complete).toBe(false);
    expect(erasure.unreachable.map((r: { sid: string }) => r.sid).sort()).toEqual([...archived].sort());
    const human = await runCli(["erase", "--participant", N, "--dry-run"], { env });
    expect(human.code).toBe(0);
    // The Sessions are gone now: nothing leads to the archived records any more (documented).
    expect(human.stderr).toContain("+…00: 0 Sessions");
  });

  it("--verbose masks the number in the request lines (the v2010 lists filter on it)", async () => {
    reseed(emu, SEED);
    const result = await runCli(["erase", "--participant", N, "--dry-run", "--verbose"], { env });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/GET \/2010-04-01\/Accounts\/AC\w+\/Messages\.json\?To=\+…00&/);
    expectNoLeak(result.stderr);
  });
});

describe("erase: bad input, nothing sent", () => {
  it.each([
    ["no +", "14155550300"],
    ["a letter", "+1415555O300"],
    ["too short", "+1234567"],
    ["too long", "+1234567890123456"],
    ["a leading 0 country code", "+04155550300"],
    ["parentheses", "+1 (415) 555-0300"],
  ])("%s: one line, exit 2, zero requests, the input not echoed", async (_name, value) => {
    reseed(emu);
    const result = await runCli(["erase", "--participant", value, "--yes"], { env });
    expect(result.code).toBe(2);
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(/^proxy-ix: --participant: not an E\.164 phone number/);
    expect(result.stderr).not.toContain(value.replace(/\D/g, "").slice(0, 8));
    expect((await stateOf(emu)).requests.total).toBe(0);
  });

  it("no --participant: exit 2, zero requests", async () => {
    reseed(emu);
    const result = await runCli(["erase", "--yes"], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--participant");
    expect((await stateOf(emu)).requests.total).toBe(0);
  });

  it("without a terminal and without --yes: exit 2, zero requests", async () => {
    reseed(emu, SEED);
    const result = await runCli(["erase", "--participant", N], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("pass --yes to confirm");
    expect((await stateOf(emu)).requests.total).toBe(0);
  });

  it("on a terminal, 'n' at the prompt deletes nothing; the question counts the Sessions and unlinked Messages/Calls", async () => {
    reseed(emu, SEED);
    const before = snapshot();
    const result = await runCli(["erase", "--participant", N], { env, tty: true, input: "n\n" });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/then 3 Sessions \(.+\) whatever their status/);
    expect(result.stderr).toContain("Cancelled: nothing was deleted.");
    expect(snapshot()).toEqual(before);
    expect((await stateOf(emu)).requests.by_method?.DELETE).toBeUndefined();
    expectNoLeak(result.stderr);
  });
});

describe("erase: a Session found through the number's Messages/Calls only", () => {
  it("erases a Session whose Participants do not list the number but whose Interactions link its Messages; deletes its unlinked ones", async () => {
    // The stub Twilio: two Sessions of 2 Interactions each (SM2…SM9); KC…2 lists no Participant with the
    // number (as if Twilio had stopped listing a removed one), but its Interaction KI…3 links SM…6, a
    // Message from the number to the proxy number. SM…999 went between them too and nothing links it.
    const stub = await stubTwilio(2, 2);
    const proxy = "+15550000001";
    const linkedSm = sidOf("SM", 6);
    const orphanSm = sidOf("SM", 0x999);
    stub.resources.add(orphanSm);
    const traffic = [
      { sid: linkedSm, from: N, to: proxy },
      { sid: orphanSm, from: proxy, to: N },
      // The number with a number that is no proxy number of the Service: never touched.
      { sid: sidOf("SM", 0x998), from: N, to: "+15550000777" },
    ];
    stub.resources.add(sidOf("SM", 0x998));
    const page = (key: string, items: unknown[]): StubAnswer => ({
      status: 200,
      body: {
        [key]: items,
        meta: { key, next_page_url: null, page: 0, page_size: 50, url: "", first_page_url: "" },
      },
    });
    stub.script({
      path: /\/PhoneNumbers$/,
      answer: page("phone_numbers", [{ sid: sidOf("PN", 1), phone_number: proxy }]),
    });
    stub.script({
      path: /\/Participants$/,
      answer: (_req, url) => {
        const sessionSid = url.pathname.split("/")[5] ?? "";
        const someone = {
          sid: sidOf("KP", 1),
          session_sid: sessionSid,
          service_sid: STUB_SERVICE,
          identifier: "+15550000099",
        };
        return page("participants", sessionSid === sidOf("KC", 1) ? [someone] : []);
      },
    });
    stub.script({
      path: /\/Messages\.json$/,
      answer: (_req, url) => {
        const to = url.searchParams.get("To");
        const from = url.searchParams.get("From");
        const messages = traffic
          .filter(
            (m) =>
              stub.resources.has(m.sid) && (to === null || m.to === to) && (from === null || m.from === from),
          )
          .map((m) => ({
            ...m,
            account_sid: STUB_ACCOUNT,
            status: "delivered",
            date_sent: null,
            direction: null,
          }));
        return { status: 200, body: { messages, next_page_uri: null } };
      },
    });
    stub.script({
      path: /\/Calls\.json$/,
      answer: { status: 200, body: { calls: [], next_page_uri: null } },
    });
    try {
      const result = await runCli(["erase", "--participant", N, "--yes", "--json"], { env: stub.env() });
      expect(result.code).toBe(0);
      const report = JSON.parse(result.stdout);
      expect(report.erasure.sessions).toEqual([
        { session_sid: sidOf("KC", 2), status: "open", found_by: "traffic" },
      ]);
      expect(report.erasure).toMatchObject({ messages_calls: 2, unlinked: 1, complete: true });
      // KC…2's Interactions and their Messages are gone, and the unlinked one; KC…1 and the other traffic stay.
      expect(stub.interactions.get(sidOf("KC", 2))).toEqual([]);
      expect(stub.interactions.get(sidOf("KC", 1))).toHaveLength(2);
      for (const n of [6, 7, 8, 9, 0x999]) expect(stub.resources.has(sidOf("SM", n))).toBe(false);
      for (const n of [2, 3, 4, 5, 0x998]) expect(stub.resources.has(sidOf("SM", n))).toBe(true);
      const deletes = stub.requests.filter((r) => r.method === "DELETE").map((r) => r.path);
      expect(deletes).toContain(`/v1/Services/${STUB_SERVICE}/Sessions/${sidOf("KC", 2)}`);
      expect(deletes.some((path) => path.includes(sidOf("KC", 1)))).toBe(false);
    } finally {
      await stub.close();
    }
  });

  it("a server error that quotes the number is shown with the number masked", async () => {
    // Twilio's 400 for a list filter names the value it refused; the error line must not carry the number.
    const stub = await stubTwilio(1, 1);
    stub.script({
      path: /\/PhoneNumbers$/,
      answer: {
        status: 200,
        body: {
          phone_numbers: [{ sid: sidOf("PN", 1), phone_number: "+15550000001" }],
          meta: {
            key: "phone_numbers",
            next_page_url: null,
            page: 0,
            page_size: 50,
            url: "",
            first_page_url: "",
          },
        },
      },
    });
    stub.script({
      path: /\/Messages\.json$/,
      answer: twilioError(400, 21211, `Invalid 'To' Phone Number: ${N}`),
    });
    try {
      const result = await runCli(["erase", "--participant", N, "--yes"], { env: stub.env() });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("21211");
      expect(result.stderr).toContain(`+…${N.slice(-2)}`);
      expect(result.stderr).not.toContain(N.slice(1));
      expect(stub.requests.filter((r) => r.method === "DELETE")).toEqual([]);
    } finally {
      await stub.close();
    }
  });
});
