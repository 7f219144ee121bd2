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

describe("the V8 code cache", () => {
  it("written by the build, is accepted by this node", () => {
    const result = spawnSync(
      process.execPath,
      [
        "-e",
        `process.stdout.write(String(require(${JSON.stringify(BIN)}).loadCli().script.cachedDataRejected))`,
      ],
      { encoding: "utf8" },
    );
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe("false");
  });

  it("when V8 rejects it (another node, a damaged file), only costs speed", async () => {
    // A copy of the installed layout (bin/ beside dist/bundle/) with a damaged cache.
    cpSync(path.join(root, "bin"), path.join(work, "bin"), { recursive: true });
    cpSync(path.join(root, "dist/bundle"), path.join(work, "dist/bundle"), { recursive: true });
    writeFileSync(path.join(work, "dist/bundle/cli.cjs.v8cache"), Buffer.alloc(4096, 7));
    const copy = path.join(work, "bin/proxy-ix.js");
    const rejected = spawnSync(
      process.execPath,
      [
        "-e",
        `process.stdout.write(String(require(${JSON.stringify(copy)}).loadCli().script.cachedDataRejected))`,
      ],
      { encoding: "utf8" },
    );
    expect(rejected.stdout).toBe("true");

    const damaged = await run(copy, ["--version"]);
    expect(damaged).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: "" });
    // Other V8 flags than the build's: V8 rejects the (intact) cache, and the CLI works as usual.
    const otherFlags = await run(BIN, ["--help"], { nodeArgs: ["--max-semi-space-size=4"] });
    expect(otherFlags.code).toBe(0);
    expect(otherFlags.stdout).toMatch(/^Usage: proxy-ix \[options\] \[command\]/);
    expect(otherFlags.stderr).toBe("");
  });
});

describe("an unbuilt checkout", () => {
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
  // it for a stdout that is a pipe, as here.
  const heavy = ["http", "https", "tls", "http2", "dns", "zlib", "v8", "child_process", "crypto"];

  it("--version and --help load no network, compression, V8 or process modules", async () => {
    for (const args of [["--version"], ["--help"], ["list", "--help"]]) {
      const result = await run(BIN, args);
      expect(result.code).toBe(0);
      expect(result.builtins.filter((name) => heavy.includes(name))).toEqual([]);
    }
  });

  it("list of one page loads HTTP but not got's unused HTTP/2 and DNS-cache packages", async () => {
    const session = (await stateOf(emu)).sessions[0];
    const env = envFor(emu);
    const result = await run(BIN, ["list", "--session", session?.sid ?? "", "--json"], { env });
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
