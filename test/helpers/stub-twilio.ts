import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A scriptable, misbehaving Twilio for tests: a tiny but honest model of one Proxy Service (Sessions,
 * Interactions, the Messages/Calls they link to) that answers like Twilio by default, plus scripted
 * answers that take precedence, per request: any status, headers, body or next-page URL. Tests can
 * then assert what was sent and the state left behind (`stub.interactions`, `stub.resources`).
 *
 * Use the real emulator (test/helpers/emulator.ts) for everything it can produce; this is for what a
 * well-behaved emulator never does (3xx answers, wrong identities, foreign next-page URLs, HTML 404s).
 */

export const STUB_ACCOUNT = `AC${"a".repeat(32)}`;
export const STUB_SERVICE = `KS${"b".repeat(32)}`;
export const STUB_TOKEN = "stub-twilio-auth-token-secret";

export interface StubInteraction {
  sid: string;
  session_sid: string;
  service_sid: string;
  account_sid: string;
  type: string;
  data: string | null;
  date_created: string;
  inbound_resource_sid: unknown;
  inbound_resource_type: string | null;
  inbound_resource_status: string | null;
  inbound_resource_url: string | null;
  outbound_resource_sid: unknown;
  outbound_resource_type: string | null;
  outbound_resource_status: string | null;
  outbound_resource_url: string | null;
  [field: string]: unknown;
}

export interface StubAnswer {
  status: number;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
}

export interface StubScript {
  method?: string;
  /** Matched against the path (without the query). */
  path: RegExp;
  /** How many requests it answers before it is used up (default: all of them). */
  times?: number;
  answer: StubAnswer | ((req: IncomingMessage, url: URL, stub: StubTwilio) => StubAnswer);
}

export interface StubRequest {
  method: string;
  path: string;
  authorization: string | undefined;
}

export interface StubTwilio {
  url: string;
  requests: StubRequest[];
  /** Interactions by Session SID, newest first (as Twilio lists them). */
  interactions: Map<string, StubInteraction[]>;
  /** Linked Messages/Calls that exist. */
  resources: Set<string>;
  /** The origin the model writes into `next_page_url` (default: its own), e.g. `https://proxy.twilio.com`. */
  nextPageOrigin: string | null;
  script(script: StubScript): void;
  env(extra?: Record<string, string>): Record<string, string>;
  close(): Promise<void>;
}

export function sidOf(prefix: string, n: number): string {
  return `${prefix}${n.toString(16).padStart(32, "0")}`;
}

export function twilioError(status: number, code: number, message = "error"): StubAnswer {
  return {
    status,
    body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status },
  };
}

