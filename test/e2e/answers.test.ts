import { afterEach, describe, expect, it } from "vitest";
import { lines, runCli } from "../helpers/cli.js";
import {
  STUB_ACCOUNT,
  STUB_SERVICE,
  type StubInteraction,
  type StubTwilio,
  sidOf,
  stubTwilio,
  twilioError,
} from "../helpers/stub-twilio.js";

/**
 * Issue #10 items 1, 5, 6, 7, 16: proxy-ix acts only on an answer that is a success and answers the
 * question it asked. Each case runs the real CLI against the scriptable stub and checks the state left.
 */
const stubs: StubTwilio[] = [];
afterEach(async () => {
  await Promise.all(stubs.splice(0).map((stub) => stub.close()));
});

async function start(sessions = 1, perSession = 3): Promise<StubTwilio> {
  const stub = await stubTwilio(sessions, perSession);
  stubs.push(stub);
  return stub;
}

const KC1 = sidOf("KC", 1);
const KC2 = sidOf("KC", 2);
const KC3 = sidOf("KC", 3);

function first(stub: StubTwilio, session = KC1): StubInteraction {
  const item = stub.interactions.get(session)?.at(-1);
  if (!item) throw new Error("seed");
  return item;
}

function deletes(stub: StubTwilio): string[] {
  return stub.requests.filter((r) => r.method === "DELETE").map((r) => r.path);
}

interface Report {
  interactions: Record<string, number>;
  resources: Record<string, number>;
  failures: {
    interaction_sid: string;
    resource_sid: string | null;
    status: number | null;
    message: string;
  }[];
  skipped: { interaction_sid: string; resource_sid: string; reason: string }[];
  stopped: string | null;
  incomplete_sessions?: { session_sid: string; reason: string }[];
}

async function purge(
  stub: StubTwilio,
  ...args: string[]
): Promise<{ code: number | null; report: Report; stderr: string }> {
  const result = await runCli(["purge", "--include-resources", "--yes", "--json", ...args], {
    env: stub.env(),
  });
  return { code: result.code, report: JSON.parse(result.stdout) as Report, stderr: result.stderr };
}

