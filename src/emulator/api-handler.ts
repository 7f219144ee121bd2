/**
 * One API request through the fault pipeline, in the order a real overloaded service would apply it:
 * concurrency limit (429, not processed) → latency → 500/503 (not processed) → auth → route → then
 * possibly hang (processed, never answered) or cut (processed, connection destroyed mid-response).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { isAuthorized } from "./auth.js";
import type { EmulatorCore } from "./core.js";
import { ApiError, authenticate, errorBody } from "./errors.js";
import { send, sendAndCut } from "./respond.js";
import { type ApiResponse, Router } from "./router.js";
import { API_ROUTES } from "./routes-api.js";
import { PROXY_ROUTES } from "./routes-proxy.js";

export const ALL_ROUTES = [...PROXY_ROUTES, ...API_ROUTES];

const router = new Router(ALL_ROUTES);

export async function handleApiRequest(
  core: EmulatorCore,
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
  query: URLSearchParams,
): Promise<void> {
  const { stats, injector } = core;
  const method = req.method ?? "GET";
  stats.arrived(method);

  // https://www.twilio.com/docs/errors/20429: refused on arrival, so it never counts as in flight — but
  // its Twilio-Concurrent-Requests does include it, which is how a client sees it went past the limit.
  if (injector.refuses(stats.inFlight)) {
    const headers = { ...injector.tooManyHeaders(), ...concurrency(stats.inFlight + 1) };
    stats.answered(429);
    send(res, { status: 429, body: errorBody(429, 20429, "Too many concurrent requests"), headers });
    return;
  }
  stats.enter();
  res.once("close", () => stats.leave());

  const delay = injector.delayMs();
  if (delay > 0) await injector.sleep(delay);

  const failure = injector.failure();
  if (failure === "500" || failure === "503") {
    const status = Number(failure);
    const message = status === 500 ? "Internal Server Error" : "Service Unavailable";
    stats.answered(status);
    const body = errorBody(status, status === 500 ? 20500 : 20503, message);
    send(res, { status, body, headers: concurrency(stats.inFlight) });
    return;
  }

  const processed = processRequest(core, req, method, pathname, query);
  const response = { ...processed, headers: { ...processed.headers, ...concurrency(stats.inFlight) } };

  if (injector.hangs()) {
    // Never answered; the socket is freed when the client gives up, or by close().
    stats.hung();
    return;
  }
  if (failure === "destroy") {
    stats.destroyed();
    sendAndCut(req, res, response);
    return;
  }
  stats.answered(response.status);
  send(res, response);
}

/**
 * The account's requests in flight, this one included: Twilio's 20429 page points clients at this header
 * (https://www.twilio.com/docs/errors/20429). Every API answer carries it; /__emulator/ ones do not.
 */
function concurrency(inFlight: number): Record<string, string> {
  return { "Twilio-Concurrent-Requests": String(inFlight) };
}

function processRequest(
  core: EmulatorCore,
  req: IncomingMessage,
  method: string,
  pathname: string,
  query: URLSearchParams,
): ApiResponse {
  try {
    if (!isAuthorized(req.headers.authorization, core.credentials)) throw authenticate();
    const { handler, params } = router.resolve(method, pathname);
    return handler({ app: core, params, query, pathname });
  } catch (error) {
    if (error instanceof ApiError)
      return { status: error.status, body: error.body(), headers: error.headers };
    // A bug in the emulator: answer like Twilio's 500 and say so on stderr rather than crash the server.
    console.error("proxy-ix-emulator: internal error:", error);
    return { status: 500, body: errorBody(500, 20500, "Internal Server Error") };
  }
}
