#!/usr/bin/env node
// @ts-check
// `npm run bench`: measures proxy-ix as users run it — the real CLI in a child process against the
// bundled emulator on loopback — and prints figures (docs/performance.md). It asserts nothing: shared
// machines are noisy, so targets are read off the table, not enforced in tests. The throughput section
// (bench-throughput.js) also runs the same jobs with twilio-node (bench-twilio-node.js), sequential and
// unbounded with autoRetry, on the same seed and faults, and prints them side by side.
//
//   npm run bench                 everything (about 15 minutes on 2 cores: C = 1 at N = 2,000 alone
//                                 takes 4, twilio-node's runs 3)
//   PATH=/path/to/node24/bin:$PATH npm run bench      the same on another node (it runs the CLI on its own node)
//   npm run bench -- --quick      smaller N, no 100,000 runs, no twilio-node (about 2 minutes)
//   npm run bench -- --only=startup    (or --only=throughput, --only=memory) one section
//   npm run bench -- --only=throughput --scenario=purge-5,list-many    some throughput scenarios
//                                 (purge-1, purge-5, purge-25, purge-100, changing, list-many,
//                                 skip-young, cpu)
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import module from "node:module";
import { fileURLToPath } from "node:url";
import { DEFAULT_FAULTS, startEmulator } from "../dist/emulator/index.js";
import { cpuPerRequest, throughput } from "./bench-throughput.js";

const quick = process.argv.includes("--quick");
const bin = fileURLToPath(new URL("../bin/proxy-ix.js", import.meta.url));
const emulator = await startEmulator({
  port: 0,
  services: 1,
  sessions: 1,
  interactions: 20,
  notFinalRate: 0,
});
const baseEnv = {
  PATH: process.env.PATH,
  TWILIO_ACCOUNT_SID: emulator.accountSid,
  TWILIO_AUTH_TOKEN: emulator.authToken,
  PROXY_IX_BASE_URL: emulator.url,
};

/**
 * @typedef {{ code: number | null, stdout: string, stderr: string, wall: number, peakMb: number }} RunResult
 * @typedef {Record<string, string | number>} Row
 */

/**
 * Peak RSS of a child from the kernel's high-water mark (VmHWM), sampled until it exits.
 * @param {import("node:child_process").ChildProcess} child
 */
function peakRssOf(child) {
  let peakKb = 0;
  const sample = () => {
    try {
      const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
      if (match) peakKb = Math.max(peakKb, Number(match[1]));
    } catch {
      // exited between samples
    }
  };
  const timer = setInterval(sample, 10);
  sample();
  return () => {
    clearInterval(timer);
    return peakKb / 1024;
  };
}

/**
 * @param {string[]} args
 * @param {{ onFirstStdout?: () => void }} [options]
 * @returns {Promise<RunResult>}
 */
function runCli(args, { onFirstStdout } = {}) {
  const session = emulator.state().sessions[0];
  const env = { ...baseEnv, PROXY_IX_SERVICE_SID: session?.service_sid };
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [bin, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  const peak = peakRssOf(child);
  let stdout = "";
  let stderr = "";
  let first = true;
  child.stdout.on("data", (chunk) => {
    if (first) {
      first = false;
      onFirstStdout?.();
    }
    // Keep only the tail: list output of 100,000 Interactions is not worth holding here.
    stdout = (stdout + chunk).slice(-200_000);
  });
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve) => {
    child.on("close", (code) => {
      resolve({
        code,
        stdout,
        stderr,
        wall: Number(process.hrtime.bigint() - started) / 1e9,
        peakMb: peak(),
      });
    });
  });
}

/** The first seeded Session. */
function firstSession() {
  const session = emulator.state().sessions[0];
  if (!session) throw new Error("the emulator has no Session");
  return session;
}

/**
 * @param {number} interactions
 * @param {{ latency?: number, maxConcurrency?: number }} [faults]
 */
function seed(interactions, faults = {}) {
  emulator.reset({ services: 1, sessions: 1, interactions, notFinalRate: 0, foreignRate: 0 });
  emulator.setFaults({ ...DEFAULT_FAULTS, ...faults });
  return firstSession().sid;
}

