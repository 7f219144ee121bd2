#!/usr/bin/env node
"use strict";
// CommonJS (bin/package.json): an ES module entry point costs node's ESM loader, ~4 ms of every start.
const { readFileSync } = require("node:fs");
const { dirname, join } = require("node:path");
const { Script } = require("node:vm");

const BUNDLE = join(__dirname, "..", "dist", "bundle", "cli.cjs");
const CODE_CACHE = `${BUNDLE}.v8cache`;
const DIGEST_BYTES = 32;

/** What the code cache file holds after its first 32 bytes, and those bytes: one digest of both. */
function digestOf(source, data) {
  return require("node:crypto").createHash("sha256").update(source).update(data).digest();
}

/** The code cache file for this bundle: V8's data, after a SHA-256 of the bundle and that data. */
function sealCodeCache(source, data) {
  return Buffer.concat([digestOf(source, data), data]);
}

/**
 * V8's data from the code cache file, if it is this bundle's. V8 itself checks only the source's
 * length and its own version and flags: a bundle edited to the same length would run the cached (old)
 * code, and a damaged file can crash node. So the file carries a SHA-256 of the bundle and the data
 * (~2.5 ms with loading node:crypto, which got loads anyway).
 */
function openCodeCache(source) {
  let file;
  try {
    file = readFileSync(CODE_CACHE);
  } catch {
    return { status: "none" };
  }
  const data = file.subarray(DIGEST_BYTES);
  const intact = file.length > DIGEST_BYTES && digestOf(source, data).equals(file.subarray(0, DIGEST_BYTES));
  return intact ? { status: "intact", data } : { status: "mismatch" };
}

/**
 * Loads the bundled CLI (scripts/bundle.js) as node loads a CommonJS module, but with V8's code cache
 * that `npm run build` writes next to it: compiling the bundle is most of a short run, and node 20 has
 * no compile cache of its own (module.enableCompileCache is node 22). A cache V8 cannot use (another
 * node, other V8 flags) is rejected by V8, and the bundle compiles as usual. Nothing is written here.
 * `codeCache` says what happened: "used", "rejected" (by V8), "mismatch" (not this bundle's) or "none".
 */
function loadCli({ useCache = true } = {}) {
  const sourceBytes = readFileSync(BUNDLE);
  const cache = useCache ? openCodeCache(sourceBytes) : { status: "none" };
  // The wrapper is on a line of its own (lineOffset -1), so stack traces keep the bundle's columns.
  const script = new Script(
    `(function (exports, require, module, __filename, __dirname) {\n${sourceBytes.toString("utf8")}\n})`,
    { filename: BUNDLE, lineOffset: -1, cachedData: cache.data },
  );
  const cli = { exports: {} };
  script.runInThisContext()(cli.exports, require, cli, BUNDLE, dirname(BUNDLE));
  let codeCache = cache.status;
  if (cache.data) codeCache = script.cachedDataRejected ? "rejected" : "used";
  return { cli: cli.exports, script, sourceBytes, codeCache };
}

module.exports = { loadCli, sealCodeCache, CODE_CACHE };

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
  // main() settles with the exit code and never rejects. Were it left pending with nothing left for
  // node to wait on (a bug), node would exit 0 as if the run had succeeded: a cron job must see 1.
  let settled = false;
  process.on("exit", (code) => {
    if (settled || code !== 0) return;
    process.stderr.write("proxy-ix: internal error: the command stopped before it finished\n");
    process.exitCode = 1;
  });
  cli.main(process.argv.slice(2)).then(
    (code) => {
      settled = true;
      process.exitCode = code;
    },
    (error) => {
      settled = true;
      process.stderr.write(`proxy-ix: internal error: ${error instanceof Error ? error.message : error}\n`);
      process.exitCode = 1;
    },
  );
}

if (require.main === module) start();
