// How bin/proxy-ix.js starts (docs/performance.md): the bundle with its V8 code cache, and what a short
// command loads. Timings are for `npm run bench`; these check the mechanisms, which do not depend on
// the machine's speed.
import { spawn, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN } from "../helpers/cli.js";
import { type Emulator, emulator, envFor, stateOf } from "../helpers/emulator.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const work = mkdtempSync(path.join(tmpdir(), "proxy-ix-startup-"));
const version = (
  JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as {
    version: string;
  }
).version;

let emu: Emulator;
beforeAll(async () => {
  emu = await emulator({ sessions: 1, interactions: 5 });
});
afterAll(async () => {
  await emu.close();
  rmSync(work, { recursive: true, force: true });
});

/**
 * Runs `node [nodeArgs] bin args` (asynchronously: the emulator answers from this process) and returns
 * stdout, stderr, the exit code and the node built-ins the run loaded.
 */
async function run(
  bin: string,
  args: string[],
  { nodeArgs = [] as string[], env = {} as Record<string, string | undefined> } = {},
) {
  const probe = path.join(work, "probe.cjs");
  const list = path.join(work, "loaded.json");
  writeFileSync(
    probe,
    `process.on("exit", () => require("node:fs").writeFileSync(${JSON.stringify(list)}, JSON.stringify(process.moduleLoadList)));`,
  );
  rmSync(list, { force: true });
  const child = spawn(process.execPath, [...nodeArgs, "-r", probe, bin, ...args], {
    env: { PATH: process.env.PATH ?? "", ...env },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  const loaded = JSON.parse(readFileSync(list, "utf8")) as string[];
  const builtins = loaded.filter((name) => name.startsWith("NativeModule ")).map((name) => name.slice(13));
  return { code, stdout, stderr, builtins };
}

/**
 * What bin/proxy-ix.js did with the code caches of cli.cjs and got.cjs, in a fresh node: "used",
 * "rejected" (by V8), "mismatch" (not that file's) or "none", for each.
 */
function codeCacheOf(bin: string, nodeArgs: string[] = []): string {
  const probe = `const { loadCli, loadBundle, loaded } = require(${JSON.stringify(bin)});
loadCli();
loadBundle("got.cjs");
process.stdout.write([...loaded.values()].map((entry) => entry.codeCache).join(" "));`;
  const result = spawnSync(process.execPath, [...nodeArgs, "-e", probe], {
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "" },
  });
  expect(result.stderr).toBe("");
  return result.stdout;
}

/** A copy of the installed layout (bin/ beside dist/bundle/) in its own folder; returns its bin. */
function installCopy(name: string) {
  const dir = path.join(work, name);
  cpSync(path.join(root, "bin"), path.join(dir, "bin"), { recursive: true });
  cpSync(path.join(root, "dist/bundle"), path.join(dir, "dist/bundle"), { recursive: true });
  return {
    dir,
    bin: path.join(dir, "bin/proxy-ix.js"),
    bundle: path.join(dir, "dist/bundle/cli.cjs"),
    cache: path.join(dir, "dist/bundle/cli.cjs.v8cache"),
    gotBundle: path.join(dir, "dist/bundle/got.cjs"),
    gotCache: path.join(dir, "dist/bundle/got.cjs.v8cache"),
  };
}

/** The one-page list of the first seeded Session, as a command line and its environment. */
async function oneSessionList() {
  const session = (await stateOf(emu)).sessions[0];
  return { args: ["list", "--session", session?.sid ?? "", "--json"], env: envFor(emu) };
}

/** XORs one byte of a file. */
function damage(file: string, offset: number): void {
  const bytes = readFileSync(file);
  bytes[offset] = (bytes[offset] ?? 0) ^ 0xff;
  writeFileSync(file, bytes);
}

describe("the V8 code cache", () => {
  it("written by the build for cli.cjs and got.cjs, is used by this node", () => {
    expect(codeCacheOf(BIN)).toBe("used used");
  });

  it("damaged anywhere, is not given to V8 (which could crash on it), and the CLI works", async () => {
    const copy = installCopy("damaged");
    const intact = readFileSync(copy.cache);
    // V8 verifies only a header: damage past it once made node abort (SIGTRAP) in the deserializer.
    for (const offset of [0, 40, Math.floor(intact.length / 2), intact.length - 1]) {
      writeFileSync(copy.cache, intact);
      damage(copy.cache, offset);
      expect(codeCacheOf(copy.bin)).toBe("mismatch used");
      expect(await run(copy.bin, ["--version"])).toMatchObject({
        code: 0,
        stdout: `${version}\n`,
        stderr: "",
      });
    }
  });

  it("of got.cjs, damaged, is not used either, and requests work", async () => {
    const copy = installCopy("damaged-got");
    damage(copy.gotCache, Math.floor(readFileSync(copy.gotCache).length / 2));
    expect(codeCacheOf(copy.bin)).toBe("used mismatch");
    const { args, env } = await oneSessionList();
    const result = await run(copy.bin, args, { env });
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(result.stdout)).toHaveLength(5);
  });

  it("does not put the build machine's paths in --verbose stack traces", async () => {
    const copy = installCopy("traces");
    // Nothing listens on port 9: the request fails, and --verbose prints the stack.
    const result = await run(copy.bin, ["sessions", "--verbose", "--timeout", "2000"], {
      env: { ...envFor(emu), PROXY_IX_BASE_URL: "http://127.0.0.1:9" },
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/\(proxy-ix\/dist\/bundle\/cli\.cjs:\d+:\d+\)/);
    expect(result.stderr).toMatch(/proxy-ix\/dist\/bundle\/got\.cjs:\d+:\d+/);
    expect(result.stderr).not.toContain(root);
  });

  it("of a bundle since edited, even to the same length, is not used: the edited code runs", async () => {
    const copy = installCopy("edited");
    const edited = version.replace(/\d/g, "9");
    const source = readFileSync(copy.bundle, "utf8");
    expect(source).toContain(`"${version}"`);
    writeFileSync(copy.bundle, source.replaceAll(`"${version}"`, `"${edited}"`));
    expect(codeCacheOf(copy.bin)).toBe("mismatch used");
    expect(await run(copy.bin, ["--version"])).toMatchObject({ code: 0, stdout: `${edited}\n`, stderr: "" });
  });

  it("is rejected by V8 under other V8 flags than the build's, and the CLI works as usual", async () => {
    expect(codeCacheOf(BIN, ["--max-semi-space-size=4"])).toBe("rejected rejected");
    const result = await run(BIN, ["--help"], { nodeArgs: ["--max-semi-space-size=4"] });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: proxy-ix \[options\] \[command\]/);
    expect(result.stderr).toBe("");
  });
});

