/** Writing responses: JSON with a length (keep-alive friendly), 204s with no body, and cut connections. */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApiResponse } from "./router.js";

let requestSerial = 0;

/** Twilio tags every response with a request SID; ours is a counter, which is enough to tell them apart. */
function requestId(): string {
  requestSerial = (requestSerial + 1) % Number.MAX_SAFE_INTEGER;
  return `RQ${requestSerial.toString(16).padStart(32, "0")}`;
}

function serialise(response: ApiResponse): string {
  return response.body === undefined ? "" : JSON.stringify(response.body);
}

export function send(res: ServerResponse, response: ApiResponse): void {
  if (res.destroyed || res.headersSent) return;
  const body = serialise(response);
  const headers: Record<string, string | number> = { ...response.headers, "Twilio-Request-Id": requestId() };
  if (body) {
    headers["Content-Type"] = "application/json; charset=utf-8";
    headers["Content-Length"] = Buffer.byteLength(body);
  }
  res.writeHead(response.status, headers);
  res.end(body);
}

/**
 * The "processed but the client never heard" failure: headers and half the body go out, then the socket
 * is destroyed. A response with no body (a DELETE's 204) is cut before anything is written, since a
 * complete 204 would reach the client as a success.
 */
export function sendAndCut(req: IncomingMessage, res: ServerResponse, response: ApiResponse): void {
  const body = serialise(response);
  if (!body || res.destroyed) {
    req.socket.destroy();
    return;
  }
  res.writeHead(response.status, {
    ...response.headers,
    "Twilio-Request-Id": requestId(),
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(body),
  });
  res.write(body.slice(0, Math.ceil(body.length / 2)), () => req.socket.destroy());
}
