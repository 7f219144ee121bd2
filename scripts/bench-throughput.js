// @ts-check
// The throughput section of `npm run bench` (issue #15's targets, docs/performance.md): proxy-ix with
// its default settings against the emulator at an account's concurrency limit C with a realistic
// latency. Efficiency = (requests answered without a 429 × latency ÷ C) ÷ wall time: 1 means the run kept
// the account's limit busy from its first to its last request.
import { spawn } from "node:child_process";
import { DEFAULT_FAULTS } from "../dist/emulator/index.js";

/**
 * @typedef {Awaited<ReturnType<typeof import("../dist/emulator/index.js").startEmulator>>} Emulator
 * @typedef {{ emulator: Emulator, bin: string, env: NodeJS.ProcessEnv, quick: boolean }} Bench
 * @typedef {Record<string, string | number>} Row
 */

/**
 * Runs the CLI and measures its wall time and CPU time (user + system, from the shell's `times`).
 * @param {Bench} bench
 * @param {string[]} args
 */
function run(bench, args) {
  const started = process.hrtime.bigint();
  const quoted = [process.execPath, bench.bin, ...args].map((word) => `'${word}'`).join(" ");
  // `times` prints the shell's and then its children's user and system time: the second line is proxy-ix's.
  const child = spawn("/bin/sh", ["-c", `${quoted}; code=$?; times >&2; exit $code`], {
    env: bench.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => {
    stdout = (stdout + chunk).slice(-1_000_000);
  });
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve) => {
    child.on("close", (code) => {
      const times = stderr.trim().split("\n").at(-1) ?? "";
      const cpu = [...times.matchAll(/(\d+)m([\d.]+)s/g)].reduce(
        (sum, match) => sum + Number(match[1]) * 60 + Number(match[2]),
        0,
      );
      resolve({ code, stdout, wall: Number(process.hrtime.bigint() - started) / 1e9, cpu });
    });
  });
}

/**
 * @param {Bench} bench
 * @param {Record<string, unknown>} seed
 * @param {Record<string, unknown>} faults
 */
function reseed(bench, seed, faults) {
  bench.emulator.reset(/** @type {never} */ ({ services: 1, notFinalRate: 0, foreignRate: 0, ...seed }));
  bench.emulator.setFaults({ ...DEFAULT_FAULTS, ...faults });
  const session = bench.emulator.state().sessions[0];
  if (!session) throw new Error("no Session seeded");
  bench.env.PROXY_IX_SERVICE_SID = session.service_sid;
  return session.sid;
}

/** @param {Emulator} emulator */
function requestsOf(emulator) {
  const { requests } = emulator.state();
  const throttled = /** @type {Record<string, number>} */ (requests.by_status)["429"] ?? 0;
  return { total: requests.total, throttled, answered: requests.total - throttled };
}

/**
 * purge --include-resources with default settings at an account limit C.
 * @param {Bench} bench
 * @param {number} n
 * @param {number} limit
 * @param {number} latency
 * @returns {Promise<Row>}
 */
async function purgeAt(bench, n, limit, latency) {
  const session = reseed(bench, { sessions: 1, interactions: n }, { latency, maxConcurrency: limit });
  const result = await run(bench, ["purge", "--session", session, "--include-resources", "--yes", "--json"]);
  const requests = requestsOf(bench.emulator);
  const ideal = (requests.answered * latency) / 1000 / limit;
  const state = bench.emulator.state();
  let failed = "?";
  try {
    const report = JSON.parse(result.stdout);
    failed = String(report.interactions.failed + report.resources.failed);
  } catch {
    // no report: the exit code says why
  }
  const efficiency = ideal / result.wall;
  const share = requests.throttled / requests.total;
  return {
    scenario: `purge C=${limit} latency ${latency} ms`,
    N: n,
    requests: requests.total,
    "wall s": result.wall.toFixed(2),
    "ideal s": ideal.toFixed(2),
    efficiency: `${Math.round(100 * efficiency)}%`,
    "429s": `${requests.throttled} (${(100 * share).toFixed(1)}%)`,
    failed,
    left: `${state.counts.interactions} Interactions, ${state.counts.orphans} orphans`,
    "CPU ms/request": ((1000 * result.cpu) / requests.total).toFixed(2),
    target: efficiency >= 0.8 && share < 0.05 && failed === "0" ? "met" : "NOT met",
  };
}

/**
 * The account's limit changes mid-run: 50, then 5 from 6 s, then 50 again from 14 s. Throughput is
 * sampled every 250 ms; "recovery" is how long after each change the last second's throughput first
 * reaches 70% of the new limit (target: within 5 s), and the 429 share is over the whole run (< 10%).
 * @param {Bench} bench
 * @returns {Promise<Row>}
 */
