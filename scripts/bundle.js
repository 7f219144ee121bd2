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

const require = createRequire(import.meta.url);
const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

/**
 * Node built-ins as CommonJS requires, some on first use:
 * - commander requires node:child_process at load, for executable subcommands, which proxy-ix has none
 *   of: it pulls in node:net and costs ~4 ms of every start, so it is loaded on first use.
 * - `await import("node:…")` in our code would stay a real dynamic import, which a script run by
 *   bin/proxy-ix.js cannot make; it becomes a require on first use.
 */
const builtins = {
  name: "builtins",
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      args.importer.includes("node_modules")
        ? { path: "child_process", namespace: "lazy-builtin" }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "lazy-builtin" }, ({ path }) => ({
      contents: `let m; module.exports = new Proxy({}, { get: (_, key) => (m ??= require("node:${path}"))[key] });`,
      loader: "js",
    }));
    b.onResolve({ filter: /^node:/ }, (args) =>
      args.kind === "dynamic-import" ? { path: args.path, namespace: "required-builtin" } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "required-builtin" }, ({ path }) => ({
      contents: `module.exports = require(${JSON.stringify(path)});`,
      loader: "js",
    }));
  },
};

/**
 * got imports three packages that serve options proxy-ix never sets: http2-wrapper (`http2: true`;
 * it loads node:http2 and builds a TLS socket at import), cacheable-lookup (`dnsCache`; node:dns) and
 * cacheable-request (`cache`; keyv and friends). Together ~6 ms of every command that makes a
 * request. Each is replaced by a stand-in that loads the real package on first use: a Proxy per export
 * that got imports, forwarding property reads, calls, `new` and `instanceof`. If got starts importing
 * another export from them, esbuild fails the build ("No matching export") rather than guessing.
 */
const LAZY_PACKAGES = {
  "http2-wrapper": [],
  "cacheable-lookup": [],
  "cacheable-request": ["CacheError"],
};
const lazyPackages = {
  name: "lazy-packages",
  setup(b) {
    const names = Object.keys(LAZY_PACKAGES).join("|");
    b.onResolve({ filter: new RegExp(`^(${names})$`) }, (args) =>
      /[\\/]node_modules[\\/]got[\\/]/.test(args.importer)
        ? { path: args.path, namespace: "lazy-package", pluginData: { resolveDir: args.resolveDir } }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "lazy-package" }, ({ path, pluginData }) => ({
      contents: `
let real;
const load = () => (real ??= require(${JSON.stringify(path)}));
const lazy = (pick) => new Proxy(function () {}, {
  get: (_, key) => Reflect.get(pick(), key),
  has: (_, key) => Reflect.has(pick(), key),
  apply: (_, self, args) => Reflect.apply(pick(), self, args),
  construct: (_, args) => Reflect.construct(pick(), args),
  getPrototypeOf: () => Reflect.getPrototypeOf(pick()),
});
export default lazy(() => (load().__esModule ? load().default : load()));
${LAZY_PACKAGES[path].map((name) => `export const ${name} = lazy(() => load().${name});`).join("\n")}
`,
      loader: "js",
      resolveDir: pluginData.resolveDir,
    }));
  },
};

/**
 * @sindresorhus/is (got's argument checks) creates two Intl.ListFormat at import, for error messages
 * about wrong-type arguments; that loads ICU's locale data: ~10 ms of every command that makes a
 * request. They are created on first use instead. The build fails if the code no longer matches.
 */
const lazyListFormat = {
  name: "lazy-list-format",
  setup(b) {
    b.onLoad({ filter: /[\\/]@sindresorhus[\\/]is[\\/]distribution[\\/]index\.js$/ }, ({ path }) => {
      const source = readFileSync(path, "utf8");
      const eager = /const (\w+) = new Intl\.ListFormat\(([^)]*)\);/g;
      const lazy = source.replace(
        eager,
        (_, name, args) =>
          `let ${name}Instance; const ${name} = { format: (list) => (${name}Instance ??= new Intl.ListFormat(${args})).format(list) };`,
      );
      if (lazy === source || /new Intl\.ListFormat\([^)]*\);/.test(lazy.replace(/\?\?= new Intl/g, ""))) {
        throw new Error(
          "@sindresorhus/is changed: its Intl.ListFormat are no longer where the bundle defers them",
        );
      }
      return { contents: lazy, loader: "js" };
    });
  },
};

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
