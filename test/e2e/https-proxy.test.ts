import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { lines, runCli } from "../helpers/cli.js";
import { type Emulator, emulator, reseed, stateOf } from "../helpers/emulator.js";
import {
  type InterceptingProxy,
  makeTestPki,
  startInterceptingProxy,
  type TestPki,
} from "../helpers/tls-intercepting-proxy.js";

// A loopback address other than localhost/127.0.0.1/::1 (which never go through a proxy), so that the
// NO_PROXY rules decide, as for a Twilio host; all of 127.0.0.0/8 reaches this machine on Linux.
const lanAddress = "127.0.0.2";

const SEED = { sessions: 2, interactions: 6, notFinalRate: 0 };
let emu: Emulator;
let pki: TestPki;
let proxy: InterceptingProxy;
let directUrl: string;

beforeAll(async () => {
  // Bodies name Twilio's hosts (next_page_url included), as behind a real proxy.
  emu = await emulator({ ...SEED, twilioHosts: true });
  pki = makeTestPki([lanAddress]);
  proxy = await startInterceptingProxy(pki, emu.url);
  directUrl = await proxy.listenDirect(lanAddress);
});
afterAll(async () => {
  await proxy?.close();
  await emu?.close();
  pki?.remove();
});
beforeEach(() => {
  reseed(emu, { ...SEED, twilioHosts: true });
  proxy.seen.connects.length = 0;
  proxy.seen.requests.length = 0;
  proxy.seen.proxyAuthorization.length = 0;
});

/** Twilio's real hosts (no --base-url), reached only through the proxy on loopback. */
function proxiedEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    TWILIO_ACCOUNT_SID: emu.accountSid,
    TWILIO_AUTH_TOKEN: emu.authToken,
    HTTPS_PROXY: proxy.url,
    NODE_EXTRA_CA_CERTS: pki.caFile,
    ...extra,
  };
}

