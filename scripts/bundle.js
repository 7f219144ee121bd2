#!/usr/bin/env node
// Bundles the CLI into dist/bundle/cli.cjs, with V8's code cache for it in dist/bundle/cli.cjs.v8cache,
// so that a short run costs little more than node's own start-up (docs/performance.md). The emulator is
// not bundled (it is not on the start-up path).
//
// Why CommonJS: an ES module entry point costs ~4 ms of node's ESM loader before any code runs, and
// node 20 can cache compiled code only for scripts (module.enableCompileCache is node 22). In a
// CommonJS bundle, esbuild turns each `await import()` into a module that is evaluated on first use, so
// got, ora, chalk and cli-table3 still load only when a command needs them.
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { builtins, lazyListFormat, lazyPackages } from "./bundle-plugins.js";

const require = createRequire(import.meta.url);
const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

const outdir = new URL("../dist/bundle/", import.meta.url);
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: { cli: "src/cli.ts" },
  outdir: "dist/bundle",
  outExtension: { ".js": ".cjs" },
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  packages: "bundle",
  define: { PROXY_IX_VERSION: JSON.stringify(version) },
  plugins: [builtins, lazyPackages, lazyListFormat],
  // Whitespace and syntax only: identifiers stay readable in --verbose stack traces.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: "linked",
  logLevel: "warning",
});

if (/\bimport\(/.test(readFileSync(new URL("cli.cjs", outdir), "utf8"))) {
  throw new Error("dist/bundle/cli.cjs has a dynamic import(), which bin/proxy-ix.js cannot run");
}

// --- V8 code cache ------------------------------------------------------------------------------------
// The cache holds the bytecode of every function that ran, so it is taken after a training run of the
// common paths (--help, list, fetch, a dry-run purge) against the emulator, in this process.
const { loadCli, CODE_CACHE } = require("../bin/proxy-ix.js");
const { cli, script } = loadCli({ codeCache: false });
const { startEmulator } = await import("../dist/emulator/index.js");
const emulator = await startEmulator({ port: 0, services: 1, sessions: 1, interactions: 5 });
try {
  const session = emulator.state().sessions[0];
  const env = {
    TWILIO_ACCOUNT_SID: emulator.accountSid,
    TWILIO_AUTH_TOKEN: emulator.authToken,
    PROXY_IX_BASE_URL: emulator.url,
    PROXY_IX_SERVICE_SID: session.service_sid,
  };
  const run = async (...argv) => {
    let stdout = "";
    const sink = (keep) =>
      new Writable({
        write(chunk, _encoding, done) {
          if (keep) stdout += chunk;
          done();
        },
      });
    const code = await cli.main(argv, { env, stdout: sink(true), stderr: sink(false), stdin: sink(false) });
    if (code !== 0) throw new Error(`training run \`proxy-ix ${argv.join(" ")}\` exited ${code}`);
    return stdout;
  };
  await run("--help");
  await run("list", "--help");
  await run("sessions");
  const [first] = JSON.parse(await run("list", "--session", session.sid, "--json"));
  await run("list", "--session", session.sid);
  await run("fetch", "--session", session.sid, first.sid);
  await run("purge", "--session", session.sid, "--include-resources", "--dry-run", "--json");
} finally {
  await emulator.close();
}
writeFileSync(CODE_CACHE, script.createCachedData());

// A fresh node must accept it (it would not if, say, a V8 flag differed from this process's).
const check = spawnSync(
  process.execPath,
  ["-e", 'process.stdout.write(String(require("./bin/proxy-ix.js").loadCli().script.cachedDataRejected))'],
  { cwd: fileURLToPath(new URL("..", import.meta.url)), encoding: "utf8" },
);
if (check.stdout !== "false") {
  throw new Error(`a fresh node rejects the code cache: ${check.stdout}${check.stderr}`);
}
