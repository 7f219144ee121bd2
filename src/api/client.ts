import got, { type Got, HTTPError, ParseError, RequestError, type Response, TimeoutError } from "got";
import type { ClientConfig } from "../config.js";
import { ForeignOriginError, NetworkError, ResponseShapeError, TwilioApiError } from "../errors.js";
import { VERSION } from "../version.js";
import type { Agents } from "./proxy-agent.js";

/** One line of `--verbose`: never the Authorization header, never a body. */
export interface RequestLog {
  method: string;
  path: string;
  status: number | string;
  ms: number;
  retries: number;
}

/**
 * Limits the requests on the wire (e.g. purge's adaptive limiter). `acquire` is awaited before every
 * attempt, retries included; `release` follows each attempt with its HTTP status (null: no response)
 * and Twilio's Twilio-Concurrent-Requests header (the account's requests in flight), when present.
 * A request waiting out a retry backoff holds no permit; `resting` (optional) is told when a wait
 * after a 429 starts (+1) and ends (-1).
 */
export interface RequestGate {
  acquire(): Promise<void>;
  release(status: number | null, concurrentRequests?: number): void;
  resting?(delta: 1 | -1): void;
}

export interface ClientHooks {
  onRequest?(log: RequestLog): void;
  gate?: RequestGate;
  /** Called before each retry; `status` is the HTTP status, or the network error code. */
  onRetry?(status: number | string): void;
  /** got's `agent` for a request, e.g. through an HTTPS proxy (proxy-agent.ts); undefined: direct. */
  agentFor?(url: URL): Agents | undefined;
}

/** Where requests go, and for which account: all that building a URL needs. */
export interface ApiOrigins {
  readonly accountSid: string;
  readonly proxyOrigin: string;
  readonly apiOrigin: string;
}

export interface RequestCounts {
  total: number;
  by_status: Record<string, number>;
}

export interface ApiClient extends ApiOrigins {
  /** A GET answered 2xx with a JSON object (anything else throws). */
  getJson<T>(url: string): Promise<T>;
  /** A DELETE answered 204 (anything else throws; 404 as a TwilioApiError with Twilio's code). */
  delete(url: string): Promise<void>;
  /** Every attempt sent so far, retries included, by HTTP status ("network" when none came back). */
  requestCounts(): RequestCounts;
}

/** Retry-After is honoured, but never past this: a cron job must not sleep for an hour. */
const RETRY_AFTER_CAP_MS = 20_000;
const BACKOFF_CAP_MS = 10_000;
/**
 * 20429 (HTTP 429) means the request was never processed and is always safe to retry
 * (https://www.twilio.com/docs/errors/20429); a burst of them is normal at the account's concurrency
 * limit, so they get a larger budget than server errors and network failures.
 */
const RETRIES_ON_429 = 12;
const RETRIES_OTHERWISE = 5;

/**
 * Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And Jitter"):
 * got's built-in delay adds only a little noise, which makes concurrent workers retry in lockstep.
 */
export function retryDelay(
  attempt: number,
  status: number | undefined,
  retryAfterMs: number | undefined,
): number {
  const is429 = status === 429;
  if (attempt > (is429 ? RETRIES_ON_429 : RETRIES_OTHERWISE)) return 0;
  if (retryAfterMs !== undefined && retryAfterMs > 0) {
    return Math.min(retryAfterMs, RETRY_AFTER_CAP_MS) + Math.random() * 100;
  }
  const base = is429 ? 50 : 200;
  const ceiling = Math.min(BACKOFF_CAP_MS, base * 2 ** (attempt - 1));
  return 1 + Math.random() * ceiling;
}

