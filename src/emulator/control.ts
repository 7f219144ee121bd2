/**
 * `/__emulator/`: inspection and control for tests and demos. No auth, never counted as API requests,
 * never subject to faults, so a test can read the state of a server it is deliberately breaking.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { EmulatorCore } from "./core.js";
import { ApiError, errorBody, invalidParameter, methodNotAllowed, notFound } from "./errors.js";
import { OptionError } from "./options.js";
import { send } from "./respond.js";
import type { ApiResponse } from "./router.js";
import { isSid } from "./sids.js";

export const CONTROL_PREFIX = "/__emulator/";

/** Control bodies are a few option fields; anything bigger is a mistake. */
const MAX_BODY_BYTES = 64 * 1024;

type ControlHandler = (core: EmulatorCore, body: () => Promise<unknown>) => Promise<unknown> | unknown;

const CONTROL_ROUTES: Record<string, Partial<Record<string, ControlHandler>>> = {
  state: { GET: (core) => core.state() },
  reset: {
    POST: async (core, body) => {
      core.reset((await body()) as object);
      return core.state();
    },
  },
  faults: {
    POST: async (core, body) => {
      core.setFaults((await body()) as object);
      return core.faults();
    },
  },
  finalize: { POST: (core) => ({ finalized: core.finalizeAll() }) },
  "restore-recording": {
    POST: async (core, body) => {
      const sid = restoreSid(await body());
      const restored = core.store.restoreRecording(sid);
      if (!restored) throw notFound(`deleted Recording ${sid}`);
      return { restored: sid, call_sid: restored.call.sid };
    },
  },
};

/** `{"sid": "RE…"}` and nothing else, checked like every other control body. */
function restoreSid(body: unknown): string {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw invalidParameter('restore-recording takes a JSON object {"sid": "RE…"}');
  }
  const unknown = Object.keys(body).filter((key) => key !== "sid");
  if (unknown.length > 0)
    throw invalidParameter(`unknown restore-recording field '${unknown[0]}' (known: sid)`);
  const sid = (body as { sid?: unknown }).sid;
  if (typeof sid !== "string" || !isSid(sid, ["RE"])) {
    throw invalidParameter(`sid must be RE followed by 32 hex digits, got ${JSON.stringify(sid)}`);
  }
  return sid;
}

export async function handleControl(
  core: EmulatorCore,
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
): Promise<void> {
  send(res, await controlResponse(core, req, pathname));
}

async function controlResponse(
  core: EmulatorCore,
  req: IncomingMessage,
  pathname: string,
): Promise<ApiResponse> {
  try {
    const route = CONTROL_ROUTES[pathname.slice(CONTROL_PREFIX.length)];
    if (!route) throw notFound(pathname);
    const method = req.method ?? "GET";
    const handler = route[method];
    if (!handler) throw methodNotAllowed(method, Object.keys(route));
    return { status: 200, body: await handler(core, () => readJson(req)) };
  } catch (error) {
    if (error instanceof ApiError)
      return { status: error.status, body: error.body(), headers: error.headers };
    if (error instanceof OptionError) return { status: 400, body: errorBody(400, 20001, error.message) };
    throw error;
  }
}

/** An empty body is `{}`, so `curl -X POST …/reset` reseeds with the current options. */
async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw invalidParameter(`Request body exceeds ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8").trim();
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    throw invalidParameter(`Request body is not valid JSON: ${(error as Error).message}`);
  }
}
