/** The node:http server: dispatches /__emulator/ to control, everything else to the API pipeline. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { handleApiRequest } from "./api-handler.js";
import { CONTROL_PREFIX, handleControl } from "./control.js";
import type { EmulatorCore } from "./core.js";
import { errorBody } from "./errors.js";
import { send } from "./respond.js";

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

function dispatch(core: EmulatorCore, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const raw = req.url ?? "/";
  const q = raw.indexOf("?");
  const pathname = q < 0 ? raw : raw.slice(0, q);
  const query = new URLSearchParams(q < 0 ? "" : raw.slice(q + 1));
  if (pathname.startsWith(CONTROL_PREFIX)) return handleControl(core, req, res, pathname);
  return handleApiRequest(core, req, res, pathname, query);
}

/** `::1` must be bracketed in a URL. */
function urlHost(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}

export async function listen(core: EmulatorCore, host: string, port: number): Promise<RunningServer> {
  const server: Server = createServer((req, res) => {
    dispatch(core, req, res).catch((error: unknown) => {
      console.error("proxy-ix-emulator: internal error:", error);
      if (res.headersSent) res.destroy();
      else send(res, { status: 500, body: errorBody(500, 20500, "Internal Server Error") });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const url = `http://${urlHost(host)}:${address.port}`;
  core.origin = url;

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      core.injector.cancelAll();
      server.close(() => resolve());
      // Hung requests and idle keep-alive sockets would otherwise hold close() open forever.
      server.closeAllConnections();
    });
    return closing;
  };
  return { url, close };
}
