import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface CountingServer {
  url: string;
  requests: { method: string; path: string; authorization: string | undefined }[];
  close(): Promise<void>;
}

/**
 * A second loopback server for "misbehaving server" tests: it answers with `handler` (or 200 {}) and
 * records every request, so a test can prove that no request, let alone credentials, reached it.
 */
export function countingServer(
  handler?: (req: IncomingMessage, res: ServerResponse, url: string) => void,
): Promise<CountingServer> {
  const requests: CountingServer["requests"] = [];
  let url = "";
  const server = createServer((req, res) => {
    requests.push({
      method: req.method ?? "",
      path: req.url ?? "",
      authorization: req.headers.authorization,
    });
    if (handler) return handler(req, res, url);
    res.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      resolve({
        url,
        requests,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
