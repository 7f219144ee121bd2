// How bin/proxy-ix.js starts (docs/performance.md): what a short command loads, node's compile cache,
// and the exit guards. Timings are for `npm run bench`; these check what does not depend on the
// machine's speed.
import { spawn } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import module from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN } from "../helpers/cli.js";
import { type Emulator, emulator, envFor, stateOf } from "../helpers/emulator.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const work = mkdtempSync(path.join(tmpdir(), "proxy-ix-startup-"));
const { version } = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { version: string };

let emu: Emulator;
beforeAll(async () => {
  emu = await emulator({ sessions: 1, interactions: 5 });
});
afterAll(async () => {
  await emu.close();
  rmSync(work, { recursive: true, force: true });
});

/**
 * Runs `node bin args` (asynchronously: the emulator answers from this process) and returns stdout,
 * stderr, the exit code and the node built-ins the run loaded.
 */
async function run(bin: string, args: string[], env: Record<string, string | undefined> = {}) {
  const probe = path.join(work, "probe.cjs");
  const list = path.join(work, "loaded.json");
  writeFileSync(
    probe,
    `process.on("exit", () => require("node:fs").writeFileSync(${JSON.stringify(list)}, JSON.stringify(process.moduleLoadList)));`,
  );
  rmSync(list, { force: true });
  const child = spawn(process.execPath, ["-r", probe, bin, ...args], {
    env: { PATH: process.env.PATH ?? "", TMPDIR: path.join(work, "tmp"), ...env },
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

/** A copy of the installed layout (bin/ beside dist/bundle/) in its own folder. */
function installCopy(name: string) {
  const dir = path.join(work, name);
  cpSync(path.join(root, "bin"), path.join(dir, "bin"), { recursive: true });
  cpSync(path.join(root, "dist/bundle"), path.join(dir, "dist/bundle"), { recursive: true });
  return { bin: path.join(dir, "bin/proxy-ix.js"), bundle: path.join(dir, "dist/bundle/cli.cjs") };
}

/** The one-page list of the first seeded Session, as a command line and its environment. */
async function oneSessionList() {
  const session = (await stateOf(emu)).sessions[0];
  return { args: ["list", "--session", session?.sid ?? "", "--json"], env: envFor(emu) };
}

describe("what a short command loads", () => {
  // Each of these costs milliseconds of start-up (docs/performance.md).
  const heavy = ["http", "https", "tls", "http2", "dns", "zlib", "v8", "vm"];

  it("--version and --help load no network, compression or V8 modules", async () => {
    for (const args of [["--version"], ["--help"], ["list", "--help"]]) {
      const result = await run(BIN, args);
      expect(result).toMatchObject({ code: 0, stderr: "" });
      expect(result.builtins.filter((name) => heavy.includes(name))).toEqual([]);
    }
  });

  it("list of one page makes its request through got without got's HTTP/2, DNS-cache or HTTP-cache packages", async () => {
    const { args, env } = await oneSessionList();
    const result = await run(BIN, args, env);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(result.stdout)).toHaveLength(5);
    expect(result.builtins).toContain("http");
    // http2 (http2-wrapper), dns (cacheable-lookup), v8/vm (no run-time V8 settings).
    expect(result.builtins.filter((name) => ["http2", "dns", "v8", "vm"].includes(name))).toEqual([]);
  });
});

describe("node's compile cache", () => {
  const supported = typeof (module as { enableCompileCache?: unknown }).enableCompileCache === "function";

  it(`is ${supported ? "written to node's own directory" : "not used by this node"} (node ${process.version})`, async () => {
    const tmp = path.join(work, "cache-tmp");
    mkdirSync(tmp, { recursive: true });
    expect(await run(BIN, ["--version"], { TMPDIR: tmp })).toMatchObject({
      code: 0,
      stdout: `${version}\n`,
      stderr: "",
    });
    const cache = path.join(tmp, "node-compile-cache");
    expect(existsSync(cache) && readdirSync(cache, { recursive: true }).length > 0).toBe(supported);
  });

  it("that cannot be written is no error", async () => {
    const notADirectory = path.join(work, "a-file");
    writeFileSync(notADirectory, "");
    expect(await run(BIN, ["--version"], { TMPDIR: notADirectory })).toMatchObject({
      code: 0,
      stdout: `${version}\n`,
      stderr: "",
    });
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

  it("that fails to load is not taken for an unbuilt checkout: its own error shows", async () => {
    const copy = installCopy("broken-bundle");
    writeFileSync(copy.bundle, 'require("./not-there.cjs");\n');
    const result = await run(copy.bin, ["--version"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Cannot find module './not-there.cjs'");
    expect(result.stderr).not.toContain("npm run build");
  });
});

describe("an unbuilt checkout", () => {
  it("says in one line to build, with exit code 1 and no stack trace", async () => {
    const unbuilt = path.join(work, "unbuilt");
    cpSync(path.join(root, "bin"), path.join(unbuilt, "bin"), { recursive: true });
    expect(await run(path.join(unbuilt, "bin/proxy-ix.js"), ["--version"])).toMatchObject({
      code: 1,
      stdout: "",
      stderr: `proxy-ix: ${path.join(unbuilt, "dist/bundle/cli.cjs")} is missing: run \`npm run build\` first\n`,
    });
  });
});