describe("a DELETE counts only on 204 (or 404 with 20404)", () => {
  for (const status of [301, 302, 303, 307, 308]) {
    it(`a Message DELETE answered ${status} is a failure: the Interaction and its Messages stay`, async () => {
      const stub = await start(1, 1);
      stub.script({
        method: "DELETE",
        path: /\/Messages\//,
        answer: { status, headers: { location: `${stub.url}/elsewhere` } },
      });
      const { code, report } = await purge(stub, "--session", KC1);
      expect(code).toBe(1);
      expect(report.resources).toMatchObject({ deleted: 0, failed: 2 });
      expect(report.interactions).toMatchObject({ deleted: 0, failed: 1 });
      expect(report.failures[0]).toMatchObject({ status, message: expect.stringContaining("redirect") });
      expect(stub.interactions.get(KC1)).toHaveLength(1);
      expect(stub.resources.size).toBe(2);
      expect(deletes(stub).some((path) => path.includes("/Interactions/"))).toBe(false);
    });
  }

  it("an Interaction DELETE answered 200 instead of 204 is a failure, not 'deleted'", async () => {
    const stub = await start(1, 1);
    stub.script({ method: "DELETE", path: /\/Interactions\//, answer: { status: 200, body: {} } });
    const { code, report } = await purge(stub, "--session", KC1);
    expect(code).toBe(1);
    expect(report.interactions).toMatchObject({ deleted: 0, failed: 1 });
    expect(report.failures[0]).toMatchObject({
      status: 200,
      message: expect.stringContaining("expected 204"),
    });
  });
});

describe("a GET counts only on 2xx with a JSON object of the expected shape", () => {
  it("delete: the Interaction's GET answered 302 with an empty body deletes nothing, exit 1", async () => {
    const stub = await start(1, 1);
    const target = first(stub);
    stub.script({
      method: "GET",
      path: new RegExp(`/Interactions/${target.sid}$`),
      answer: { status: 302, headers: { location: "/login" } },
    });
    const result = await runCli(["delete", target.sid, "--session", KC1, "--include-resources", "--yes"], {
      env: stub.env(),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Stopped early: .*HTTP 302: a redirect, not followed/);
    expect(deletes(stub)).toEqual([]);
    expect(stub.resources.size).toBe(2);
  });

  it("fetch: a 302 is an error, not an empty Interaction", async () => {
    const stub = await start(1, 1);
    const target = first(stub);
    stub.script({ method: "GET", path: /\/Interactions\/KI/, answer: { status: 302, body: "" } });
    const result = await runCli(["fetch", target.sid, "--session", KC1], { env: stub.env() });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(lines(result.stderr)).toEqual([expect.stringMatching(/^proxy-ix: .*HTTP 302/)]);
  });

  it("list: a page answered 307 is an error", async () => {
    const stub = await start(1, 1);
    stub.script({
      method: "GET",
      path: /\/Interactions$/,
      answer: { status: 307, headers: { location: "/x" } },
    });
    const result = await runCli(["list", "--session", KC1], { env: stub.env() });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/HTTP 307/);
  });

  it("fetch: a JSON array (or a string) is not an Interaction", async () => {
    const stub = await start(1, 1);
    const target = first(stub);
    stub.script({
      method: "GET",
      path: /\/Interactions\/KI/,
      times: 1,
      answer: { status: 200, body: [target] },
    });
    stub.script({
      method: "GET",
      path: /\/Interactions\/KI/,
      times: 1,
      answer: { status: 200, body: '"x"' },
    });
    for (let i = 0; i < 2; i++) {
      const result = await runCli(["fetch", target.sid, "--session", KC1, "--json"], { env: stub.env() });
      expect(result.code).toBe(1);
      expect(result.stdout).toBe("");
      expect(result.stderr).toMatch(/not a JSON object|unexpected response/);
    }
  });
});

describe("the response must answer the request", () => {
  const wrong: [string, (item: StubInteraction) => Record<string, unknown>][] = [
    ["another Interaction", (item) => ({ ...item, sid: sidOf("KI", 0xaaaa) })],
    ["another Session's Interaction", (item) => ({ ...item, session_sid: KC2 })],
    ["another account's Interaction", (item) => ({ ...item, account_sid: `AC${"f".repeat(32)}` })],
  ];
  for (const [what, change] of wrong) {
    it(`delete --include-resources: a GET that returns ${what} deletes nothing, exit 1`, async () => {
      const stub = await start(1, 2);
      const target = first(stub);
      const other = stub.interactions.get(KC1)?.[0] as StubInteraction;
      // A misrouting gateway answers with another Interaction's legs.
      const body = change({
        ...target,
        inbound_resource_sid: other.inbound_resource_sid,
        outbound_resource_sid: other.outbound_resource_sid,
      });
      stub.script({
        method: "GET",
        path: new RegExp(`/Interactions/${target.sid}$`),
        answer: { status: 200, body },
      });
      const result = await runCli(
        ["delete", target.sid, "--session", KC1, "--include-resources", "--yes", "--json"],
        { env: stub.env() },
      );
      expect(result.code).toBe(1);
      expect(JSON.parse(result.stdout).stopped_message).toMatch(/does not answer the request/);
      expect(deletes(stub)).toEqual([]);
      expect(stub.resources.size).toBe(4);
      const fetched = await runCli(["fetch", target.sid, "--session", KC1], { env: stub.env() });
      expect(fetched.code).toBe(1);
      expect(fetched.stdout).toBe("");
    });
  }

  it("purge: a same-origin next_page_url into another Session's list is refused; that Session is untouched", async () => {
    const stub = await start(2, 3);
    stub.script({
      method: "GET",
      path: new RegExp(`/Sessions/${KC1}/Interactions$`),
      times: 1,
      answer: (_req, url) => ({
        status: 200,
        body: {
          interactions: stub.interactions.get(KC1)?.slice(0, 2),
          meta: {
            key: "interactions",
            url: url.href,
            first_page_url: url.href,
            next_page_url: `${stub.url}/v1/Services/${STUB_SERVICE}/Sessions/${KC1}/../${KC2}/Interactions?PageSize=2&PageToken=PO0`,
            previous_page_url: null,
            page: 0,
            page_size: 2,
          },
        },
      }),
    });
    const { code, report } = await purge(stub, "--session", KC1);
    expect(code).toBe(1);
    expect(report.stopped).toBe("error");
    expect(stub.interactions.get(KC2)).toHaveLength(3);
    expect(deletes(stub).filter((path) => path.includes(KC2))).toEqual([]);
    const ofKc2 = [...(stub.interactions.get(KC2) ?? [])].flatMap((i) => [
      i.inbound_resource_sid,
      i.outbound_resource_sid,
    ]);
    for (const sid of ofKc2) expect(stub.resources.has(sid as string)).toBe(true);
    expect(stub.requests.some((r) => r.path.includes(`${KC2}/Interactions`))).toBe(false);
  });

  it("purge: an Interaction listed under another Session is a failure and is not acted on", async () => {
    const stub = await start(2, 1);
    const stranger = first(stub, KC2);
    stub.script({
      method: "GET",
      path: new RegExp(`/Sessions/${KC1}/Interactions$`),
      answer: (_req, url) => ({
        status: 200,
        body: {
          interactions: [stranger],
          meta: {
            key: "interactions",
            url: url.href,
            first_page_url: url.href,
            next_page_url: null,
            previous_page_url: null,
            page: 0,
            page_size: 50,
          },
        },
      }),
    });
    const { code } = await purge(stub, "--session", KC1);
    expect(code).toBe(1);
    expect(deletes(stub)).toEqual([]);
    expect(stub.resources.size).toBe(4);
  });
});

describe("a leg that cannot be understood keeps its Interaction", () => {
  it("array, number, empty string with a URL, surrounding whitespace: skipped with the reason, nothing orphaned", async () => {
    const stub = await start(1, 4);
    const list = stub.interactions.get(KC1) as StubInteraction[];
    const [a, b, c, d] = list;
    if (!a || !b || !c || !d) throw new Error("seed");
    const url = (sid: unknown) =>
      `${stub.url}/2010-04-01/Accounts/${STUB_ACCOUNT}/Messages/${String(sid)}.json`;
    a.inbound_resource_url = url(a.inbound_resource_sid);
    a.inbound_resource_sid = [a.inbound_resource_sid];
    b.inbound_resource_url = url(b.inbound_resource_sid);
    b.inbound_resource_sid = 12345;
    c.inbound_resource_url = url(c.inbound_resource_sid);
    c.inbound_resource_sid = "";
    d.inbound_resource_sid = ` ${String(d.inbound_resource_sid)} `;
    const { code, report } = await purge(stub, "--session", KC1);
    expect(code).toBe(0);
    expect(report.interactions).toMatchObject({ matched: 4, skipped: 4, deleted: 0 });
    expect(stub.interactions.get(KC1)).toHaveLength(4);
    expect(report.skipped.map((s) => s.interaction_sid).sort()).toEqual([a.sid, b.sid, c.sid, d.sid].sort());
    for (const entry of report.skipped) expect(entry.reason).toMatch(/inbound_resource_sid/);
    // Every inbound Message still exists: nothing was orphaned.
    for (let n = 1; n <= 4; n++) expect(stub.resources.has(sidOf("SM", 2 * n))).toBe(true);
    const plan = await runCli(["purge", "--session", KC1, "--include-resources", "--dry-run", "--json"], {
      env: stub.env(),
    });
    expect(JSON.parse(plan.stdout).would_delete.interactions).toBe(0);
  });
});

describe("delete: only Twilio's 20404 means already gone", () => {
  it("an HTML 404 on the Interaction's GET is a failure (exit 1), not 'already gone'", async () => {
    const stub = await start(1, 1);
    const target = first(stub);
    stub.script({
      method: "GET",
      path: /\/Interactions\/KI/,
      answer: { status: 404, headers: { "content-type": "text/html" }, body: "<html>Not Found</html>" },
    });
    const result = await runCli(
      ["delete", target.sid, "--session", KC1, "--include-resources", "--yes", "--json"],
      {
        env: stub.env(),
      },
    );
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({
      interactions: { already_gone: 0, deleted: 0 },
      stopped_message: expect.stringContaining("HTTP 404: unexpected response (text/html"),
    });
    expect(deletes(stub)).toEqual([]);
    expect(stub.interactions.get(KC1)).toHaveLength(1);
  });
});

describe("--all-sessions: a Session that vanishes while the run reads", () => {
  function vanish(stub: StubTwilio, session: string): void {
    stub.script({
      method: "GET",
      path: new RegExp(`/Sessions/${session}/Interactions$`),
      answer: twilioError(404, 20404, "The requested resource was not found"),
    });
  }

  it("purge reports it, goes on with the others, exit 1", async () => {
    const stub = await start(3, 2);
    vanish(stub, KC2);
    const result = await runCli(["purge", "--all-sessions", "--include-resources", "--yes", "--json"], {
      env: stub.env(),
    });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.interactions).toMatchObject({ matched: 4, deleted: 4, failed: 0 });
    expect(report.incomplete_sessions).toEqual([
      { session_sid: KC2, reason: expect.stringContaining("20404") },
    ]);
    expect(stub.interactions.get(KC1)).toHaveLength(0);
    expect(stub.interactions.get(KC3)).toHaveLength(0);
    const human = await runCli(["purge", "--all-sessions", "--include-resources", "--yes"], {
      env: stub.env(),
    });
    expect(human.code).toBe(1);
    expect(human.stderr).toContain(`Session ${KC2} could not be read`);
  });

  it("list reports it on stderr, lists the others, exit 1", async () => {
    const stub = await start(3, 2);
    vanish(stub, KC1);
    const result = await runCli(["list", "--all-sessions", "--json"], { env: stub.env() });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toHaveLength(4);
    expect(lines(result.stderr)).toEqual([expect.stringContaining(`Session ${KC1} could not be read`)]);
  });
});

describe("what you confirm is what runs", () => {
  it("Interactions that appear after the prompt wait for the next run; the prompt names the resources", async () => {
    const stub = await start(1, 3);
    const confirmed = (stub.interactions.get(KC1) ?? []).map((i) => i.sid);
    // The listing the prompt is built from; right after it, two new Interactions arrive.
    stub.script({
      method: "GET",
      path: /\/Interactions$/,
      times: 1,
      answer: (_req, url) => {
        const list = stub.interactions.get(KC1) as StubInteraction[];
        const body = {
          interactions: [...list],
          meta: {
            key: "interactions",
            url: url.href,
            first_page_url: url.href,
            next_page_url: null,
            previous_page_url: null,
            page: 0,
            page_size: 100,
          },
        };
        for (const n of [0x100, 0x101]) {
          const inbound = sidOf("SM", 2 * n);
          const outbound = sidOf("CA", 2 * n + 1);
          stub.resources.add(inbound).add(outbound);
          list.unshift({
            ...(list[0] as StubInteraction),
            sid: sidOf("KI", n),
            inbound_resource_sid: inbound,
            outbound_resource_sid: outbound,
          });
        }
        return { status: 200, body };
      },
    });
    const result = await runCli(["purge", "--session", KC1, "--include-resources"], {
      env: stub.env(),
      tty: true,
      input: "y\n",
    });
    expect(result.stderr).toMatch(/Delete 3 Interactions in 1 Session and their 6 linked Messages\/Calls\?/);
    expect(result.code).toBe(0);
    const left = (stub.interactions.get(KC1) ?? []).map((i) => i.sid);
    expect(left.sort()).toEqual([sidOf("KI", 0x100), sidOf("KI", 0x101)].sort());
    for (const sid of confirmed) expect(deletes(stub).some((path) => path.endsWith(sid))).toBe(true);
    expect(stub.resources.size).toBe(4);
    expect(result.stderr).toContain(
      "2 Interactions listed after the confirmation were left for the next run",
    );
  });
});

describe("the prompt counts with the plan", () => {
  it("an Interaction that will be kept is announced, and its resources are not counted as deleted", async () => {
    const stub = await start(1, 2);
    const kept = first(stub);
    kept.inbound_resource_sid = [kept.inbound_resource_sid];
    const result = await runCli(["purge", "--session", KC1, "--include-resources"], {
      env: stub.env(),
      tty: true,
      input: "n\n",
    });
    expect(result.stderr).toContain(
      "Delete 2 Interactions in 1 Session and their 3 linked Messages/Calls (1 of them will be kept, each with its reason in the report)?",
    );
    expect(result.code).toBe(2);
    expect(deletes(stub)).toEqual([]);
  });
});

describe("choosing the Service: only 20404 means 'not in this Service'", () => {
  it("a gateway's HTML 404 while looking for the Session's Service is a failure, not 'try the next one'", async () => {
    const stub = await start(1, 2);
    const other = `KS${"e".repeat(32)}`;
    stub.script({
      method: "GET",
      path: /^\/v1\/Services$/,
      answer: (_req, url) => ({
        status: 200,
        body: {
          services: [{ sid: other }, { sid: STUB_SERVICE }],
          meta: {
            key: "services",
            url: url.href,
            first_page_url: url.href,
            next_page_url: null,
            previous_page_url: null,
            page: 0,
            page_size: 100,
          },
        },
      }),
    });
    stub.script({
      method: "GET",
      path: new RegExp(`^/v1/Services/${other}/Sessions/`),
      answer: { status: 404, headers: { "content-type": "text/html" }, body: "<html>Not Found</html>" },
    });
    const result = await runCli(["purge", "--session", KC1, "--include-resources", "--yes"], {
      env: stub.env(),
    });
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toEqual([
      expect.stringMatching(/^proxy-ix: GET .*HTTP 404: unexpected response/),
    ]);
    expect(deletes(stub)).toEqual([]);
  });
});
