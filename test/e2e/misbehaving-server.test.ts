import type { ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { lines, runCli } from "../helpers/cli.js";
import { type CountingServer, countingServer } from "../helpers/counting-server.js";

/**
 * A server that does not behave like Twilio: a clear one-line error, exit 1, no crash, and never a
 * request (let alone credentials) to another origin.
 */
const AC = `AC${"a".repeat(32)}`;
const KS = `KS${"b".repeat(32)}`;
const KC = `KC${"c".repeat(32)}`;
const SECRET = "misbehaving-server-secret";

const servers: CountingServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

function page(key: string, items: unknown[], next: string | null, url = "http://x/"): unknown {
  return {
    [key]: items,
    meta: {
      key,
      url,
      first_page_url: url,
      next_page_url: next,
      previous_page_url: null,
      page: 0,
      page_size: 50,
    },
  };
}

function interaction(n: number, resourceUrl: string | null = null): Record<string, unknown> {
  const hex = n.toString(16).padStart(32, "0");
  return {
    sid: `KI${hex}`,
    session_sid: KC,
    service_sid: KS,
    account_sid: AC,
    type: "message",
    data: '{"body":"hi"}',
    date_created: "2026-01-01T00:00:00Z",
    inbound_resource_sid: `SM${hex}`,
    inbound_resource_type: "Message",
    inbound_resource_status: "delivered",
    inbound_resource_url: resourceUrl,
    outbound_resource_sid: null,
  };
}

/** A stub Proxy with one Service, whose Interactions list is answered by `interactions`. */
async function stub(
  interactions: (res: ServerResponse, url: URL, origin: string) => void,
): Promise<CountingServer> {
  const server = await countingServer((req, res, origin) => {
    const url = new URL(req.url ?? "/", origin);
    if (url.pathname === "/v1/Services") return json(res, 200, page("services", [{ sid: KS }], null));
    if (url.pathname.endsWith("/Interactions")) return interactions(res, url, origin);
    if (req.method === "DELETE") return res.writeHead(204).end();
    json(res, 404, {
      code: 20404,
      message: "not found",
      more_info: "https://www.twilio.com/docs/errors/20404",
      status: 404,
    });
  });
  servers.push(server);
  return server;
}

async function elsewhere(): Promise<CountingServer> {
  const server = await countingServer();
  servers.push(server);
  return server;
}

function envFor(server: CountingServer): Record<string, string> {
  return { TWILIO_ACCOUNT_SID: AC, TWILIO_AUTH_TOKEN: SECRET, PROXY_IX_BASE_URL: server.url };
}

function expectOneLineError(result: { code: number | null; stderr: string }, pattern: RegExp): void {
  expect(result.code).toBe(1);
  expect(lines(result.stderr)).toHaveLength(1);
  expect(result.stderr).toMatch(/^proxy-ix: /);
  expect(result.stderr).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect(result.stderr).not.toContain(SECRET);
}

describe("a server that misbehaves", () => {
  it("an HTML error page (after retries)", async () => {
    const server = await stub((res) =>
      res.writeHead(502, { "content-type": "text/html" }).end("<html>Bad gateway</html>"),
    );
    const result = await runCli(["list", "--session", KC], { env: envFor(server) });
    expectOneLineError(result, /HTTP 502: unexpected response \(text\/html, not a Twilio error\)/);
    expect(server.requests.filter((r) => r.path.includes("/Interactions"))).toHaveLength(6);
  });

  it("truncated JSON", async () => {
    const server = await stub((res) =>
      res.writeHead(200, { "content-type": "application/json" }).end('{"interactions": [{"sid": "KI'),
    );
    expectOneLineError(await runCli(["list", "--session", KC], { env: envFor(server) }), /not valid JSON/);
  });

  it("a 200 with an unexpected shape", async () => {
    const server = await stub((res) => json(res, 200, { results: [] }));
    expectOneLineError(
      await runCli(["list", "--session", KC], { env: envFor(server) }),
      /unexpected response shape/,
    );
  });

  it("a next_page_url on another origin is refused, not followed", async () => {
    const other = await elsewhere();
    const server = await stub((res) =>
      json(res, 200, page("interactions", [interaction(1)], `${other.url}/next?PageToken=x`)),
    );
    const result = await runCli(["list", "--session", KC, "--json"], { env: envFor(server) });
    expectOneLineError(result, /refusing to send credentials to http:\/\/127\.0\.0\.1:\d+/);
    expect(other.requests).toHaveLength(0);
  });

  it("a *_resource_url on another origin is never used: DELETEs go to the configured host, built from the SID", async () => {
    const other = await elsewhere();
    const server = await stub((res) =>
      json(res, 200, page("interactions", [interaction(7, `${other.url}/steal.json`)], null)),
    );
    const result = await runCli(["purge", "--session", KC, "--include-resources", "--yes", "--json"], {
      env: envFor(server),
    });
    expect(result.code).toBe(0);
    expect(other.requests).toHaveLength(0);
    const deletes = server.requests.filter((r) => r.method === "DELETE").map((r) => r.path);
    expect(deletes).toEqual([
      `/2010-04-01/Accounts/${AC}/Messages/SM${(7).toString(16).padStart(32, "0")}.json`,
      `/v1/Services/${KS}/Sessions/${KC}/Interactions/KI${(7).toString(16).padStart(32, "0")}`,
    ]);
  });

  it("a 404 that is not Twilio's 20404 (e.g. a gateway's HTML page) is a failure, and the Interaction is kept", async () => {
    const server = await countingServer((req, res, origin) => {
      const url = new URL(req.url ?? "/", origin);
      if (url.pathname === "/v1/Services") return json(res, 200, page("services", [{ sid: KS }], null));
      if (url.pathname.endsWith("/Interactions"))
        return json(res, 200, page("interactions", [interaction(3)], null));
      if (url.pathname.startsWith("/2010-04-01/")) {
        return res.writeHead(404, { "content-type": "text/html" }).end("<html>Not here</html>");
      }
      res.writeHead(204).end();
    });
    servers.push(server);
    const result = await runCli(["purge", "--session", KC, "--include-resources", "--yes", "--json"], {
      env: envFor(server),
    });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.resources).toMatchObject({ failed: 1, already_gone: 0 });
    expect(report.interactions).toMatchObject({ failed: 1, deleted: 0 });
    expect(server.requests.filter((r) => r.method === "DELETE" && r.path.startsWith("/v1/"))).toHaveLength(0);
  });

  it("an Interaction of another account, or with a malformed SID, is never deleted", async () => {
    const foreign = { ...interaction(4), account_sid: `AC${"f".repeat(32)}` };
    const malformed = { ...interaction(5), sid: ".." };
    const server = await stub((res) => json(res, 200, page("interactions", [foreign, malformed], null)));
    const result = await runCli(["purge", "--session", KC, "--include-resources", "--yes", "--json"], {
      env: envFor(server),
    });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.interactions).toMatchObject({ matched: 2, skipped: 1, failed: 1, deleted: 0 });
    expect(server.requests.filter((r) => r.method === "DELETE")).toHaveLength(0);
  });

  it("an endless chain of pages repeating the same items", async () => {
    const server = await stub((res, url, origin) => {
      const n = Number(url.searchParams.get("PageToken") ?? "0");
      json(
        res,
        200,
        page("interactions", [interaction(1)], `${origin}${url.pathname}?PageSize=50&PageToken=${n + 1}`),
      );
    });
    const result = await runCli(["list", "--session", KC], { env: envFor(server) });
    expectOneLineError(result, /sent a page it had sent before/);
    expect(server.requests.length).toBeLessThan(10);
  });

  it("an endless chain of empty pages", async () => {
    const server = await stub((res, url, origin) => {
      const n = Number(url.searchParams.get("PageToken") ?? "0");
      json(res, 200, page("interactions", [], `${origin}${url.pathname}?PageSize=50&PageToken=${n + 1}`));
    });
    expectOneLineError(
      await runCli(["list", "--session", KC], { env: envFor(server) }),
      /keeps sending empty pages/,
    );
  });

  it("a connection refused: a clear error after retries", async () => {
    const server = await stub((res) => json(res, 200, page("interactions", [], null)));
    const url = server.url;
    await server.close();
    servers.splice(0);
    const result = await runCli(["list", "--session", KC, "--timeout", "1000"], {
      env: { TWILIO_ACCOUNT_SID: AC, TWILIO_AUTH_TOKEN: SECRET, PROXY_IX_BASE_URL: url },
    });
    expectOneLineError(result, /: could not connect to 127\.0\.0\.1:\d+: the connection was refused\n$/);
  });
});