export function createApiClient(config: ClientConfig, hooks: ClientHooks = {}): ApiClient {
  const { credentials } = config;
  const allowedOrigins = new Set([config.proxyOrigin, config.apiOrigin]);
  const { gate } = hooks;
  // Each attempt holds at most one permit; whichever hook sees the attempt end first gives it back.
  const releasePermit = (
    context: Record<string, unknown>,
    status: number | null,
    headers?: Record<string, string | string[] | undefined>,
  ) => {
    if (gate && context.permit) {
      context.permit = false;
      gate.release(status, concurrentRequests(headers));
    }
  };
  const counts: RequestCounts = { total: 0, by_status: {} };
  const count = (status: string) => {
    counts.total++;
    counts.by_status[status] = (counts.by_status[status] ?? 0) + 1;
  };
  const authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64")}`;

  const http: Got = got.extend({
    headers: { "user-agent": `proxy-ix/${VERSION}`, accept: "application/json" },
    timeout: { request: config.timeoutMs },
    followRedirect: false,
    throwHttpErrors: true,
    retry: {
      limit: RETRIES_ON_429 + RETRIES_OTHERWISE,
      methods: ["GET", "DELETE"],
      statusCodes: [429, 500, 502, 503, 504],
      maxRetryAfter: Number.MAX_SAFE_INTEGER,
      enforceRetryRules: true,
      // Each kind of failure has its own budget: 429s at a busy account must not use up the
      // retries meant for server errors, nor the other way round.
      calculateDelay: ({ error, retryAfter }) => {
        const status = error.response?.statusCode;
        // Give the permit back before sleeping: a request waiting out its backoff is not on the wire.
        releasePermit(error.options.context, status ?? null, error.response?.headers);
        const key = status === 429 ? "throttledAttempts" : "failedAttempts";
        const context = error.options.context;
        const attempts = Number(context[key] ?? 0) + 1;
        context[key] = attempts;
        const delay = retryDelay(attempts, status, retryAfter);
        // Only a wait after a 429 (the account's limit, often with a Retry-After) is announced: the
        // run may use the slot meanwhile. After a 5xx or a network error the server is in trouble,
        // and filling the wire then drew more 429s (measured: docs/reliability.md, room).
        if (delay > 0 && status === 429 && gate?.resting && !context.resting) {
          context.resting = true;
          gate.resting(1);
        }
        return delay;
      },
    },
    hooks: {
      beforeRetry: [
        (error) => {
          releasePermit(error.options.context, null);
          // got calls this once the delay is over, just before the retry.
          if (error.options.context.resting) {
            error.options.context.resting = false;
            gate?.resting?.(-1);
          }
          if (!error.response) count("network");
          const status = error.response?.statusCode ?? error.code;
          hooks.onRetry?.(status);
          if (!error.response) {
            const started = Number(error.options.context.startedAt ?? Date.now());
            hooks.onRequest?.({
              method: error.options.method,
              path: pathOf(error.options.url),
              status: error.code,
              ms: Date.now() - started,
              retries: error.request?.retryCount ?? 0,
            });
          }
        },
      ],
      beforeRequest: [
        async (options) => {
          if (gate) {
            await gate.acquire();
            options.context.permit = true;
          }
          options.context.startedAt = Date.now();
        },
      ],
      beforeError: [
        (error) => {
          // The last attempt of a request that never got an answer (each earlier one went through beforeRetry).
          if (!error.response) count("network");
          releasePermit(error.options.context, error.response?.statusCode ?? null, error.response?.headers);
          return error;
        },
      ],
      afterResponse: [
        (response: Response) => {
          count(String(response.statusCode));
          releasePermit(response.request.options.context, response.statusCode, response.headers);
          hooks.onRequest?.({
            method: response.request.options.method,
            path: pathOf(response.request.options.url),
            status: response.statusCode,
            ms: Date.now() - Number(response.request.options.context.startedAt ?? Date.now()),
            retries: response.retryCount,
          });
          return response;
        },
      ],
    },
  });

  const agentOf = (url: URL) => {
    const agent = hooks.agentFor?.(url);
    return agent ? { agent } : {};
  };

  function checkOrigin(url: string): URL {
    const parsed = new URL(url);
    if (!allowedOrigins.has(parsed.origin)) {
      throw new ForeignOriginError(
        `refusing to send credentials to ${parsed.origin}: it is not one of the configured Twilio hosts (${[...allowedOrigins].join(", ")})`,
      );
    }
    return parsed;
  }

  return {
    requestCounts: () => ({ total: counts.total, by_status: { ...counts.by_status } }),
    accountSid: credentials.accountSid,
    proxyOrigin: config.proxyOrigin,
    apiOrigin: config.apiOrigin,
    async getJson<T>(url: string): Promise<T> {
      const target = checkOrigin(url);
      let response: Response<string>;
      try {
        response = await http.get(target, {
          headers: { authorization },
          responseType: "text",
          ...agentOf(target),
        });
      } catch (error) {
        throw translate(error, "GET", target);
      }
      // got counts 3xx as success when redirects are off: only a 2xx is an answer.
      if (response.statusCode < 200 || response.statusCode > 299) {
        throw unexpectedStatus(response, "GET", target, "expected 200");
      }
      return jsonObject(response.body, `GET ${target.pathname}`) as T;
    },
    async delete(url: string): Promise<void> {
      const target = checkOrigin(url);
      let response: Response;
      try {
        response = await http.delete(target, { headers: { authorization }, ...agentOf(target) });
      } catch (error) {
        throw translate(error, "DELETE", target);
      }
      // Twilio answers a DELETE with 204 and nothing else: a 200 or a 3xx (a gateway, a login page) has
      // not deleted anything we can prove.
      if (response.statusCode !== 204) {
        throw unexpectedStatus(response, "DELETE", target, "expected 204 No Content");
      }
    },
  };
}

/** A status got let through (3xx with redirects off, a 2xx the method never gets): a failure of its own. */
function unexpectedStatus(response: Response, method: string, url: URL, expected: string): TwilioApiError {
  const redirect = response.statusCode >= 300 && response.statusCode <= 399;
  const what = redirect ? "a redirect, not followed" : "an unexpected status";
  return new TwilioApiError({
    status: response.statusCode,
    code: null,
    message: `${what} (${expected})`,
    moreInfo: null,
    request: `${method} ${url.pathname}`,
  });
}