/** @type {Row[]} */
const rows = [];
/**
 * @param {string} scenario
 * @param {number} n
 * @param {RunResult} result
 * @param {{ latency?: number, limitC?: number }} [options]
 * @returns {Row}
 */
function record(scenario, n, result, { latency = 0, limitC = 0 } = {}) {
  const { requests } = emulator.state();
  const throttled = /** @type {Record<string, number>} */ (requests.by_status)["429"] ?? 0;
  const answered = requests.total - throttled;
  const limit = limitC ? (answered * latency) / 1000 / limitC : null;
  let failed = "";
  try {
    const report = JSON.parse(result.stdout);
    failed = report.interactions.failed + report.resources.failed;
  } catch {
    // list scenarios print NDJSON, not a report
  }
  /** @type {Row} */
  const row = {
    scenario,
    N: n,
    requests: requests.total,
    "wall s": result.wall.toFixed(2),
    "limit s": limit === null ? "" : limit.toFixed(2),
    efficiency: limit === null ? "" : `${Math.round((100 * limit) / result.wall)}%`,
    "429s": throttled ? `${throttled} (${((100 * throttled) / requests.total).toFixed(1)}%)` : "0",
    failed,
    "peak RSS MB": result.peakMb.toFixed(0),
    exit: String(result.code),
  };
  rows.push(row);
  process.stderr.write(`  ${scenario} N=${n}: ${result.wall.toFixed(1)} s\n`);
  return row;
}

/**
 * @param {string} name
 * @param {number} n
 * @param {{ latency?: number, maxConcurrency?: number, concurrency?: number }} options
 */
async function purgeScenario(name, n, { latency = 0, maxConcurrency = 0, concurrency }) {
  const session = seed(n, { latency, maxConcurrency });
  const args = ["purge", "--session", session, "--include-resources", "--yes", "--json"];
  if (concurrency) args.push("--concurrency", String(concurrency));
  const result = await runCli(args);
  const row = record(name, n, result, { latency, limitC: maxConcurrency });
  const state = emulator.state();
  if (state.counts.orphans !== 0 || state.counts.interactions !== 0)
    row.failed = `${row.failed} LEFT ${state.counts.interactions}`;
  return result;
}

/** @param {number} n */
async function listScenario(n) {
  const session = seed(n);
  /** @type {number | null} */
  let pagesAtFirstLine = null;
  const result = await runCli(["list", "--session", session, "--ndjson"], {
    onFirstStdout: () => {
      pagesAtFirstLine = emulator.state().requests.total;
    },
  });
  const row = record("list --ndjson", n, result);
  row.scenario += ` (pages: ${Math.ceil(n / 1000)} expected; 1st line after ${pagesAtFirstLine})`;
}

/** @param {number[]} values */
function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/**
 * @param {string[]} args
 * @param {NodeJS.ProcessEnv} env
 */
async function timeOf(args, env) {
  const started = process.hrtime.bigint();
  await new Promise((resolve) =>
    spawn(process.execPath, args, { env, stdio: "ignore" }).on("close", resolve),
  );
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/** Targets of start-up, as a ratio to `node -e 0` on the same node (docs/performance.md). */
const STARTUP_TARGETS = { "proxy-ix --version": 1.7, "proxy-ix list (one page)": 3.3 };
/** Peak RSS at 100,000 Interactions at most this much above the same run at 10,000. */
const FLAT_MEMORY = 1.15;

async function startup() {
  const session = seed(20);
  const env = { ...baseEnv, PROXY_IX_SERVICE_SID: firstSession().service_sid };
  /** @type {Record<string, string[]>} */
  const cases = {
    "node -e 0": ["-e", "0"],
    "proxy-ix --version": [bin, "--version"],
    "proxy-ix --help": [bin, "--help"],
    "proxy-ix list (one page)": [bin, "list", "--session", session, "--json"],
  };
  // One run of each first: node's compile cache (node 22.1+) is then warm, as for a cron job's runs.
  for (const args of Object.values(cases)) await timeOf(args, env);
  /** @type {Record<string, number[]>} */
  const times = Object.fromEntries(Object.keys(cases).map((key) => [key, []]));
  const runs = quick ? 9 : 20;
  // Interleaved, so that a burst of noise on the machine hits every case alike.
  for (let i = 0; i < runs; i++) {
    for (const [key, args] of Object.entries(cases)) times[key]?.push(await timeOf(args, env));
  }
  const base = median(times["node -e 0"] ?? []);
  return Object.entries(times).map(([command, values]) => {
    const ratio = median(values) / base;
    const target = STARTUP_TARGETS[/** @type {keyof typeof STARTUP_TARGETS} */ (command)];
    return {
      command,
      "median ms": median(values).toFixed(1),
      "spread ms (p10–p90)": `${percentile(values, 0.1).toFixed(1)}–${percentile(values, 0.9).toFixed(1)}`,
      "× node -e 0": ratio.toFixed(2),
      target: target ? `≤ ${target}: ${ratio <= target ? "met" : "NOT met"}` : "",
    };
  });
}

/**
 * @param {number[]} values
 * @param {number} p
 */
function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;
}

