import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { lines, runCli } from "../helpers/cli.js";
import { apiGet, type Emulator, emulator, envFor, reseed } from "../helpers/emulator.js";
import { STUB_ACCOUNT, type StubTwilio, sidOf, stubTwilio } from "../helpers/stub-twilio.js";

/**
 * `orphans` against the emulator seeded with orphans (Messages/Calls whose Interactions an earlier tool
 * deleted) and other traffic (Messages on numbers that are no proxy number). What is expected is read
 * from the emulator itself (its state and store), never from proxy-ix's code.
 */
let emu: Emulator;
let env: Record<string, string | undefined>;

beforeAll(async () => {
  emu = await emulator();
  env = envFor(emu);
});
afterAll(() => emu.close());

const FIELDS = ["sid", "kind", "date", "status", "direction", "proxy_number"];
const DAY_MS = 86_400_000;

interface OrphanJson {
  sid: string;
  kind: string;
  date: string;
  status: string;
  direction: string;
  proxy_number: string;
}

/** When each Message was sent and each Call started, by SID, as the emulator holds them. */
function datesBySid(): Map<string, number> {
  const dates = new Map<string, number>();
  for (const m of emu.store.listMessages()) if (m.date_sent) dates.set(m.sid, Date.parse(m.date_sent));
  for (const c of emu.store.listCalls()) if (c.start_time) dates.set(c.sid, Date.parse(c.start_time));
  return dates;
}

async function proxyNumbers(): Promise<string[]> {
  const [service] = emu.store.listServices();
  const { body } = (await apiGet(emu, `/v1/Services/${service?.sid}/PhoneNumbers`)) as {
    body: { phone_numbers: { phone_number: string }[] };
  };
  return body.phone_numbers.map((n) => n.phone_number);
}