/** `sessions` Sessions of `perSession` message Interactions each, every one linking an inbound and an outbound Message. */
export async function stubTwilio(sessions = 1, perSession = 3): Promise<StubTwilio> {
  const interactions = new Map<string, StubInteraction[]>();
  const resources = new Set<string>();
  let n = 0;
  for (let s = 1; s <= sessions; s++) {
    const sessionSid = sidOf("KC", s);
    const list: StubInteraction[] = [];
    for (let i = 0; i < perSession; i++) {
      n++;
      const inbound = sidOf("SM", 2 * n);
      const outbound = sidOf("SM", 2 * n + 1);
      resources.add(inbound).add(outbound);
      list.push({
        sid: sidOf("KI", n),
        session_sid: sessionSid,
        service_sid: STUB_SERVICE,
        account_sid: STUB_ACCOUNT,
        type: "message",
        data: '{"body":"hello"}',
        date_created: new Date(Date.UTC(2025, 0, 1) + n * 60_000).toISOString().replace(".000", ""),
        inbound_resource_sid: inbound,
        inbound_resource_type: "Message",
        inbound_resource_status: "delivered",
        inbound_resource_url: null,
        outbound_resource_sid: outbound,
        outbound_resource_type: "Message",
        outbound_resource_status: "delivered",
        outbound_resource_url: null,
      });
    }
    interactions.set(sessionSid, list.reverse());
  }

  const scripts: StubScript[] = [];
  const requests: StubRequest[] = [];
  let origin = "";
  const stub: StubTwilio = {
    url: "",
    requests,
    interactions,
    resources,
    nextPageOrigin: null,
    script: (script) => scripts.push(script),
    env: (extra = {}) => ({
      TWILIO_ACCOUNT_SID: STUB_ACCOUNT,
      TWILIO_AUTH_TOKEN: STUB_TOKEN,
      PROXY_IX_BASE_URL: origin,
      ...extra,
    }),
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", origin);
    const method = req.method ?? "GET";
    requests.push({ method, path: `${url.pathname}${url.search}`, authorization: req.headers.authorization });
    const index = scripts.findIndex(
      (s) => (s.method === undefined || s.method === method) && s.path.test(url.pathname),
    );
    const script = scripts[index];
    if (script) {
      if (script.times !== undefined && --script.times <= 0) scripts.splice(index, 1);
      const answer = typeof script.answer === "function" ? script.answer(req, url, stub) : script.answer;
      return send(res, answer);
    }
    send(res, model(method, url));
  });

  function page(key: string, items: unknown[], url: URL, next: string | null): StubAnswer {
    const meta = {
      key,
      url: `${origin}${url.pathname}${url.search}`,
      first_page_url: `${origin}${url.pathname}`,
      next_page_url: next,
      previous_page_url: null,
      page: Number(url.searchParams.get("Page") ?? 0),
      page_size: Number(url.searchParams.get("PageSize") ?? 50),
    };
    return { status: 200, body: { [key]: items, meta } };
  }

  /** What a well-behaved Twilio would answer. Paging is by offset (`PageToken=PO<n>`), 2 items a page at most if asked. */
  function model(method: string, url: URL): StubAnswer {
    const parts = url.pathname.split("/").filter(Boolean);
    const notFound = twilioError(404, 20404, `The requested resource ${url.pathname} was not found`);
    if (parts[0] === "v1" && parts[1] === "Services") {
      if (parts.length === 2)
        return page("services", [{ sid: STUB_SERVICE, account_sid: STUB_ACCOUNT }], url, null);
      if (parts[2] !== STUB_SERVICE) return notFound;
      if (parts.length === 4 && parts[3] === "Sessions") {
        const sessions = [...interactions.keys()].map((sid) => session(sid));
        return page("sessions", sessions, url, null);
      }
      const sessionSid = parts[4] ?? "";
      const list = interactions.get(sessionSid);
      if (parts[3] !== "Sessions" || !list) return notFound;
      if (parts.length === 5) return method === "GET" ? { status: 200, body: session(sessionSid) } : notFound;
      if (parts[5] !== "Interactions") return notFound;
      if (parts.length === 6 && method === "GET") {
        const size = Math.min(100, Number(url.searchParams.get("PageSize") ?? 50));
        const offset = Number((url.searchParams.get("PageToken") ?? "PO0").slice(2));
        const items = list.slice(offset, offset + size);
        const more = offset + size < list.length;
        const next = more
          ? `${stub.nextPageOrigin ?? origin}${url.pathname}?PageSize=${size}&Page=${offset / size + 1}&PageToken=PO${offset + size}`
          : null;
        return page("interactions", items, url, next);
      }
      const at = list.findIndex((item) => item.sid === parts[6]);
      if (parts.length !== 7 || at < 0) return notFound;
      if (method === "GET") return { status: 200, body: list[at] };
      if (method === "DELETE") {
        list.splice(at, 1);
        return { status: 204 };
      }
      return notFound;
    }
    const resource =
      /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/(Messages|Calls)\/((?:SM|MM|CA)[0-9a-f]{32})\.json$/.exec(
        url.pathname,
      );
    if (resource && resource[1] === STUB_ACCOUNT && resources.has(resource[3] ?? "")) {
      if (method === "DELETE") {
        resources.delete(resource[3] ?? "");
        return { status: 204 };
      }
      return { status: 200, body: { sid: resource[3], account_sid: STUB_ACCOUNT, status: "delivered" } };
    }
    return notFound;
  }

  function session(sid: string): Record<string, unknown> {
    return {
      sid,
      service_sid: STUB_SERVICE,
      account_sid: STUB_ACCOUNT,
      unique_name: null,
      status: "open",
      date_created: "2025-01-01T00:00:00Z",
      date_updated: "2025-01-01T00:00:00Z",
    };
  }

  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      stub.url = origin;
      resolve(stub);
    });
  });
}

function send(res: ServerResponse, answer: StubAnswer): void {
  const { body } = answer;
  const text = body === undefined ? "" : typeof body === "string" ? body : JSON.stringify(body);
  const headers: Record<string, string> = { ...(answer.headers ?? {}) };
  if (body !== undefined && typeof body !== "string" && !headers["content-type"])
    headers["content-type"] = "application/json";
  res.writeHead(answer.status, headers).end(answer.status === 204 ? undefined : text);
}
