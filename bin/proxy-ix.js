#!/usr/bin/env node
"use strict";
// CommonJS (bin/package.json): an ES module entry point costs node's ESM loader, ~4 ms of every start.
const { readFileSync } = require("node:fs");
const { join } = require("node:path");
const { Script } = require("node:vm");

const BUNDLE_DIR = join(__dirname, "..", "dist", "bundle");
const BUNDLE = join(BUNDLE_DIR, "cli.cjs");
const DIGEST_BYTES = 32;

/** The code cache file of a bundle file. */
function codeCachePath(file) {
  return `${file}.v8cache`;
}

/** What the code cache file holds after its first 32 bytes, and those bytes: one digest of both. */
function digestOf(source, data) {
  return require("node:crypto").createHash("sha256").update(source).update(data).digest();
}

/** The code cache file for a bundle file: V8's data, after a SHA-256 of the bundle file and that data. */
function sealCodeCache(source, data) {
  return Buffer.concat([digestOf(source, data), data]);
}

/**
 * V8's data from a code cache file, if it is this bundle file's. V8 itself checks only the source's
 * length and its own version and flags: a bundle edited to the same length would run the cached (old)
 * code, and a damaged file can crash node. So the file carries a SHA-256 of the bundle file and the
 * data (~2 ms with loading node:crypto, which got loads anyway).
 */
function openCodeCache(file, source) {
  let cache;
  try {
    cache = readFileSync(codeCachePath(file));
  } catch {
    return { status: "none" };
  }
  const data = cache.subarray(DIGEST_BYTES);
  const intact =
    cache.length > DIGEST_BYTES && digestOf(source, data).equals(cache.subarray(0, DIGEST_BYTES));
  return intact ? { status: "intact", data } : { status: "mismatch" };
}

/**
 * The bundle files loaded so far (cli.cjs, then got.cjs on a command's first request), each with its
 * vm.Script, its source and what happened to its code cache: "used", "rejected" (by V8), "mismatch"
 * (not this file's) or "none". scripts/code-cache.js writes the caches from these.
 */
const loaded = new Map();

/**
 * Loads a bundle file (scripts/bundle.js) as node loads a CommonJS module, but with V8's code cache
 * that `npm run build` writes next to it: compiling is most of a short run, and node 20 has no compile
 * cache of its own (module.enableCompileCache is node 22). A cache V8 cannot use (another node, other
 * V8 flags) is rejected by V8, and the file compiles as usual. Nothing is written here. A bundle file
 * requires node built-ins and, by "./name.cjs", another bundle file (cli.cjs requires got.cjs).
 */
function loadBundle(name, { useCache = true } = {}) {
  const file = join(BUNDLE_DIR, name);
  const known = loaded.get(file);
  if (known) return known.exports;
  let source;
  try {
    source = readFileSync(file);
  } catch (error) {
    if (error.code !== "ENOENT") throw error;
    // A checkout that was never built, or a build that stopped half-way.
    throw Object.assign(new Error(`${file} is missing: run \`npm run build\` first`), { code: "UNBUILT" });
  }
  const cache = useCache ? openCodeCache(file, source) : { status: "none" };
  // The wrapper is on a line of its own (lineOffset -1), so stack traces keep the file's columns. The
  // name in stack traces is the file's place in the package: with a cache V8 keeps the name the cache
  // was made with, which would otherwise be the path of the machine that built it.
  const script = new Script(
    `(function (exports, require, module, __filename, __dirname) {\n${source.toString("utf8")}\n})`,
    { filename: `proxy-ix/dist/bundle/${name}`, lineOffset: -1, cachedData: cache.data },
  );
  let codeCache = cache.status;
  if (cache.data) codeCache = script.cachedDataRejected ? "rejected" : "used";
  const module = { exports: {} };
  const entry = { file, script, source, codeCache, exports: module.exports };
  loaded.set(file, entry);
  const requireInBundle = (id) => (id.startsWith("./") ? loadBundle(id.slice(2), { useCache }) : require(id));
  try {
    script.runInThisContext()(module.exports, requireInBundle, module, file, BUNDLE_DIR);
  } catch (error) {
    loaded.delete(file); // as node's own loader: a file that failed to load is not kept half-loaded
    throw error;
  }
  entry.exports = module.exports;
  return module.exports;
}

/** Loads the CLI; `codeCache` is cli.cjs's (see `loaded`). */
function loadCli(options) {
  const cli = loadBundle("cli.cjs", options);
  return { cli, codeCache: loaded.get(BUNDLE).codeCache, loaded };
}

module.exports = { loadCli, loadBundle, loaded, sealCodeCache, codeCachePath };

function start() {
  let cli;
  try {
    ({ cli } = loadCli());
  } catch (error) {
    if (error.code !== "UNBUILT") throw error;
    // npm ci and npm install build it: one line, no stack trace.
    process.stderr.write(`proxy-ix: ${error.message}\n`);
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
