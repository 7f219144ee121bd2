// The esbuild plugins of scripts/bundle.js change when modules load, never what they do. Each is run
// here through esbuild on a small entry, and the bundle is executed.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";
import { builtins, lazyListFormat, lazyPackages } from "../../scripts/bundle-plugins.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const work = mkdtempSync(path.join(tmpdir(), "proxy-ix-plugins-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function write(file: string, text: string): string {
  const full = path.join(work, file);
  mkdirSync(path.dirname(full), { recursive: true });
  writeFileSync(full, text);
  return full;
}

/** Bundles `entry` as scripts/bundle.js does (CommonJS, node) and loads it. */
async function bundle(entry: string, plugins: Plugin[], name: string): Promise<Record<string, unknown>> {
  const outfile = path.join(work, `${name}.cjs`);
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: "cjs",
    platform: "node",
    target: "node20",
    plugins,
    logLevel: "silent",
    // The entries live in a temporary folder; real packages come from the project's node_modules.
    nodePaths: [path.join(root, "node_modules")],
  });
  return createRequire(import.meta.url)(outfile) as Record<string, unknown>;
}

describe("lazyPackages: got's http2-wrapper, cacheable-lookup, cacheable-request load on first use", () => {
  it("defers evaluation, and forwards reads, calls, new and instanceof to the real exports", async () => {
    const loaded: string[] = [];
    (globalThis as { __loaded?: string[] }).__loaded = loaded;
    // Stand-ins with the real packages' names and module kinds (ESM, and CommonJS for http2-wrapper).
    write(
      "node_modules/cacheable-request/package.json",
      JSON.stringify({ name: "cacheable-request", type: "module", main: "index.js" }),
    );
    write(
      "node_modules/cacheable-request/index.js",
      `globalThis.__loaded.push("cacheable-request");
export default class CacheableRequest { constructor(fn) { this.fn = fn; } static kind = "cache"; }
export class CacheError extends Error {}
globalThis.__RealCacheError = CacheError;`,
    );
    write(
      "node_modules/http2-wrapper/package.json",
      JSON.stringify({ name: "http2-wrapper", main: "index.js" }),
    );
    write(
      "node_modules/http2-wrapper/index.js",
      `globalThis.__loaded.push("http2-wrapper"); module.exports = { auto: (x) => x * 2, globalAgent: { id: 7 } };`,
    );
    write(
      "node_modules/cacheable-lookup/package.json",
      JSON.stringify({ name: "cacheable-lookup", type: "module", main: "index.js" }),
    );
    write(
      "node_modules/cacheable-lookup/index.js",
      `globalThis.__loaded.push("cacheable-lookup"); export default class CacheableLookup {}`,
    );
    write("node_modules/got/package.json", JSON.stringify({ name: "got", type: "module", main: "index.js" }));
    write(
      "node_modules/got/index.js",
      `import CacheableRequest, { CacheError } from "cacheable-request";
import CacheableLookup from "cacheable-lookup";
import http2wrapper from "http2-wrapper";
export { CacheableRequest, CacheError, CacheableLookup, http2wrapper };`,
    );
    const entry = write("entry-got.js", `export * from "got";`);
    const got = await bundle(entry, [lazyPackages], "got");
    expect(loaded).toEqual([]);

    const http2wrapper = got.http2wrapper as { auto(x: number): number; globalAgent: { id: number } };
    expect(http2wrapper.auto(21)).toBe(42);
    expect(http2wrapper.globalAgent.id).toBe(7);
    expect(loaded).toEqual(["http2-wrapper"]);

    const CacheableRequest = got.CacheableRequest as new (fn: () => void) => { fn: () => void };
    const CacheError = got.CacheError as new () => Error;
    expect(new Error("x") instanceof CacheError).toBe(false);
    const fn = () => {};
    const request = new CacheableRequest(fn);
    expect(request.fn).toBe(fn);
    expect(request instanceof CacheableRequest).toBe(true);
    expect((CacheableRequest as unknown as { kind: string }).kind).toBe("cache");
    expect(loaded).toEqual(["http2-wrapper", "cacheable-request"]);
    // got's `error instanceof CacheableCacheError` holds for errors the real package throws.
    const RealCacheError = (globalThis as { __RealCacheError?: new () => Error }).__RealCacheError;
    if (!RealCacheError) throw new Error("cacheable-request was not evaluated");
    expect(new RealCacheError() instanceof CacheError).toBe(true);
    expect(new RealCacheError() instanceof (CacheableRequest as unknown as new () => object)).toBe(false);
    expect(loaded).not.toContain("cacheable-lookup");
  });
});

describe("lazyListFormat: @sindresorhus/is builds its Intl.ListFormat on first use", () => {
  it("gives got's type errors the same message as the unpatched package", async () => {
    const entry = write(
      "entry-is.js",
      `import is, { assert } from "@sindresorhus/is";
export function message() {
  try { assert.any([is.string, is.number], {}, []); } catch (error) { return error.message; }
  return "no error";
}`,
    );
    const patched = await bundle(entry, [lazyListFormat], "is-patched");
    const unpatched = await bundle(entry, [], "is-unpatched");
    const message = (patched.message as () => string)();
    expect(message).toMatch(
      /^Expected values which are `string` or `number`\. Received values of types `Object` and `Array`\.$/,
    );
    expect(message).toBe((unpatched.message as () => string)());
  });
});

describe("builtins: node built-ins in a CommonJS bundle", () => {
  it("turns import() of a built-in into a require, and loads commander's child_process on first use", async () => {
    // A stand-in with commander's name: it requires child_process at load, as commander does.
    write("node_modules/commander/package.json", JSON.stringify({ name: "commander", main: "index.js" }));
    write(
      "node_modules/commander/index.js",
      `const childProcess = require("node:child_process"); exports.spawnSync = () => childProcess.spawnSync;`,
    );
    const entry = write(
      "entry-builtins.js",
      `export { spawnSync } from "commander";
export async function isatty() { return (await import("node:tty")).isatty; }`,
    );
    await bundle(entry, [builtins], "builtins");
    // In a fresh node, as the CLI runs: what has loaded after the bundle loads, and after first use.
    const probe = `
const loaded = (name) => process.moduleLoadList.includes("NativeModule " + name);
const mod = require(${JSON.stringify(path.join(work, "builtins.cjs"))});
const before = [loaded("child_process"), loaded("tty")];
mod.isatty().then((isatty) => {
  const spawnSync = mod.spawnSync();
  console.log(JSON.stringify({ before, after: [loaded("child_process"), loaded("tty")], types: [typeof isatty, typeof spawnSync] }));
});`;
    const { stdout } = spawnSync(process.execPath, ["-e", probe], { encoding: "utf8" });
    expect(JSON.parse(stdout)).toEqual({
      before: [false, false],
      after: [true, true],
      types: ["function", "function"],
    });
  });
});