async function changingLimit(bench) {
  const latency = 20;
  const session = reseed(
    bench,
    { sessions: 1, interactions: bench.quick ? 4000 : 7000 },
    { latency, maxConcurrency: 50 },
  );
  /** @type {{ t: number, answered: number }[]} */
  const samples = [];
  const started = Date.now();
  const sampler = setInterval(() => {
    samples.push({ t: (Date.now() - started) / 1000, answered: requestsOf(bench.emulator).answered });
  }, 250);
  const timers = [
    setTimeout(() => bench.emulator.setFaults({ maxConcurrency: 5 }), 6000),
    setTimeout(() => bench.emulator.setFaults({ maxConcurrency: 50 }), 14000),
  ];
  const result = await run(bench, ["purge", "--session", session, "--include-resources", "--yes", "--json"]);
  clearInterval(sampler);
  for (const timer of timers) clearTimeout(timer);
  const requests = requestsOf(bench.emulator);
  /** @param {number} from @param {number} limit */
  const recovery = (from, limit) => {
    const wanted = (0.7 * limit * 1000) / latency;
    for (const sample of samples) {
      if (sample.t < from + 1) continue;
      const before = samples.find((other) => other.t >= sample.t - 1.0001);
      if (before && sample.answered - before.answered >= wanted) return sample.t - from;
    }
    return Number.POSITIVE_INFINITY;
  };
  const down = recovery(6, 5);
  const up = result.wall > 15 ? recovery(14, 50) : Number.NaN;
  const share = requests.throttled / requests.total;
  return {
    scenario: "purge, limit 50 → 5 at 6 s → 50 at 14 s, latency 20 ms",
    requests: requests.total,
    "wall s": result.wall.toFixed(2),
    "429s": `${requests.throttled} (${(100 * share).toFixed(1)}%)`,
    "70% of 5 after": `${down.toFixed(1)} s`,
    "70% of 50 after": Number.isNaN(up) ? "run ended first" : `${up.toFixed(1)} s`,
    target: share < 0.1 && down <= 5 && (Number.isNaN(up) || up <= 5) ? "met" : "NOT met",
  };
}

/**
 * list --all-sessions over many small Sessions: wall against (Session pages + Interaction pages) × latency ÷ C.
 * @param {Bench} bench
 * @returns {Promise<Row>}
 */
async function listMany(bench) {
  const [sessions, perSession, limit, latency] = [200, 5, 25, 100];
  reseed(bench, { sessions, interactions: perSession }, { latency, maxConcurrency: limit });
  const result = await run(bench, ["list", "--all-sessions", "--ndjson"]);
  const requests = requestsOf(bench.emulator);
  const pages = Math.ceil(sessions / 100) + sessions;
  const ideal = (pages * latency) / 1000 / limit;
  return {
    scenario: `list --all-sessions, ${sessions} Sessions × ${perSession}, C=${limit}, latency ${latency} ms`,
    requests: requests.total,
    "wall s": result.wall.toFixed(2),
    "ideal s": ideal.toFixed(2),
    "wall ÷ ideal": (result.wall / ideal).toFixed(2),
    "429s": String(requests.throttled),
    target: result.wall <= 1.5 * ideal ? "met" : "NOT met",
  };
}

/**
 * --all-sessions --until 30d: the Sessions created in the last 30 days are never read. Requests are
 * checked against the lower bound: the Services and Session pages, plus one Interaction page for each
 * Session created before the cut-off (each holds fewer than 100).
 * @param {Bench} bench
 * @returns {Promise<Row>}
 */
async function skipYoung(bench) {
  reseed(bench, { sessions: 300, interactions: 3 }, {});
  const cutoff = Date.now() - 30 * 86_400_000;
  const all = bench.emulator.state().sessions;
  const before = requestsOf(bench.emulator).total;
  const result = await run(bench, ["list", "--all-sessions", "--until", "30d", "--ndjson"]);
  const sent = requestsOf(bench.emulator).total - before;
  // The emulator's own view of each Session's creation, through its API as proxy-ix sees it.
  const auth = Buffer.from(`${bench.emulator.accountSid}:${bench.emulator.authToken}`).toString("base64");
  const service = all[0]?.service_sid;
  const listed = await fetch(`${bench.emulator.url}/v1/Services/${service}/Sessions?PageSize=1000`, {
    headers: { authorization: `Basic ${auth}` },
  }).then((response) => /** @type {Promise<{ sessions: unknown[] }>} */ (response.json()));
  const sessions = /** @type {{ date_created: string }[]} */ (listed.sessions);
  const old = sessions.filter((session) => Date.parse(session.date_created) < cutoff).length;
  const bound = 1 + Math.ceil(sessions.length / 100) + old;
  return {
    scenario: `list --all-sessions --until 30d, ${sessions.length} Sessions, ${old} older than 30 days`,
    requests: sent,
    "lower bound": bound,
    "wall s": result.wall.toFixed(2),
    target: sent <= bound ? "met" : "NOT met",
  };
}

/**
 * @param {Bench} bench
 * @returns {Promise<Row[]>}
 */
export async function throughput(bench) {
  const n = bench.quick ? 300 : 2000;
  /** @type {Row[]} */
  const rows = [];
  const say = (/** @type {Row} */ row) => {
    process.stderr.write(`  ${row.scenario}: ${row["wall s"]} s\n`);
    rows.push(row);
  };
  say(await purgeAt(bench, bench.quick ? 100 : 500, 1, 20));
  say(await purgeAt(bench, n, 5, 20));
  say(await purgeAt(bench, n, 25, 50));
  say(await purgeAt(bench, n, 100, 150));
  say(await changingLimit(bench));
  say(await listMany(bench));
  say(await skipYoung(bench));
  return rows;
}

/**
 * CPU per request of purge at 10,000 Interactions (no latency, no limit): how much of proxy-ix's own
 * time each request costs, got included.
 * @param {Bench} bench
 * @returns {Promise<Row>}
 */
export async function cpuPerRequest(bench) {
  const n = bench.quick ? 2000 : 10_000;
  const session = reseed(bench, { sessions: 1, interactions: n }, {});
  const result = await run(bench, ["purge", "--session", session, "--include-resources", "--yes", "--json"]);
  const requests = requestsOf(bench.emulator);
  return {
    scenario: `purge --include-resources, ${n} Interactions, CPU (user + system) ÷ requests`,
    requests: requests.total,
    "CPU s": result.cpu.toFixed(2),
    "CPU ms/request": ((1000 * result.cpu) / requests.total).toFixed(3),
    "wall s": result.wall.toFixed(2),
  };
}
