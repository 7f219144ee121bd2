#!/usr/bin/env node
// Bundles the CLI into dist/bundle/cli.cjs, and got with its dependencies into dist/bundle/got.cjs,
// each with V8's code cache beside it (.v8cache), so that a short run costs little more than node's own
// start-up (docs/performance.md). The emulator is not bundled (it is not on the start-up path).
//
// Why CommonJS: an ES module entry point costs ~4 ms of node's ESM loader before any code runs, and
// node 20 can cache compiled code only for scripts (module.enableCompileCache is node 22). In a
// CommonJS bundle, esbuild turns each `await import()` into a module that is evaluated on first use, so
// got, ora, chalk and string-width still load only when a command needs them.
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { builtins, GOT_ENTRY, lazyListFormat, lazyPackages, separateGot } from "./bundle-plugins.js";

const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

const outdir = new URL("../dist/bundle/", import.meta.url);
rmSync(outdir, { recursive: true, force: true });
const common = {
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  packages: "bundle",
  // Whitespace and syntax only: identifiers stay readable in --verbose stack traces.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: "linked",
  logLevel: "warning",
};
const cli = await build({
  ...common,
  metafile: true,
  entryPoints: { cli: "src/cli.ts" },
  outdir: "dist/bundle",
  outExtension: { ".js": ".cjs" },
  define: { PROXY_IX_VERSION: JSON.stringify(version) },
  plugins: [builtins, separateGot],
});
await build({
  ...common,
  stdin: { contents: GOT_ENTRY, resolveDir: fileURLToPath(new URL("..", import.meta.url)), loader: "js" },
  outfile: "dist/bundle/got.cjs",
  plugins: [builtins, lazyPackages, lazyListFormat],
});

// One got, in got.cjs: a second copy in cli.cjs would throw errors that are not the HTTPError etc. our
// code checks for (separateGot redirects only our own `import … from "got"`).
const gotInCli = Object.keys(cli.metafile.inputs).filter((input) => /node_modules[\\/]got[\\/]/.test(input));
if (gotInCli.length > 0) throw new Error(`got is bundled into cli.cjs as well: ${gotInCli[0]}`);
for (const name of ["cli.cjs", "got.cjs"]) {
  if (/\bimport\(/.test(readFileSync(new URL(name, outdir), "utf8"))) {
    throw new Error(`dist/bundle/${name} has a dynamic import(), which bin/proxy-ix.js cannot run`);
  }
}

// --- V8 code cache ------------------------------------------------------------------------------------
// Written by scripts/code-cache.js after a training run, in a node with no V8 flags and no NODE_OPTIONS
// (V8 rejects a cache made under other flags than the run's), then checked in another such node.
const root = fileURLToPath(new URL("..", import.meta.url));
const clean = { cwd: root, env: { PATH: process.env.PATH ?? "" }, encoding: "utf8" };
const training = spawnSync(process.execPath, ["scripts/code-cache.js"], { ...clean, stdio: "inherit" });
if (training.status !== 0) throw new Error(`scripts/code-cache.js exited ${training.status}`);
const check = spawnSync(
  process.execPath,
  [
    "-e",
    `const { loadCli, loadBundle, loaded } = require("./bin/proxy-ix.js");
loadCli();
loadBundle("got.cjs");
process.stdout.write([...loaded.values()].map((entry) => entry.codeCache).join(" "));`,
  ],
  clean,
);
if (check.stdout !== "used used") {
  throw new Error(`a fresh node does not use the code cache: ${check.stdout}${check.stderr}`);
}
