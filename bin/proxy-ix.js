#!/usr/bin/env node
"use strict";
// CommonJS (bin/package.json): an ES module entry point costs node's ESM loader, ~4 ms of every start.
const { readFileSync } = require("node:fs");
const { dirname, join } = require("node:path");
const { Script } = require("node:vm");

const BUNDLE = join(__dirname, "..", "dist", "bundle", "cli.cjs");
const CODE_CACHE = `${BUNDLE}.v8cache`;

/**
 * Loads the bundled CLI (scripts/bundle.js) as node loads a CommonJS module, but with V8's code cache
 * that `npm run build` writes next to it: compiling the bundle is most of a short run, and node 20 has
 * no compile cache of its own (module.enableCompileCache is node 22). A cache from another node or
 * with other V8 flags is rejected by V8, and the bundle compiles as usual. Nothing is written here.
 */
function loadCli({ codeCache = true } = {}) {
  const source = readFileSync(BUNDLE, "utf8");
  let cachedData;
  if (codeCache) {
    try {
      cachedData = readFileSync(CODE_CACHE);
    } catch {
      // no cache: compile as usual
    }
  }
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: BUNDLE,
    cachedData,
  });
  const cli = { exports: {} };
  script.runInThisContext()(cli.exports, require, cli, BUNDLE, dirname(BUNDLE));
  return { cli: cli.exports, script };
}

module.exports = { loadCli, CODE_CACHE };

function start() {
  let cli;
  try {
    ({ cli } = loadCli());
  } catch (error) {
    if (error.code !== "ENOENT" || error.path !== BUNDLE) throw error;
    // A checkout that was never built (npm ci and npm install build it): one line, no stack trace.
    process.stderr.write(`proxy-ix: ${BUNDLE} is missing: run \`npm run build\` first\n`);
    process.exitCode = 1;
    return;
  }
  cli.main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}

if (require.main === module) start();
