import type { ClientRequestArgs, Agent as HttpAgent } from "node:http";
import type { Agent as HttpsAgent, RequestOptions } from "node:https";
import type { Duplex } from "node:stream";
import {
  HttpProxyAgent,
  type HttpProxyAgentOptions,
  HttpsProxyAgent,
  type HttpsProxyAgentOptions,
} from "hpagent";
import { getProxyForUrl } from "proxy-from-env";
import { UsageError } from "../errors.js";

/** got's `agent` option: one agent per protocol. */
export interface Agents {
  http?: HttpAgent;
  https?: HttpsAgent;
}

/** How one configured origin is reached: directly, or through a proxy (shown without its credentials). */
export interface ProxyRoute {
  origin: string;
  /** `http://proxy.example:3128`: protocol, host and port only. null: no proxy. */
  via: string | null;
  /** Why there is no proxy, for --verbose. */
  reason?: "no proxy set" | "loopback" | "NO_PROXY";
}

export interface ProxyAgents {
  routes: ProxyRoute[];
  /** The agents for a request to `url` (one of the configured origins), or undefined to go direct. */
  agentFor(url: URL): Agents | undefined;
}

/**
 * The proxy for each origin, from the environment as curl reads it (https_proxy, HTTPS_PROXY, ALL_PROXY,
 * NO_PROXY; proxy-from-env applies the rules), plus HTTP_PROXY for https origins: twilio-node and
 * twilio-cli send Twilio's https traffic through HTTP_PROXY, so a twilio-cli user's setting keeps
 * working. This machine's usual names (localhost, 127.0.0.1, ::1: where the emulator runs) never go
 * through a proxy, as in Go's net/http; any other host follows NO_PROXY.
 *
 * proxy-from-env reads process.env (the environment of every real run), not main()'s `env`.
 *
 * TLS to Twilio goes through the tunnel (CONNECT) and is verified against node's CAs as usual, plus
 * NODE_EXTRA_CA_CERTS for a proxy that re-signs TLS.
 */
export function proxyAgents(origins: string[]): ProxyAgents {
  const byOrigin = new Map<string, { route: ProxyRoute; agents?: Agents }>();
  const anySet = PROXY_VARIABLES.some((name) => process.env[name]);
  for (const origin of new Set(origins)) {
    const url = new URL(origin);
    const direct = (reason: ProxyRoute["reason"]) =>
      byOrigin.set(origin, { route: { origin, via: null, reason: anySet ? reason : "no proxy set" } });
    if (isLocalHost(url.hostname)) {
      direct("loopback");
      continue;
    }
    const proxy = proxyFor(url);
    if (!proxy) {
      direct("NO_PROXY");
      continue;
    }
    const via = `${proxy.protocol}//${proxy.host}`;
    const options = { proxy, keepAlive: true, scheduling: "lifo" as const };
    const agents: Agents =
      url.protocol === "https:"
        ? { https: new HttpsTunnel(options, via) }
        : { http: new HttpTunnel(options, via) };
    byOrigin.set(origin, { route: { origin, via }, agents });
  }
  return {
    routes: [...byOrigin.values()].map((entry) => entry.route),
    agentFor: (url) => byOrigin.get(url.origin)?.agents,
  };
}

/** The names a user gives the emulator on this machine; other loopback addresses follow NO_PROXY. */
function isLocalHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "");
  return host === "localhost" || host === "127.0.0.1" || host === "::1";
}

const PROXY_VARIABLES = ["https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"];

function proxyFor(url: URL): URL | undefined {
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  let raw = getProxyForUrl(url);
  if (!raw && url.protocol === "https:") {
    // HTTP_PROXY, with NO_PROXY applied to the same host and port: the same question asked for http.
    raw = getProxyForUrl(new URL(`http://${url.hostname}:${port}/`));
  }
  if (!raw) return undefined;
  let proxy: URL;
  try {
    proxy = new URL(raw);
  } catch {
    // The value is not echoed: it may hold the proxy's password.
    throw new UsageError(
      "the proxy in HTTPS_PROXY/HTTP_PROXY/ALL_PROXY is not a URL (expected e.g. http://proxy.example:3128)",
    );
  }
  if (proxy.protocol !== "http:" && proxy.protocol !== "https:") {
    throw new UsageError(
      `the proxy in HTTPS_PROXY/HTTP_PROXY/ALL_PROXY uses '${proxy.protocol}': only http:// and https:// proxies are supported`,
    );
  }
  return proxy;
}

type Callback = (error: Error | null, stream: Duplex) => void;

/**
 * hpagent reports a proxy's refusal as "Bad response: 407"; this says which proxy refused which
 * tunnel, and what a 407 asks for (never the proxy's credentials).
 */
function tunnelError(error: Error, via: string, options: { host?: string | null; port?: unknown }): Error {
  const status = /^Bad response: (\d{3})$/.exec(error.message)?.[1];
  if (!status) return error;
  const hint =
    status === "407" ? " (Proxy Authentication Required: check the user and password in the proxy URL)" : "";
  return Object.assign(
    new Error(`proxy ${via} refused the tunnel to ${options.host}:${options.port}: HTTP ${status}${hint}`, {
      cause: error,
    }),
    { code: "EPROXY" },
  );
}

class HttpsTunnel extends HttpsProxyAgent {
  constructor(
    options: HttpsProxyAgentOptions,
    private readonly via: string,
  ) {
    super(options);
  }

  override createConnection(options: RequestOptions, callback?: Callback): Duplex | null | undefined {
    return super.createConnection(options, (error, stream) =>
      callback?.(error ? tunnelError(error, this.via, options) : null, stream),
    );
  }
}

class HttpTunnel extends HttpProxyAgent {
  constructor(
    options: HttpProxyAgentOptions,
    private readonly via: string,
  ) {
    super(options);
  }

  override createConnection(options: ClientRequestArgs, callback?: Callback): Duplex | null | undefined {
    return super.createConnection(options, (error, stream) =>
      callback?.(error ? tunnelError(error, this.via, options) : null, stream),
    );
  }
}
