import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { DEFAULT_CREDENTIALS } from "../../src/emulator/index.js";
import { main } from "../../src/emulator/main.js";
import type { Json } from "./helpers.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const bin = path.join(repoRoot, "bin/proxy-ix-emulator.js");

/** Spawns the built program (npm test builds dist first) and collects its output. */
function spawnEmulator(args: string[]) {
  const child: ChildProcess = spawn(process.execPath, [bin, ...args], {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (s: string) => {
    stdout += s;
  });
  child.stderr?.setEncoding("utf8").on("data", (s: string) => {
    stderr += s;
  });
  const exited = once(child, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
  const firstLine = new Promise<string>((resolve, reject) => {
    const check = () => {
      const end = stdout.indexOf("\n");
      if (end >= 0) resolve(stdout.slice(0, end));
    };
    child.stdout?.on("data", check);
    exited.then(() => reject(new Error(`exited before printing a URL; stderr: ${stderr}`)));
  });
  // A run that is expected to fail never awaits firstLine; its rejection is not an error then.
  firstLine.catch(() => {});
  return { child, firstLine, exited, output: () => ({ stdout, stderr }) };
}

describe("the proxy-ix-emulator program", () => {
  it.each(["SIGTERM", "SIGINT"] as const)(
    "prints only its base URL as the first stdout line, serves, and exits 0 on %s",
    async (signal) => {
      const run = spawnEmulator(["--port", "0", "--interactions", "5"]);
      const url = await run.firstLine;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const state = await fetch(`${url}/__emulator/state`);
      expect(((await state.json()) as Json).counts.interactions).toBe(15);
      const auth = `Basic ${Buffer.from(`${DEFAULT_CREDENTIALS.accountSid}:${DEFAULT_CREDENTIALS.authToken}`).toString("base64")}`;
      expect((await fetch(`${url}/v1/Services`, { headers: { authorization: auth } })).status).toBe(200);
      run.child.kill(signal);
      const [code] = await run.exited;
      expect(code).toBe(0);
      const { stdout, stderr } = run.output();
      expect(stdout).toBe(`${url}\n`);
      for (const secret of Object.values(DEFAULT_CREDENTIALS)) expect(stderr).toContain(secret);
    },
  );

  it("exits 2 on a bad flag, naming it, with nothing on stdout", async () => {
    const run = spawnEmulator(["--fail-rate", "2"]);
    const [code] = await run.exited;
    expect(code).toBe(2);
    expect(run.output().stdout).toBe("");
    expect(run.output().stderr).toMatch(/--fail-rate must be a number from 0 to 1/);
  });
});

describe("main() in-process", () => {
  function io(stopped: Promise<unknown> = Promise.resolve()) {
    const out: string[] = [];
    const err: string[] = [];
    return {
      stdout: { write: (s: string) => out.push(s) > 0 },
      stderr: { write: (s: string) => err.push(s) > 0 },
      stopped,
      out,
      err,
    };
  }

  it("applies flags to the emulator it starts", async () => {
    let release: (value?: unknown) => void = () => {};
    const streams = io(new Promise((resolve) => (release = resolve)));
    const running = main(
      [
        "--port",
        "0",
        "--services",
        "2",
        "--sessions",
        "1",
        "--interactions",
        "3",
        "--legal-hold",
        "--retry-after",
        "4",
        "--max-page-size",
        "7",
        "--deleted-anchor",
        "error",
        "--twilio-hosts",
        "--api-retention-days",
        "30",
      ],
      streams,
    );
    for (let i = 0; i < 100 && streams.out.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    const url = streams.out[0]?.trim() ?? "";
    const state = (await (await fetch(`${url}/__emulator/state`)).json()) as Json;
    expect(state.counts).toMatchObject({ services: 2, sessions: 2, interactions: 6 });
    expect(state.faults).toMatchObject({ legalHold: true, retryAfter: 4, maxConcurrency: 0 });
    expect(state.policy).toEqual({
      maxPageSize: 7,
      deletedAnchor: "error",
      twilioHosts: true,
      apiRetentionDays: 30,
    });
    expect(streams.err.join("")).toMatch(/legal hold/);
    expect(streams.err.join("")).toMatch(
      /max page size 7, deleted anchor error, Twilio hosts in bodies, API retention 30 days/,
    );
    release();
    expect(await running).toBe(0);
    expect(streams.out).toEqual([`${url}\n`]);
  });

  it.each([
    [["--port", "abc"], /--port/],
    [["--not-final-rate", "-0.1"], /--not-final-rate/],
    [["--account-sid", "AC123"], /--account-sid/],
    [["--max-page-size", "0"], /--max-page-size must be an integer from 1 to 1000/],
    [["--max-page-size", "1001"], /--max-page-size/],
    [["--deleted-anchor", "skip"], /--deleted-anchor/],
    [["--api-retention-days", "0"], /--api-retention-days must be an integer from 1 to 400/],
    [["--api-retention-days", "401"], /--api-retention-days/],
    [["--services", "1000", "--sessions", "1000", "--interactions", "1000"], /exceeds/],
  ])("exits 2 for %j", async (args, message) => {
    const streams = io();
    await expect(main(args, streams)).resolves.toBe(2);
    expect(streams.out).toEqual([]);
    expect(streams.err.join("")).toMatch(message);
  });

  it("prints help on stdout and exits 0", async () => {
    const streams = io();
    await expect(main(["--help"], streams)).resolves.toBe(0);
    const help = streams.out.join("");
    for (const flag of ["--max-concurrency", "--max-page-size", "--deleted-anchor", "--twilio-hosts"])
      expect(help).toContain(flag);
    expect(help).toContain("--api-retention-days");
  });

  it("starts with the realistic policy by default", async () => {
    let release: (value?: unknown) => void = () => {};
    const streams = io(new Promise((resolve) => (release = resolve)));
    const running = main(["--port", "0"], streams);
    for (let i = 0; i < 100 && streams.out.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    const url = streams.out[0]?.trim() ?? "";
    const state = (await (await fetch(`${url}/__emulator/state`)).json()) as Json;
    expect(state.policy).toEqual({
      maxPageSize: 100,
      deletedAnchor: "empty",
      twilioHosts: false,
      apiRetentionDays: null,
    });
    release();
    expect(await running).toBe(0);
  });
});
