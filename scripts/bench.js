#!/usr/bin/env node
// `npm run bench`: measures proxy-ix as users run it — the real CLI in a child process against the
// bundled emulator on loopback — and prints figures (docs/performance.md). It asserts nothing: shared
// machines are noisy, so targets are read off the table, not enforced in tests.
//
//   npm run bench                 everything (about 5 minutes on 2 cores)
//   npm run bench -- --quick      smaller N, no 100,000 runs, no sequential baseline
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { DEFAULT_FAULTS, startEmulator } from "../dist/emulator/index.js";

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

/** Peak RSS of a child from the kernel's high-water mark (VmHWM), sampled until it exits. */
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

function seed(interactions, faults = {}) {
  emulator.reset({ services: 1, sessions: 1, interactions, notFinalRate: 0, foreignRate: 0 });
  emulator.setFaults({ ...DEFAULT_FAULTS, ...faults });
  return emulator.state().sessions[0].sid;
}

const rows = [];
function record(scenario, n, result, { latency = 0, limitC = 0 } = {}) {
  const { requests } = emulator.state();
  const throttled = requests.by_status["429"] ?? 0;
  const answered = requests.total - throttled;
  const limit = limitC ? (answered * latency) / 1000 / limitC : null;
  let failed = "";
  try {
    const report = JSON.parse(result.stdout);
    failed = report.interactions.failed + report.resources.failed;
  } catch {
    // list scenarios print NDJSON, not a report
  }
  rows.push({
    scenario,
    N: n,
    requests: requests.total,
    "wall s": result.wall.toFixed(2),
    "limit s": limit === null ? "" : limit.toFixed(2),
    efficiency: limit === null ? "" : `${Math.round((100 * limit) / result.wall)}%`,
    "429s": throttled ? `${throttled} (${((100 * throttled) / requests.total).toFixed(1)}%)` : "0",
    failed,
    "peak RSS MB": result.peakMb.toFixed(0),
    exit: result.code,
  });
  process.stderr.write(`  ${scenario} N=${n}: ${result.wall.toFixed(1)} s\n`);
  return rows.at(-1);
}

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

async function listScenario(n) {
  const session = seed(n);
  let pagesAtFirstLine = null;
  const result = await runCli(["list", "--session", session, "--ndjson"], {
    onFirstStdout: () => {
      pagesAtFirstLine = emulator.state().requests.total;
    },
  });
  const row = record("list --ndjson", n, result);
  row.scenario += ` (pages: ${Math.ceil(n / 1000)} expected; 1st line after ${pagesAtFirstLine})`;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function timeOf(args, env = baseEnv) {
  const started = process.hrtime.bigint();
  await new Promise((resolve) =>
    spawn(process.execPath, args, { env, stdio: "ignore" }).on("close", resolve),
  );
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function startup() {
  const session = seed(20);
  const env = { ...baseEnv, PROXY_IX_SERVICE_SID: emulator.state().sessions[0].service_sid };
  const cases = {
    "node -e 0": ["-e", "0"],
    "proxy-ix --version": [bin, "--version"],
    "proxy-ix --help": [bin, "--help"],
    "proxy-ix list --session KC… --json (one page)": [bin, "list", "--session", session, "--json"],
  };
  const times = Object.fromEntries(Object.keys(cases).map((key) => [key, []]));
  const runs = quick ? 9 : 25;
  // Interleaved, so that a burst of noise on the machine hits every case alike.
  for (let i = 0; i < runs; i++) {
    for (const [key, args] of Object.entries(cases)) times[key].push(await timeOf(args, env));
  }
  const base = median(times["node -e 0"]);
  return Object.entries(times).map(([command, values]) => ({
    command,
    "median ms": median(values).toFixed(1),
    "× node -e 0": (median(values) / base).toFixed(2),
    target:
      { "node -e 0": "", "proxy-ix --version": "≤ 1.5", "proxy-ix --help": "≤ 1.5" }[command] ?? "≤ 2.5",
  }));
}

try {
  process.stderr.write(`proxy-ix bench on ${emulator.url} (node ${process.version})\n`);
  const startupRows = await startup();
  await purgeScenario("purge C=25 --concurrency 64 latency 20ms", quick ? 500 : 2000, {
    latency: 20,
    maxConcurrency: 25,
    concurrency: 64,
  });
  if (!quick) {
    await purgeScenario("same, --concurrency 1 (sequential baseline)", 2000, {
      latency: 20,
      maxConcurrency: 25,
      concurrency: 1,
    });
  }
  await purgeScenario("purge C=1 default settings latency 20ms", quick ? 100 : 500, {
    latency: 20,
    maxConcurrency: 1,
  });
  await purgeScenario("purge C=5 default settings latency 20ms", quick ? 200 : 500, {
    latency: 20,
    maxConcurrency: 5,
  });
  for (const n of quick ? [10_000] : [10_000, 100_000]) await listScenario(n);
  for (const n of quick ? [10_000] : [10_000, 100_000])
    await purgeScenario("purge --include-resources (memory)", n, {});

  console.log("\nStart-up (median of interleaved runs)");
  console.table(startupRows);
  console.log("\nThroughput and memory (efficiency = (non-429 requests × latency / C) ÷ wall)");
  console.table(rows);
  const parallel = rows.find((row) => row.scenario.startsWith("purge C=25"));
  const sequential = rows.find((row) => row.scenario.startsWith("same, --concurrency 1"));
  if (parallel && sequential) {
    console.log(
      `Speed-up over the sequential baseline: ${(sequential["wall s"] / parallel["wall s"]).toFixed(1)}×`,
    );
  }
} finally {
  await emulator.close();
}
