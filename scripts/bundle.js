#!/usr/bin/env node
// Bundles the CLI into dist/bundle/ so `proxy-ix --version` starts close to node's own speed
// (docs/performance.md): one file to load instead of ~40 modules, with got, ora and cli-table3 split
// into chunks that only the commands needing them load. The emulator is not bundled.
import { readFileSync } from "node:fs";
import { build } from "esbuild";

const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

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
  // commander and cli-table3 are CommonJS: their require() of node built-ins needs a require in ESM.
  banner: {
    js: "import { createRequire as __proxyIxRequire } from 'node:module'; const require = __proxyIxRequire(import.meta.url);",
  },
  legalComments: "linked",
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: "warning",
});
