// scripts/bundle.js aliases got's optional packages (HTTP/2, DNS cache, HTTP cache) to
// scripts/bundle-unused.js. Here got is bundled the same way and run: plain requests work and fail as
// got's own, and each option that would need one of those packages fails with our one line.
// (test/e2e/startup.test.ts checks the real bundle: a request through it, without node:http2 or node:dns.)

import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import type { Got } from "got";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const work = mkdtempSync(path.join(tmpdir(), "proxy-ix-bundle-"));
const unused = "./scripts/bundle-unused.js";
const UNUSED = /^proxy-ix was bundled without got's HTTP\/2, DNS-cache and HTTP-cache packages/;

let got: Got;
let server: Server;
let url: string;
beforeAll(async () => {
  const outfile = path.join(work, "got.cjs");
  const result = await build({
    absWorkingDir: root,
    stdin: { contents: `export { default } from "got";`, resolveDir: root },
    outfile,
    bundle: true,
    format: "cjs",
    platform: "node",
    target: "node20",
    alias: { "http2-wrapper": unused, "cacheable-lookup": unused, "cacheable-request": unused },
    metafile: true,
    logLevel: "silent",
  });
  const inputs = Object.keys(result.metafile.inputs);
  expect(inputs.some((input) => /node_modules\/got\//.test(input))).toBe(true);
  expect(inputs.filter((input) => /http2-wrapper|cacheable-lookup|cacheable-request/.test(input))).toEqual(
    [],
  );
  got = (createRequire(import.meta.url)(outfile) as { default: Got }).default;
  server = createServer((request, response) => {
    response.writeHead(request.url === "/missing" ? 404 : 200, { "content-type": "application/json" });
    response.end(JSON.stringify({ path: request.url }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(work, { recursive: true, force: true });
});

describe("got bundled without its optional packages", () => {
  it("makes plain requests, and fails them as got does", async () => {
    expect(await got(`${url}/ok`, { retry: { limit: 0 } }).json()).toEqual({ path: "/ok" });
    await expect(got(`${url}/missing`, { retry: { limit: 0 } })).rejects.toMatchObject({
      name: "HTTPError",
      response: { statusCode: 404 },
    });
    // Every request error passes got's `instanceof` check for a cache error, which must not match.
    await expect(got("http://127.0.0.1:9", { retry: { limit: 0 } })).rejects.toMatchObject({
      name: "RequestError",
      code: "ECONNREFUSED",
    });
  });

  it.each([
    { option: "dnsCache", options: { dnsCache: true } },
    { option: "cache", options: { cache: new Map() } },
    { option: "http2", options: { http2: true }, target: "https://127.0.0.1:9" },
  ])("fails in one line if $option is set", async ({ options, target }) => {
    await expect(got(target ?? `${url}/ok`, { ...options, retry: { limit: 0 } })).rejects.toThrow(UNUSED);
  });
});
