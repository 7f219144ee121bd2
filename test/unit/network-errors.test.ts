// translate() gives each kind of network failure one line of ours, the same on every node line that
// .ci/run tests (node's own messages differ: OpenSSL's file names, "socket hang up", and on node 24.20+
// a refused connection that got retried ends as ERR_SOCKET_CLOSED_BEFORE_CONNECTION). Real sockets on
// loopback, real got errors.
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { createServer as createTcpServer } from "node:net";
import got from "got";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { translate } from "../../src/api/client.js";
import { NetworkError } from "../../src/errors.js";

const sockets = new Set<Socket>();
const servers: Array<Server | ReturnType<typeof createTcpServer>> = [];
async function listen(server: Server | ReturnType<typeof createTcpServer>): Promise<string> {
  servers.push(server);
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

let hanging: string;
let hangingUp: string;
let refused: string;
beforeAll(async () => {
  hanging = await listen(createServer(() => {}));
  hangingUp = await listen(createTcpServer((socket) => socket.destroy()));
  const closed = createServer();
  refused = await listen(closed);
  await new Promise((resolve) => closed.close(resolve));
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await Promise.all(
    servers.filter((s) => s.listening).map((s) => new Promise((resolve) => s.close(resolve))),
  );
});

/** What translate() makes of got's error for one attempt (no retries) at `target`. */
async function lineFor(target: string): Promise<string> {
  const url = new URL(target);
  const error = await got(url, { retry: { limit: 0 }, timeout: { request: 300 } }).then(
    () => new Error("the request succeeded"),
    (error: unknown) => error,
  );
  const translated = translate(error, "GET", url);
  expect(translated).toBeInstanceOf(NetworkError);
  return translated.message;
}

describe("translate(): one line per network failure, the same on every node", () => {
  it("a refused connection", async () => {
    expect(await lineFor(`http://${refused}/v1/Services`)).toBe(
      `GET /v1/Services: could not connect to ${refused}: the connection was refused`,
    );
  });

  it("a refused connection that node 24.20+ reports as a socket closed before connecting", () => {
    const url = new URL(`http://${refused}/v1/Services`);
    const error = Object.assign(new Error("Socket closed before the connection was established"), {
      code: "ERR_SOCKET_CLOSED_BEFORE_CONNECTION",
    });
    expect(translate(error, "GET", url).message).toBe(
      `GET /v1/Services: could not connect to ${refused}: the connection was refused`,
    );
  });

  it("an unknown host", async () => {
    // .invalid never resolves (RFC 6761), without asking anyone outside this machine for it.
    expect(await lineFor("http://no-such-host.invalid/v1/Services")).toMatch(
      /^GET \/v1\/Services: could not connect to no-such-host\.invalid: (no such host \(DNS\)|the DNS lookup of no-such-host\.invalid failed \(try again later\))$/,
    );
  });

  it("no answer in time", async () => {
    expect(await lineFor(`http://${hanging}/v1/Services`)).toBe(
      `GET /v1/Services: no response from ${hanging} within 300 ms (--timeout)`,
    );
  });

  it("a connection closed before the answer", async () => {
    expect(await lineFor(`http://${hangingUp}/v1/Services`)).toBe(
      `GET /v1/Services: the connection to ${hangingUp} was closed unexpectedly`,
    );
  });

  it("TLS: a port that does not speak it, a connection closed during the handshake, a certificate refused", async () => {
    expect(await lineFor(`https://${hanging}/v1/Services`)).toBe(
      `GET /v1/Services: could not make a TLS connection to ${hanging}: the TLS handshake failed (is it an https:// port?)`,
    );
    expect(await lineFor(`https://${hangingUp}/v1/Services`)).toBe(
      `GET /v1/Services: the connection to ${hangingUp} was closed unexpectedly`,
    );
    const url = new URL("https://proxy.twilio.com/v1/Services");
    const error = Object.assign(new Error("self-signed certificate"), {
      code: "DEPTH_ZERO_SELF_SIGNED_CERT",
    });
    expect(translate(error, "GET", url).message).toBe(
      "GET /v1/Services: could not make a TLS connection to proxy.twilio.com: its certificate was not accepted (DEPTH_ZERO_SELF_SIGNED_CERT)",
    );
  });
});
