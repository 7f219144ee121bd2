// esbuild plugins of scripts/bundle.js, each for a measured cost of start-up (docs/performance.md).
// They change how and when modules load, never what they do; test/unit/bundle-plugins.test.ts checks
// that. Written by hand because no published plugin does these.
import { readFileSync } from "node:fs";

/**
 * Node built-ins as CommonJS requires, some on first use:
 * - commander requires node:child_process at load, for executable subcommands, which proxy-ix has none
 *   of: it pulls in node:net and costs ~4 ms of every start, so it is loaded on first use. Only for
 *   commander's `require()`: the stand-in forwards property reads, which is all that CommonJS use
 *   needs (an ES module's named import would find no properties to copy).
 * - `await import("node:…")` in our code would stay a real dynamic import, which a script run by
 *   bin/proxy-ix.js cannot make; it becomes a require on first use.
 */
export const builtins = {
  name: "builtins",
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      args.kind === "require-call" && /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer)
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
export const lazyPackages = {
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
export const lazyListFormat = {
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
      const count = (pattern) => lazy.split(pattern).length - 1;
      if (lazy === source || count("new Intl.ListFormat(") !== count("??= new Intl.ListFormat(")) {
        throw new Error(
          "@sindresorhus/is changed: its Intl.ListFormat are no longer where the bundle defers them",
        );
      }
      return { contents: lazy, loader: "js" };
    });
  },
};

/**
 * got (with its dependencies, ~60% of the CLI's code) is built as its own file, dist/bundle/got.cjs,
 * which cli.cjs requires when a command makes its first request: `--help` and `--version` then neither
 * check nor deserialize its code cache (~1.5 ms). This plugin, for cli.cjs, turns `import … from "got"`
 * in our code into that require; GOT_EXPORTS are the names our code imports (esbuild fails the build
 * on any other: "No matching export"). got.cjs is built from GOT_ENTRY.
 */
export const GOT_EXPORTS = ["HTTPError", "ParseError", "RequestError", "TimeoutError"];
export const GOT_ENTRY = `export { default, ${GOT_EXPORTS.join(", ")} } from "got";`;
export const separateGot = {
  name: "separate-got",
  setup(b) {
    b.onResolve({ filter: /^got$/ }, (args) =>
      args.importer.includes("node_modules") ? undefined : { path: "got", namespace: "separate-got" },
    );
    b.onResolve({ filter: /^\.\/got\.cjs$/, namespace: "separate-got" }, (args) => ({
      path: args.path,
      external: true,
    }));
    b.onLoad({ filter: /.*/, namespace: "separate-got" }, () => ({
      contents: [
        `const got = require("./got.cjs");`,
        "export default got.default;",
        ...GOT_EXPORTS.map((name) => `export const ${name} = got.${name};`),
      ].join("\n"),
      loader: "js",
    }));
  },
};
