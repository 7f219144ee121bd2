#!/usr/bin/env node
// Bundles the CLI into dist/bundle/ so `proxy-ix --version` starts close to node's own speed
// (docs/performance.md): one file to load instead of ~40 modules, with got, ora, chalk and cli-table3
// split into chunks that only the commands needing them load. The emulator is not bundled.
import { readFileSync, rmSync } from "node:fs";
import { builtinModules } from "node:module";
import { build } from "esbuild";

const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
const builtins = new Set(builtinModules);

/**
 * commander, cli-table3 and got's http2-wrapper are CommonJS and `require()` node built-ins. esbuild
 * would route those through createRequire, which boots node's CommonJS loader (~5 ms); an ESM import
 * of node:fs is no better (its namespace loads fs/promises and fs streams). process.getBuiltinModule
 * (Node >= 20.16) returns the module as require would, at no cost; older 20.x fall back to
 * createRequire. commander's child_process (only for executable subcommands, which proxy-ix has
 * none of) is loaded on first use: it pulls in node:net and costs ~4 ms of every start.
 */
const builtinsWithoutCjsLoader = {
  name: "builtins-without-cjs-loader",
  setup(b) {
    b.onResolve({ filter: /^(node:)?[a-z0-9_/]+$/ }, (args) => {
      const name = args.path.replace(/^node:/, "");
      if (args.kind !== "require-call" || !builtins.has(name)) return undefined;
      return { path: name, namespace: "builtin" };
    });
    b.onLoad({ filter: /.*/, namespace: "builtin" }, ({ path }) => ({
      contents:
        path === "child_process"
          ? "let m; module.exports = new Proxy({}, { get: (_, key) => (m ??= __proxyIxBuiltin('node:child_process'))[key] });"
          : `module.exports = __proxyIxBuiltin("node:${path}");`,
      loader: "js",
      resolveDir: ".",
    }));
  },
};

/**
 * got depends on http2-wrapper, whose js-stream-socket.js builds a TLS socket at import time to reach
 * an internal class ("Really awesome hack"): that creates a secure context and loads the CA store,
 * ~24 ms of every command that makes a request. It is only used by HTTP/2 proxy agents, which
 * proxy-ix never configures, so the class is looked up on first use instead.
 */
const lazyJsStreamSocket = {
  name: "lazy-js-stream-socket",
  setup(b) {
    b.onLoad({ filter: /http2-wrapper[\\/]source[\\/]utils[\\/]js-stream-socket\.js$/ }, () => ({
      contents: `"use strict";
const stream = require("stream");
const tls = require("tls");
let JSStreamSocket;
const load = () => (JSStreamSocket ??= new tls.TLSSocket(new stream.PassThrough())._handle._parentWrap.constructor);
module.exports = new Proxy(function JSStreamSocketLazy() {}, {
  construct: (_, args) => new (load())(...args),
  get: (_, key) => load()[key],
});`,
      loader: "js",
    }));
  },
};

rmSync(new URL("../dist/bundle", import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { cli: "src/cli.ts" },
  outdir: "dist/bundle",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "bundle",
  define: { PROXY_IX_VERSION: JSON.stringify(version) },
  plugins: [builtinsWithoutCjsLoader, lazyJsStreamSocket],
  banner: {
    js: "import { createRequire as __proxyIxRequire } from 'node:module'; const __proxyIxBuiltin = (name) => process.getBuiltinModule?.(name) ?? __proxyIxRequire(import.meta.url)(name);",
  },
  // Whitespace and syntax only: identifiers stay readable in --verbose stack traces.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: "linked",
  logLevel: "warning",
});
