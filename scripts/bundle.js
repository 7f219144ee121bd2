#!/usr/bin/env node
// @ts-check
// Bundles the CLI into one CommonJS file, dist/bundle/cli.cjs, which bin/proxy-ix.js requires
// (docs/performance.md). CommonJS: an ES module entry point starts node's ESM loader (~4 ms). Each
// `await import()` in our code stays lazy: esbuild evaluates that module on first use. The emulator is
// not bundled (it is not on the start-up path).
import { readFileSync, rmSync } from "node:fs";
import { build } from "esbuild";

const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
const unused = "./scripts/bundle-unused.js";

rmSync(new URL("../dist/bundle/", import.meta.url), { recursive: true, force: true });
await build({
  absWorkingDir: new URL("..", import.meta.url).pathname,
  entryPoints: ["src/cli.ts"],
  outfile: "dist/bundle/cli.cjs",
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  // `import("node:tty")` as a require: a real import() would start node's ESM loader.
  supported: { "dynamic-import": false },
  // got's optional features that proxy-ix never enables (scripts/bundle-unused.js).
  alias: { "http2-wrapper": unused, "cacheable-lookup": unused, "cacheable-request": unused },
  define: { PROXY_IX_VERSION: JSON.stringify(version) },
  // Whitespace and syntax only: identifiers stay readable in --verbose stack traces.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: "linked",
  logLevel: "warning",
});
