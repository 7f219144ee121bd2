import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TLSSocket } from "node:tls";

/**
 * A test CA and one certificate it signs for Twilio's hosts (and any extra IPs), made with the openssl
 * CLI: what a company's TLS-inspecting proxy presents. `caFile` is for NODE_EXTRA_CA_CERTS.
 */
export interface TestPki {
  dir: string;
  caFile: string;
  key: string;
  cert: string;
  remove(): void;
}

export function makeTestPki(extraIps: string[] = []): TestPki {
  const dir = mkdtempSync(join(tmpdir(), "proxy-ix-pki-"));
  const run = (args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  run(
    ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem"].concat([
      "-days",
      "2",
      "-subj",
      "/CN=proxy-ix test CA",
    ]),
  );
  // A wildcard covers one label only: the regional and edge hosts need their own.
  const names = ["*.twilio.com", "*.ie1.twilio.com", "*.dublin.ie1.twilio.com", "*.dublin.us1.twilio.com"];
  const san = [...names.map((name) => `DNS:${name}`), ...extraIps.map((ip) => `IP:${ip}`)].join(",");
  writeFileSync(join(dir, "leaf.ext"), `subjectAltName=${san}\nextendedKeyUsage=serverAuth\n`);
  run([
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "leaf.key",
    "-out",
    "leaf.csr",
    "-subj",
    "/CN=twilio.com",
  ]);
  run(
    ["x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial"].concat([
      "-days",
      "2",
      "-out",
      "leaf.pem",
      "-extfile",
      "leaf.ext",
    ]),
  );
  return {
    dir,
    caFile: join(dir, "ca.pem"),
    key: readFileSync(join(dir, "leaf.key"), "utf8"),
    cert: readFileSync(join(dir, "leaf.pem"), "utf8"),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** What the stand-in saw: CONNECT targets and, inside the tunnels, the TLS server name and Host. */
export interface Seen {
  connects: string[];
  proxyAuthorization: (string | undefined)[];
  requests: { servername: string | undefined; host: string | undefined; method: string; path: string }[];
}

/**
 * Terminates TLS for Twilio's hosts with the test certificate and forwards each request to the
 * emulator (started with `twilioHosts`) over loopback HTTP. The emulator's bodies name
 * proxy.twilio.com and api.twilio.com; a regional host (proxy.dublin.ie1.twilio.com) gets its own
 * names back, as Twilio's regional API answers.
 */
function twilioStandIn(pki: TestPki, emulatorUrl: string, seen: Seen): https.Server {
  const upstream = new URL(emulatorUrl);
  return https.createServer({ key: pki.key, cert: pki.cert }, (request, response) => {
    const servername = (request.socket as TLSSocket).servername || undefined;
    const host = request.headers.host;
    seen.requests.push({ servername, host, method: request.method ?? "?", path: request.url ?? "?" });
    const forward = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: request.method,
        path: request.url,
        headers: { ...request.headers, host: upstream.host, "accept-encoding": "identity" },
      },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on("data", (chunk: Buffer) => chunks.push(chunk));
        answer.on("end", () => {
          const hostname = (host ?? "").replace(/:443$/, "");
          const apiHost = hostname.replace(/^proxy\./, "api.");
          const proxyHost = hostname.replace(/^api\./, "proxy.");
          const body = Buffer.from(
            Buffer.concat(chunks)
              .toString("utf8")
              .replaceAll("https://proxy.twilio.com/", `https://${proxyHost}/`)
              .replaceAll("https://api.twilio.com/", `https://${apiHost}/`),
          );
          const headers = { ...answer.headers, "content-length": String(body.length) };
          delete headers["transfer-encoding"];
          response.writeHead(answer.statusCode ?? 502, headers);
          response.end(body);
        });
      },
    );
    forward.on("error", () => response.destroy());
    request.pipe(forward);
  });
}

export interface InterceptingProxy {
  /** `http://127.0.0.1:PORT`, for HTTPS_PROXY. */
  url: string;
  seen: Seen;
  /** When set, every CONNECT is answered with this status (e.g. 407) instead of a tunnel. */
  refuseWith: number | null;
  /** The same stand-in for Twilio, listening directly (no proxy) on `host`, for NO_PROXY tests. */
  listenDirect(host: string): Promise<string>;
  close(): Promise<void>;
}

/** An HTTP proxy on loopback that answers CONNECT and intercepts the TLS inside (a re-signing proxy). */
export async function startInterceptingProxy(pki: TestPki, emulatorUrl: string): Promise<InterceptingProxy> {
  const seen: Seen = { connects: [], proxyAuthorization: [], requests: [] };
  const inside = twilioStandIn(pki, emulatorUrl, seen);
  const direct = twilioStandIn(pki, emulatorUrl, seen);
  const sockets = new Set<Socket>();
  const proxy = http.createServer((_request, response) => {
    response.writeHead(405).end("CONNECT only");
  });
  proxy.on("connect", (request: http.IncomingMessage, socket: Socket, head: Buffer) => {
    seen.connects.push(request.url ?? "?");
    seen.proxyAuthorization.push(request.headers["proxy-authorization"]);
    if (intercepting.refuseWith !== null) {
      socket.end(`HTTP/1.1 ${intercepting.refuseWith} Refused\r\nProxy-Authenticate: Basic\r\n\r\n`);
      return;
    }
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
    if (head.length > 0) socket.unshift(head);
    inside.emit("connection", socket);
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  const { port } = proxy.address() as AddressInfo;
  const intercepting: InterceptingProxy = {
    url: `http://127.0.0.1:${port}`,
    seen,
    refuseWith: null,
    async listenDirect(host) {
      await new Promise<void>((resolve) => direct.listen(0, host, resolve));
      return `https://${host}:${(direct.address() as AddressInfo).port}`;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      direct.closeAllConnections();
      inside.closeAllConnections();
      proxy.closeAllConnections();
      await Promise.all(
        [proxy, direct].map(
          (server) => new Promise((resolve) => (server.listening ? server.close(resolve) : resolve(null))),
        ),
      );
    },
  };
  return intercepting;
}