describe("orphans", () => {
  it("--json lists exactly the seeded orphans: none of the other traffic, no party number, no body", async () => {
    reseed(emu, { sessions: 4, interactions: 30, orphans: 40, otherTraffic: 25, notFinalRate: 0 });
    const seeded = emu.state().seeded_orphans;
    expect(seeded).toHaveLength(40);
    // The other traffic is there to be ignored: Messages between two numbers that are no proxy number.
    const numbers = await proxyNumbers();
    const other = emu.store
      .listMessages()
      .filter((m) => !numbers.includes(m.from ?? "") && !numbers.includes(m.to ?? ""));
    expect(other).toHaveLength(25);

    const result = await runCli(["orphans", "--json"], { env });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    const orphans = JSON.parse(result.stdout) as OrphanJson[];
    expect(orphans.map((o) => o.sid).sort()).toEqual([...seeded].sort());

    const dates = datesBySid();
    for (const orphan of orphans) {
      expect(Object.keys(orphan)).toEqual(FIELDS);
      expect(orphan.kind).toBe(orphan.sid.startsWith("CA") ? "call" : "message");
      expect(Date.parse(orphan.date)).toBe(dates.get(orphan.sid));
      expect(numbers).toContain(orphan.proxy_number);
      const record =
        orphan.kind === "call" ? emu.store.getCall(orphan.sid) : emu.store.getMessage(orphan.sid);
      expect(orphan.status).toBe(record?.status);
      expect(orphan.direction).toBe(record?.direction);
      expect([record?.from, record?.to]).toContain(orphan.proxy_number);
    }
    // Participants' own numbers are +1…555-01xx; bodies are the Messages' texts.
    expect(result.stdout).not.toMatch(/55501\d\d/);
    for (const message of emu.store.listMessages()) {
      if (message.body) expect(result.stdout).not.toContain(message.body);
    }
  });

  it("--service: the traffic of that Service's numbers that its own Interactions do not link", async () => {
    reseed(emu, {
      services: 2,
      sessions: 3,
      interactions: 10,
      orphans: 40,
      otherTraffic: 10,
      notFinalRate: 0,
    });
    const [first, second] = emu.store.listServices();
    const numbersOf = async (service: string) => {
      const { body } = (await apiGet(emu, `/v1/Services/${service}/PhoneNumbers`)) as {
        body: { phone_numbers: { phone_number: string }[] };
      };
      return new Set(body.phone_numbers.map((n) => n.phone_number));
    };
    const mine = await numbersOf(first?.sid as string);
    const theirs = await numbersOf(second?.sid as string);
    const linkedByMine = new Set(
      emu.store
        .listSessions(first?.sid)
        .flatMap((session) => emu.store.listInteractions(session.sid))
        .flatMap((i) => [i.inbound_resource_sid, i.outbound_resource_sid]),
    );
    const records = [
      ...emu.store.listMessages().map((m) => ({ sid: m.sid, from: m.from, to: m.to, date: m.date_sent })),
      ...emu.store.listCalls().map((c) => ({ sid: c.sid, from: c.from, to: c.to, date: c.start_time })),
    ];
    const through = (numbers: Set<string>) => (r: (typeof records)[number]) =>
      numbers.has(r.from ?? "") || numbers.has(r.to ?? "");
    // The emulator may give both Services one same number (Twilio would not): the other Service's
    // traffic on it is linked by none of this Service's Interactions, so it is listed, as documented
    // for a number shared with another application.
    const expected = records
      .filter((r) => r.date !== null && through(mine)(r) && !linkedByMine.has(r.sid))
      .map((r) => r.sid);
    const seeded = new Set(emu.state().seeded_orphans);
    expect(expected.filter((sid) => seeded.has(sid)).length).toBeGreaterThan(0);
    // The other Service has orphans of its own on numbers of its own: leaving them out can be seen.
    expect(
      records.filter((r) => seeded.has(r.sid) && through(theirs)(r) && !through(mine)(r)).length,
    ).toBeGreaterThan(0);

    const result = await runCli(["orphans", "--json", "--service", first?.sid as string], { env });
    expect(result.code).toBe(0);
    const listed = (JSON.parse(result.stdout) as OrphanJson[]).map((o) => o.sid);
    expect(listed.sort()).toEqual(expected.sort());
  });

  it("follows every page: Proxy pages of 7 Interactions, v2010 pages of 3 Messages/Calls", async () => {
    reseed(emu, {
      sessions: 3,
      interactions: 30,
      orphans: 40,
      otherTraffic: 10,
      notFinalRate: 0,
      maxPageSize: 7,
    });
    const result = await runCli(["orphans", "--json", "--page-size", "3"], { env });
    expect(result.code).toBe(0);
    const listed = (JSON.parse(result.stdout) as OrphanJson[]).map((o) => o.sid);
    expect(listed.sort()).toEqual([...emu.state().seeded_orphans].sort());
    // 40 orphans over 5 numbers in pages of 3: more than one page per list.
    expect(emu.state().requests.total).toBeGreaterThan(3 * 13 + 5 * 4);
  });

  it("--since/--until narrow the listing to the Messages sent and Calls started in the window", async () => {
    reseed(emu, { sessions: 4, interactions: 10, orphans: 60, otherTraffic: 10, notFinalRate: 0 });
    const now = Date.now();
    const since = new Date(now - 60 * DAY_MS);
    const until = new Date(now - 20 * DAY_MS);
    const dates = datesBySid();
    const seeded = emu.state().seeded_orphans;
    const expected = seeded.filter((sid) => {
      const t = dates.get(sid) as number;
      return t >= since.getTime() && t < until.getTime();
    });
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(seeded.length);

    const result = await runCli(
      ["orphans", "--ndjson", "--since", since.toISOString(), "--until", until.toISOString()],
      { env },
    );
    expect(result.code).toBe(0);
    const listed = lines(result.stdout).map((line) => (JSON.parse(line) as OrphanJson).sid);
    expect(listed.sort()).toEqual(expected.sort());
  });

  it("piped: one tab-separated line per orphan, no header; on a terminal: a table and a count", async () => {
    reseed(emu, { sessions: 3, interactions: 10, orphans: 15, otherTraffic: 5, notFinalRate: 0 });
    const seeded = emu.state().seeded_orphans;

    const piped = await runCli(["orphans"], { env });
    expect(piped.code).toBe(0);
    const rows = lines(piped.stdout).map((line) => line.split("\t"));
    expect(rows.map((row) => row[0]).sort()).toEqual([...seeded].sort());
    for (const row of rows) {
      expect(row).toHaveLength(FIELDS.length);
      expect(row[2]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    }

    const terminal = await runCli(["orphans"], { env, tty: true });
    expect(terminal.code).toBe(0);
    const [header, ...table] = lines(terminal.stdout);
    expect(header?.split(/\s{2,}/)).toEqual(FIELDS.map((field) => field.toUpperCase()));
    expect(table.map((row) => row.split(/\s+/)[0]).sort()).toEqual([...seeded].sort());
    expect(terminal.stderr).toContain(`${seeded.length} orphaned Messages/Calls through 5 proxy numbers`);
  });

  it("after a purge without --include-resources, the Messages and Calls it orphaned are listed too", async () => {
    reseed(emu, { sessions: 3, interactions: 25, orphans: 10, otherTraffic: 5, notFinalRate: 0 });
    const seeded = emu.state().seeded_orphans;
    const session = emu.state().sessions[0]?.sid as string;
    const linked = emu.store
      .listInteractions(session)
      .flatMap((i) => [i.inbound_resource_sid, i.outbound_resource_sid])
      .filter((sid): sid is string => sid !== null);
    expect(linked.length).toBeGreaterThan(0);

    const purge = await runCli(["purge", "--session", session, "--yes"], { env });
    expect(purge.code).toBe(0);
    const state = emu.state();
    expect(state.orphans_by_kind.messages + state.orphans_by_kind.calls).toBe(
      seeded.length + new Set(linked).size,
    );

    const result = await runCli(["orphans", "--json"], { env });
    expect(result.code).toBe(0);
    const listed = (JSON.parse(result.stdout) as OrphanJson[]).map((o) => o.sid);
    expect(listed).toHaveLength(state.orphans_by_kind.messages + state.orphans_by_kind.calls);
    expect(listed.sort()).toEqual([...new Set([...seeded, ...linked])].sort());
  });

  it("--help says what cannot be told apart and what is never shown", async () => {
    const result = await runCli(["orphans", "--help"], { env });
    expect(result.code).toBe(0);
    const help = result.stdout.replace(/\s+/g, " ");
    expect(help).toContain("a number shared with another application) cannot be told apart from an orphan");
    expect(help).toContain("never the other party's number, nor a message body");
    expect(help).toContain("(default 395d; required with --delete)");
    expect(help).toContain("--delete never runs without an explicit window");
  });

  it.each([
    [["--since", "10d", "--until", "20d"], "--since must be earlier than --until"],
    [["--since", "2026-02-30"], "option '--since <when>' argument '2026-02-30' is invalid"],
    [["--until", "yesterday"], "option '--until <when>' argument 'yesterday' is invalid"],
    [["--json", "--columns", "sid"], "--columns applies to table and tab-separated output"],
    [["--columns", "sid,to"], "--columns: unknown column 'to'"],
  ])("bad input %j: exit 2, one line, nothing sent", async (args, message) => {
    reseed(emu, { orphans: 5 });
    const result = await runCli(["orphans", ...args], { env });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(/^proxy-ix: /);
    expect(result.stderr).toContain(message);
    expect(emu.state().requests.total).toBe(0);
  });
});

describe("orphans against a misbehaving server", () => {
  let stub: StubTwilio;
  const P1 = "+15550000001";
  const P2 = "+15550000002";
  const yesterday = new Date(Date.now() - DAY_MS).toUTCString();
  const message = (n: number, from: string, to: string, sent = yesterday) => ({
    sid: sidOf("SM", n),
    from,
    to,
    date_sent: sent,
    status: "delivered",
    direction: "outbound-api",
    body: "a body",
  });
  const listPath = (list: string) => `/2010-04-01/Accounts/${STUB_ACCOUNT}/${list}.json`;

  // A new stub for each test: scripted answers are not taken back.
  beforeEach(async () => {
    stub = await stubTwilio(1, 2);
    stub.script({
      path: /\/PhoneNumbers$/,
      answer: (_req, url) => ({
        status: 200,
        body: {
          phone_numbers: [
            { sid: sidOf("PN", 1), phone_number: P1 },
            { sid: sidOf("PN", 2), phone_number: P2 },
          ],
          meta: { key: "phone_numbers", url: url.href, next_page_url: null, page: 0, page_size: 1000 },
        },
      }),
    });
  });
  afterEach(() => stub.close());

  function scriptLists(messagesTo: (url: URL) => Record<string, unknown>): void {
    stub.script({
      path: /\/Messages\.json$/,
      answer: (_req, url) => {
        const empty = { messages: [], next_page_uri: null };
        if (url.searchParams.get("To") === P1) return { status: 200, body: messagesTo(url) };
        // From P2: the Message between the two proxy numbers again (reported once, from P1's To list).
        if (url.searchParams.get("From") === P2)
          return { status: 200, body: { messages: [message(0xa, P2, P1)], next_page_uri: null } };
        return { status: 200, body: empty };
      },
    });
    stub.script({
      path: /\/Calls\.json$/,
      answer: { status: 200, body: { calls: [], next_page_uri: null } },
    });
  }

  it("lists each orphan once, skips linked ones, the last minute and what the filter should have left out", async () => {
    scriptLists((url) =>
      url.searchParams.get("PageToken") === null
        ? {
            // SM…2 is linked by an Interaction; SM…f went to another number (a filter the server ignored).
            messages: [
              message(2, "+15550100001", P1),
              message(0xa, P2, P1),
              message(0xf, P2, "+15559999999"),
            ],
            next_page_uri: `${url.pathname}${url.search}&PageToken=PA1`,
          }
        : {
            // SM…e was sent a moment ago: its Interaction may still be on its way, so it is left out.
            messages: [
              message(0xe, "+15550100001", P1, new Date(Date.now() - 5_000).toUTCString()),
              message(0xb, "+15550100001", P1),
            ],
            next_page_uri: null,
          },
    );
    const result = await runCli(["orphans", "--json"], { env: stub.env() });
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as OrphanJson[]).map((o) => o.sid)).toEqual([
      sidOf("SM", 0xa),
      sidOf("SM", 0xb),
    ]);
    // Each list asked with the 2010 filters, as the OpenAPI document names them.
    const asked = stub.requests.find((r) => r.path.startsWith(`${listPath("Messages")}?To=`))?.path ?? "";
    expect([...new URL(asked, stub.url).searchParams.keys()]).toEqual([
      "To",
      "DateSent>",
      "DateSent<",
      "PageSize",
    ]);
    const call = stub.requests.find((r) => r.path.startsWith(`${listPath("Calls")}?`))?.path ?? "";
    expect([...new URL(call, stub.url).searchParams.keys()]).toEqual([
      "To",
      "StartTime>",
      "StartTime<",
      "PageSize",
    ]);
  });

  it.each([
    [
      "another origin",
      "http://127.0.0.2:9/x/Messages.json?To=%2B15550000001",
      /refusing to send credentials to http:\/\/127\.0\.0\.2:9/,
    ],
    [
      "a protocol-relative URI",
      "//127.0.0.2:9/Messages.json",
      /refusing to send credentials to http:\/\/127\.0\.0\.2:9/,
    ],
    ["another list", `${listPath("Calls")}?PageToken=PA1`, /the next page is not the same list/],
  ])("a next_page_uri to %s is refused: exit 1, nothing sent there", async (_name, next, refusal) => {
    scriptLists(() => ({ messages: [message(0xc, "+15550100001", P1)], next_page_uri: next }));
    const before = stub.requests.length;
    const result = await runCli(["orphans", "--json"], { env: stub.env() });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(refusal);
    expect(lines(result.stderr)).toHaveLength(1);
    expect(stub.requests.slice(before).some((r) => r.path.includes("PageToken"))).toBe(false);
  });

  it("the same page again under a new token: exit 1 after the second page, not a loop", async () => {
    let pages = 0;
    scriptLists((url) => {
      pages++;
      const search = new URLSearchParams(url.search);
      search.set("PageToken", `PA${pages}`);
      return { messages: [message(0xd, "+15550100001", P1)], next_page_uri: `${url.pathname}?${search}` };
    });
    const result = await runCli(["orphans", "--json"], { env: stub.env() });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/the server sent a page it had sent before: stopping/);
    expect(pages).toBe(2);
  });
});