describe("bin/proxy-ix.js, whatever the bundle does", () => {
  // A cron job must never see 0 for a run that did not finish.
  it.each([
    {
      what: "stops with nothing left to wait for",
      main: "exports.main = () => new Promise(() => {});",
      stderr: "proxy-ix: internal error: the command stopped before it finished\n",
    },
    {
      what: "fails unexpectedly",
      main: 'exports.main = async () => { throw new Error("boom"); };',
      stderr: "proxy-ix: internal error: boom\n",
    },
  ])("exits 1 with one line, no stack trace, if the command $what", async ({ what, main, stderr }) => {
    const copy = installCopy(what.replaceAll(" ", "-"));
    writeFileSync(copy.bundle, `${main}\n`);
    expect(await run(copy.bin, ["list"])).toMatchObject({ code: 1, stdout: "", stderr });
  });
});

describe("an unbuilt checkout", () => {
  it("without got.cjs (a build that stopped half-way), fails the first request in one line", async () => {
    const copy = installCopy("no-got");
    rmSync(copy.gotBundle);
    const { args, env } = await oneSessionList();
    expect(await run(copy.bin, args, { env })).toMatchObject({
      code: 1,
      stdout: "",
      stderr: `proxy-ix: ${copy.gotBundle} is missing: run \`npm run build\` first\n`,
    });
  });

  it("says in one line to build, with exit code 1 and no stack trace", async () => {
    const unbuilt = path.join(work, "unbuilt");
    cpSync(path.join(root, "bin"), path.join(unbuilt, "bin"), { recursive: true });
    const result = await run(path.join(unbuilt, "bin/proxy-ix.js"), ["--version"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      `proxy-ix: ${path.join(unbuilt, "dist/bundle/cli.cjs")} is missing: run \`npm run build\` first\n`,
    );
  });
});

describe("what a short command loads", () => {
  // Each of these costs milliseconds of start-up (docs/performance.md). Not node:net: node itself loads
  // it for a stdout that is a pipe, as here; not node:crypto: bin/proxy-ix.js checks the cache with it.
  const heavy = ["http", "https", "tls", "http2", "dns", "zlib", "v8", "child_process"];

  it("--version and --help load no network, compression, V8 or process modules", async () => {
    for (const args of [["--version"], ["--help"], ["list", "--help"]]) {
      const result = await run(BIN, args);
      expect(result.code).toBe(0);
      expect(result.builtins.filter((name) => heavy.includes(name))).toEqual([]);
    }
  });

  it("list of one page loads HTTP but not got's unused HTTP/2 and DNS-cache packages", async () => {
    const { args, env } = await oneSessionList();
    const result = await run(BIN, args, { env });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toHaveLength(5);
    expect(result.builtins).toContain("http");
    // http2 (http2-wrapper), dns (cacheable-lookup), v8 (only for a listing of many pages).
    expect(result.builtins.filter((name) => ["http2", "dns", "v8", "child_process"].includes(name))).toEqual(
      [],
    );
  });
});