describe("HTTPS_PROXY with a TLS-intercepting proxy", () => {
  it("lists Sessions and Interactions on proxy.twilio.com through the proxy, TLS verified with NODE_EXTRA_CA_CERTS", async () => {
    const sessions = await runCli(["sessions"], { env: proxiedEnv() });
    expect(sessions.stderr).toBe("");
    expect(sessions.code).toBe(0);
    const state = await stateOf(emu);
    expect(
      lines(sessions.stdout)
        .map((line) => line.split("\t")[0])
        .sort(),
    ).toEqual(state.sessions.map((session) => session.sid).sort());
    const session = state.sessions[0]?.sid as string;
    // Pages of 2: each next_page_url (on proxy.twilio.com) is followed through the proxy too.
    const list = await runCli(["list", "--session", session, "--page-size", "2"], { env: proxiedEnv() });
    expect(list.stderr).toBe("");
    expect(list.code).toBe(0);
    expect(lines(list.stdout)).toHaveLength(state.sessions[0]?.interactions as number);
    expect(
      proxy.seen.requests.filter((request) => request.path.includes("PageToken")).length,
    ).toBeGreaterThan(0);
    expect(new Set(proxy.seen.connects)).toEqual(new Set(["proxy.twilio.com:443"]));
    for (const request of proxy.seen.requests) {
      expect(request.servername).toBe("proxy.twilio.com");
      expect(request.host).toBe("proxy.twilio.com");
    }
  });

  it("purges through the proxy: Interactions on proxy.twilio.com, Messages and Calls on api.twilio.com", async () => {
    const before = await stateOf(emu);
    const target = before.sessions[0] as { sid: string; interactions: number };
    const result = await runCli(
      ["purge", "--session", target.sid, "--include-resources", "--yes", "--json"],
      {
        env: proxiedEnv(),
      },
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { interactions: { deleted: number } };
    expect(report.interactions.deleted).toBe(target.interactions);
    const after = await stateOf(emu);
    expect(after.sessions.find((session) => session.sid === target.sid)?.interactions).toBe(0);
    expect(after.counts.orphans).toBe(0);
    expect(new Set(proxy.seen.connects)).toEqual(new Set(["proxy.twilio.com:443", "api.twilio.com:443"]));
    const deletes = proxy.seen.requests.filter((request) => request.method === "DELETE");
    expect(deletes.some((request) => request.host === "api.twilio.com")).toBe(true);
    expect(deletes.some((request) => request.host === "proxy.twilio.com")).toBe(true);
  });

  it("reaches proxy.dublin.ie1.twilio.com with --region ie1 --edge dublin", async () => {
    const result = await runCli(["sessions", "--region", "ie1", "--edge", "dublin"], { env: proxiedEnv() });
    expect(result.code).toBe(0);
    expect(lines(result.stdout)).toHaveLength(SEED.sessions);
    expect(proxy.seen.connects).toContain("proxy.dublin.ie1.twilio.com:443");
    expect(proxy.seen.requests.map((request) => request.host)).toContain("proxy.dublin.ie1.twilio.com");
  });

  it("refuses the re-signed certificate without NODE_EXTRA_CA_CERTS: nothing reaches the server", async () => {
    const env = proxiedEnv();
    delete env.NODE_EXTRA_CA_CERTS;
    const result = await runCli(["sessions", "--timeout", "5000"], { env });
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toEqual([
      expect.stringMatching(/^proxy-ix: GET \/v1\/Services: .*certificate/i),
    ]);
    expect(proxy.seen.connects.length).toBeGreaterThan(0);
    expect(proxy.seen.requests).toEqual([]);
  });

  it("--verbose names the proxy without its user name or password; the proxy gets them as Proxy-Authorization", async () => {
    const withUser = proxy.url.replace("http://", "http://alice:pr0xy-pa55word@");
    const result = await runCli(["sessions", "--verbose"], { env: proxiedEnv({ HTTPS_PROXY: withUser }) });
    expect(result.code).toBe(0);
    expect(lines(result.stderr)).toContain(`https://proxy.twilio.com through proxy ${proxy.url}`);
    expect(result.stderr).not.toContain("alice");
    expect(result.stderr).not.toContain("pr0xy-pa55word");
    const expected = `Basic ${Buffer.from("alice:pr0xy-pa55word").toString("base64")}`;
    expect(proxy.seen.proxyAuthorization).toContain(expected);
  });

  it("honours HTTP_PROXY for Twilio's https hosts, as twilio-node and twilio-cli do", async () => {
    const env = proxiedEnv({ HTTP_PROXY: proxy.url });
    delete env.HTTPS_PROXY;
    const result = await runCli(["sessions"], { env });
    expect(result.code).toBe(0);
    expect(proxy.seen.connects).toContain("proxy.twilio.com:443");
  });

  it("goes through the proxy to any https --base-url that NO_PROXY does not name", async () => {
    const result = await runCli(["sessions", "--base-url", directUrl], { env: proxiedEnv() });
    expect(result.code).toBe(0);
    expect(proxy.seen.connects).toEqual([new URL(directUrl).host]);
  });

  it("NO_PROXY bypasses the proxy, HTTP_PROXY's too", async () => {
    const cases = [
      ["HTTPS_PROXY", lanAddress],
      ["HTTPS_PROXY", `${lanAddress},.twilio.com`],
      ["HTTPS_PROXY", "*"],
      ["HTTP_PROXY", `${lanAddress}:${new URL(directUrl).port}`],
    ];
    for (const [variable, noProxy] of cases) {
      proxy.seen.connects.length = 0;
      const env = proxiedEnv({ NO_PROXY: noProxy as string });
      delete env.HTTPS_PROXY;
      env[variable as string] = proxy.url;
      const result = await runCli(["sessions", "--base-url", directUrl, "--verbose"], { env });
      expect(result.code).toBe(0);
      expect(lines(result.stdout)).toHaveLength(SEED.sessions);
      expect(lines(result.stderr)).toContain(`${directUrl} direct (NO_PROXY)`);
      expect(proxy.seen.connects).toEqual([]);
    }
  });

  it("says which proxy refused the tunnel (407), without its credentials, and sends nothing to Twilio", async () => {
    proxy.refuseWith = 407;
    try {
      const withUser = proxy.url.replace("http://", "http://alice:pr0xy-pa55word@");
      const result = await runCli(["sessions"], { env: proxiedEnv({ HTTPS_PROXY: withUser }) });
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `proxy-ix: GET /v1/Services: EPROXY: proxy ${proxy.url} refused the tunnel to proxy.twilio.com:443: HTTP 407 (Proxy Authentication Required: check the user and password in the proxy URL)\n`,
      );
      expect(proxy.seen.requests).toEqual([]);
    } finally {
      proxy.refuseWith = null;
    }
  });

  it("never sends the emulator on loopback through the proxy", async () => {
    const result = await runCli(["sessions", "--base-url", emu.url], { env: proxiedEnv() });
    expect(result.code).toBe(0);
    expect(proxy.seen.connects).toEqual([]);
  });

  it("a proxy URL that is not http(s) is a usage error, without echoing it", async () => {
    const result = await runCli(["sessions"], {
      env: proxiedEnv({ HTTPS_PROXY: "socks5://bob:s3cr3t-proxy@127.0.0.1:1080" }),
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "proxy-ix: the proxy in HTTPS_PROXY/HTTP_PROXY/ALL_PROXY uses 'socks5:': only http:// and https:// proxies are supported\n",
    );
  });
});