/** Peak RSS at the largest N against the smallest, for each memory scenario. */
function memoryRatios() {
  return ["list --ndjson", "purge --include-resources (memory)"].flatMap((scenario) => {
    const runs = rows.filter((row) => String(row.scenario).startsWith(scenario));
    const small = runs.find((row) => row.N === 10_000);
    const large = runs.find((row) => row.N === 100_000);
    if (!small || !large) return [];
    const ratio = Number(large["peak RSS MB"]) / Number(small["peak RSS MB"]);
    return [
      {
        scenario,
        "10,000 MB": small["peak RSS MB"],
        "100,000 MB": large["peak RSS MB"],
        "100k ÷ 10k": ratio.toFixed(2),
        target: `≤ ${FLAT_MEMORY}: ${ratio <= FLAT_MEMORY ? "met" : "NOT met"}`,
      },
    ];
  });
}

const only = process.argv.find((arg) => arg.startsWith("--only="))?.slice("--only=".length);
const compileCache =
  typeof (/** @type {{ enableCompileCache?: unknown }} */ (module).enableCompileCache) === "function";
try {
  process.stderr.write(
    `proxy-ix bench on ${emulator.url} (node ${process.version}, compile cache ${compileCache ? "on" : "not in this node"})\n`,
  );
  const startupRows = only === undefined || only === "startup" ? await startup() : [];
  /** @type {Record<string, string | number>[]} */
  let throughputRows = [];
  /** @type {Record<string, string | number> | null} */
  let cpu = null;
  /** @type {Record<string, string | number>[]} */
  const versus = [];
  if (only === undefined || only === "throughput") {
    const scenarios = (process.argv.find((arg) => arg.startsWith("--scenario="))?.slice(11) ?? "")
      .split(",")
      .filter(Boolean);
    const env = { ...baseEnv, TWILIO_NODE_ORIGIN: emulator.url };
    const bench = { emulator, bin, env, quick, scenarios, versus };
    throughputRows = await throughput(bench);
    if (scenarios.length === 0 || scenarios.includes("cpu")) cpu = await cpuPerRequest(bench);
  }
  if (only === undefined || only === "memory") {
    for (const n of quick ? [10_000] : [10_000, 100_000]) await listScenario(n);
    for (const n of quick ? [10_000] : [10_000, 100_000])
      await purgeScenario("purge --include-resources (memory)", n, {});
  }

  if (startupRows.length > 0) {
    console.log(`\nStart-up (median of ${quick ? 9 : 20} interleaved runs, node ${process.version})`);
    console.table(startupRows);
  }
  if (throughputRows.length > 0) {
    console.log(
      "\nThroughput at an account's limit C, default settings (efficiency = (non-429 requests × latency ÷ C) ÷ wall)",
    );
    console.table(throughputRows);
  }
  if (versus.length > 0) {
    console.log(
      "\nAgainst twilio-node (scripts/bench-twilio-node.js: sequential, and unbounded with autoRetry), same seed and faults",
    );
    console.table(versus);
  }
  if (cpu) {
    console.log("\nCPU per request");
    console.table([cpu]);
  }
  if (rows.length > 0) {
    console.log("\nMemory");
    console.table(rows);
  }
  const ratios = memoryRatios();
  if (ratios.length > 0) {
    console.log("\nMemory flat in N (peak RSS)");
    console.table(ratios);
  }
} finally {
  await emulator.close();
}