/** Every GET of the Twilio API answers one JSON object; an array, a string or `null` is not an answer. */
function jsonObject(text: string, request: string): Record<string, unknown> {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new ResponseShapeError(
      `${request}: the response is not valid JSON (truncated or not from Twilio)`,
      {
        cause: error,
      },
    );
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new ResponseShapeError(`${request}: the response is not a JSON object (not from Twilio)`);
  }
  return body as Record<string, unknown>;
}

/**
 * Twilio's count of the account's requests in flight, which its 20429 documentation points clients at
 * (https://www.twilio.com/docs/errors/20429); undefined when absent or not a positive integer.
 */
export function concurrentRequests(
  headers?: Record<string, string | string[] | undefined>,
): number | undefined {
  const raw = headers?.["twilio-concurrent-requests"];
  const value = Number(Array.isArray(raw) ? raw[0] : raw);
  return Number.isInteger(value) && value > 0 ? value : undefined;
}

function pathOf(url: URL | string | undefined): string {
  if (!url) return "?";
  const parsed = typeof url === "string" ? new URL(url) : url;
  return `${parsed.pathname}${parsed.search}`;
}

/** Turns got's errors into ours: Twilio's error body when there is one, one clear line otherwise. */
export function translate(error: unknown, method: string, url: URL): Error {
  const request = `${method} ${url.pathname}`;
  if (error instanceof HTTPError) {
    const { statusCode } = error.response;
    const body = twilioErrorBody(error.response.body);
    if (body) {
      return new TwilioApiError(
        {
          status: statusCode,
          code: body.code,
          message: body.message,
          moreInfo: body.more_info ?? null,
          request,
        },
        { cause: error },
      );
    }
    const type = String(error.response.headers["content-type"] ?? "no content type").split(";")[0];
    return new TwilioApiError(
      {
        status: statusCode,
        code: null,
        message: `unexpected response (${type}, not a Twilio error)`,
        moreInfo: null,
        request,
      },
      { cause: error },
    );
  }
  if (error instanceof ParseError) {
    return new ResponseShapeError(
      `${request}: the response is not valid JSON (truncated or not from Twilio)`,
      {
        cause: error,
      },
    );
  }
  if (error instanceof TimeoutError) {
    return new NetworkError(
      `${request}: no response from ${url.host} within ${error.options.timeout.request} ms (--timeout)`,
      {
        cause: error,
      },
    );
  }
  // Not only got's RequestError: on node 24.20+ a refused connection retried by got 14 ends in node's
  // own ERR_SOCKET_CLOSED_BEFORE_CONNECTION (got issue #2469). node's messages differ between versions
  // (OpenSSL's file names, "socket hang up"…), so each kind gets one line of ours.
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const network = typeof code === "string" ? networkFailure(code, url) : undefined;
  if (network) return new NetworkError(`${request}: ${network}`, { cause: error });
  if (error instanceof RequestError) {
    return new NetworkError(`${request}: ${error.code}: ${error.message}`, { cause: error });
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** OpenSSL's certificate verification codes, as node reports them. */
const CERTIFICATE_CODES =
  /^(CERT_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|UNABLE_TO_|ERR_TLS_CERT_ALTNAME_INVALID$)/;

/** One clear line for a network failure, the same on every node; undefined for other codes. */
function networkFailure(code: string, url: URL): string | undefined {
  const { host, hostname } = url;
  switch (code) {
    case "ECONNREFUSED":
    case "ERR_SOCKET_CLOSED_BEFORE_CONNECTION":
      return `could not connect to ${host}: the connection was refused`;
    case "ENOTFOUND":
      return `could not connect to ${host}: no such host (DNS)`;
    case "EAI_AGAIN":
      return `could not connect to ${host}: the DNS lookup of ${hostname} failed (try again later)`;
    case "ETIMEDOUT":
      return `could not connect to ${host}: the connection timed out`;
    case "ECONNRESET":
    case "EPIPE":
      return `the connection to ${host} was closed unexpectedly`;
    case "EPROTO":
    case "ERR_SSL_WRONG_VERSION_NUMBER":
      return `could not make a TLS connection to ${host}: the TLS handshake failed (is it an https:// port?)`;
  }
  if (CERTIFICATE_CODES.test(code)) {
    return `could not make a TLS connection to ${host}: its certificate was not accepted (${code})`;
  }
  return undefined;
}

function twilioErrorBody(raw: unknown): { code: number; message: string; more_info?: string } | null {
  let body = raw;
  if (typeof raw === "string" || Buffer.isBuffer(raw)) {
    try {
      body = JSON.parse(raw.toString());
    } catch {
      return null;
    }
  }
  if (body && typeof body === "object") {
    const candidate = body as Record<string, unknown>;
    if (typeof candidate.code === "number" && typeof candidate.message === "string") {
      return {
        code: candidate.code,
        message: candidate.message,
        ...(typeof candidate.more_info === "string" ? { more_info: candidate.more_info } : {}),
      };
    }
  }
  return null;
}
