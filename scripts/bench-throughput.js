// @ts-check
// The throughput section of `npm run bench` (issue #15's targets, docs/performance.md): proxy-ix with
// its default settings against the emulator at an account's concurrency limit C with a realistic
// latency. Efficiency = (requests answered without a 429 × latency ÷ C) ÷ wall time: 1 means the run kept
// the account's limit busy from its first to its last request. Wall times include the CLI's start-up
// ("start-up s": spawn to its first request). In a full run each purge and the list scenario are also
// run with twilio-node (bench-twilio-node.js) on the same seed and faults.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { DEFAULT_FAULTS } from "../dist/emulator/index.js";

const TWILIO_NODE = fileURLToPath(new URL("./bench-twilio-node.js", import.meta.url));

/** The emulator's latency while the limit changes (see changingLimit). */
const CHANGING_LATENCY = 50;

/**
 * @typedef {Awaited<ReturnType<typeof import("../dist/emulator/index.js").startEmulator>>} Emulator
 * @typedef {{ emulator: Emulator, bin: string, env: NodeJS.ProcessEnv, quick: boolean, scenarios: string[], versus: Row[] }} Bench
 * @typedef {Record<string, string | number>} Row
 */

/**
 * Runs the CLI (or another script) and measures its wall time and CPU time (user + system, from the
 * shell's `times`).
 * @param {Bench} bench
 * @param {string[]} args
 * @param {string} script
 */
function run(bench, args, script = bench.bin) {
  const started = process.hrtime.bigint();
  // When the first API request reaches the emulator: the CLI's own start-up (node, modules, config)
  // is part of every wall time below, and this says how much.
  const before = bench.emulator.state().requests.total;
  /** @type {number | null} */
  let firstRequest = null;
  const watch = setInterval(() => {
    if (bench.emulator.state().requests.total > before) {
      firstRequest = Number(process.hrtime.bigint() - started) / 1e9;
      clearInterval(watch);
    }
  }, 2);
  const quoted = [process.execPath, script, ...args].map((word) => `'${word}'`).join(" ");
  // `times` prints the shell's and then its children's user and system time: the second line is proxy-ix's.
  const child = spawn("/bin/sh", ["-c", `${quoted}; code=$?; times >&2; exit $code`], {
    env: bench.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  let lines = 0;
  // The emulator shares this process's event loop: reading the child's output must cost it little.
  child.stdout.on("data", (/** @type {Buffer} */ chunk) => {
    if (stdout.length < 1_000_000) stdout += chunk;
    for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines++;
  });
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve) => {
    child.on("close", (code) => {
      clearInterval(watch);
      const times = stderr.trim().split("\n").at(-1) ?? "";
      const cpu = [...times.matchAll(/(\d+)m([\d.]+)s/g)].reduce(
        (sum, match) => sum + Number(match[1]) * 60 + Number(match[2]),
        0,
      );
      const wall = Number(process.hrtime.bigint() - started) / 1e9;
      resolve({ code, stdout, lines, wall, cpu, firstRequest: firstRequest ?? wall });
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
 * purge --include-resources with default settings at an account limit C, then (in a full run) the same
 * job with twilio-node, sequential and unbounded + autoRetry, on the same seed and faults.
 * @param {Bench} bench
 * @param {number} n
 * @param {number} limit
 * @param {number} latency
 * @returns {Promise<Row>}
 */
async function purgeAt(bench, n, limit, latency) {
  const session = reseed(bench, { sessions: 1, interactions: n }, { latency, maxConcurrency: limit });
  const result = await run(bench, ["purge", "--session", session, "--include-resources", "--yes", "--json"]);
  let failed = "?";
  try {
    const report = JSON.parse(result.stdout);
    failed = String(report.interactions.failed + report.resources.failed);
  } catch {
    // no report: the exit code says why
  }
  const row = purgeRow(bench, n, limit, latency, result, failed);
  const share = requestsOf(bench.emulator).throttled / Number(row.requests);
  if (!bench.quick) {
    bench.versus.push(versusRow(row, "proxy-ix"));
    // Sequential costs C × the time proxy-ix takes: a smaller N (about 12 s of requests) gives the
    // same efficiency; "s per 1,000" compares the clients at any N.
    const sequentialN = Math.min(n, Math.round(4000 / latency));
    for (const [style, size] of /** @type {const} */ ([
      ["sequential", sequentialN],
      ["unbounded", n],
    ])) {
      const sid = reseed(bench, { sessions: 1, interactions: size }, { latency, maxConcurrency: limit });
      const service = bench.env.PROXY_IX_SERVICE_SID ?? "";
      const other = await run(bench, ["purge", style, service, sid], TWILIO_NODE);
      const outcome = /** @type {{ failed?: number }} */ (parseJson(other.stdout) ?? {});
      const failures = String(outcome.failed ?? "?");
      bench.versus.push(
        versusRow(purgeRow(bench, size, limit, latency, other, failures), `twilio-node ${style}`),
      );
    }
  }
  return {
    ...row,
    target:
      Number.parseFloat(String(row.efficiency)) >= 80 && share < 0.05 && failed === "0" ? "met" : "NOT met",
  };
}

/** @param {string} text */
function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * A row of the side-by-side table: the same figures, and which client made them.
 * @param {Row} row
 * @param {string} client
 * @returns {Row}
 */
function versusRow(row, client) {
  return { scenario: row.scenario ?? "", client, ...row };
}

/**
 * @param {Bench} bench
 * @param {number} n
 * @param {number} limit
 * @param {number} latency
 * @param {{ wall: number, cpu: number, firstRequest: number }} result
 * @param {string} failed
 * @returns {Row}
 */
function purgeRow(bench, n, limit, latency, result, failed) {
  const requests = requestsOf(bench.emulator);
  const state = bench.emulator.state();
  const ideal = (requests.answered * latency) / 1000 / limit;
  const share = requests.throttled / requests.total;
  const orphans = state.orphans_by_kind;
  return {
    scenario: `purge C=${limit} latency ${latency} ms`,
    N: n,
    requests: requests.total,
    "wall s": result.wall.toFixed(2),
    "s per 1,000": ((1000 * result.wall) / n).toFixed(1),
    "start-up s": result.firstRequest.toFixed(2),
    "ideal s": ideal.toFixed(2),
    efficiency: `${Math.round((100 * ideal) / result.wall)}%`,
    "429s": `${requests.throttled} (${(100 * share).toFixed(1)}%)`,
    failed,
    left: `${state.counts.interactions} Interactions, ${state.counts.orphans} orphans${
      state.counts.orphans > 0
        ? ` (${Object.entries(orphans)
            .filter(([, count]) => count > 0)
            .map(([kind, count]) => `${count} ${kind}`)
            .join(", ")})`
        : ""
    }`,
    "CPU ms/request": ((1000 * result.cpu) / requests.total).toFixed(2),
  };
}

/**
 * The account's limit changes mid-run: 50, then 5 from 6 s, then 50 again from 14 s (from the CLI's
 * spawn). Throughput is sampled every 250 ms; "reached" is how long after each change a one-second
 * window's throughput first reaches 70% of the new limit (target: within 5 s), and the 429 share is over
 * the whole run (< 10%). At the limit of 50 the machine itself may be the bottleneck (2 cores for the CLI
 * and the emulator): the best one-second throughput before the drop shows what it can do at all.
 * @param {Bench} bench
 * @returns {Promise<Row>}
 */
async function changingLimit(bench) {
  const latency = CHANGING_LATENCY;
  const session = reseed(
    bench,
    { sessions: 1, interactions: bench.quick ? 3000 : 4000 },
    { latency, maxConcurrency: 50 },
  );
  /** @type {{ t: number, answered: number }[]} */
  const samples = [{ t: 0, answered: 0 }];
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
  /** Requests per second over the second that ends with each sample. */
  const windows = samples.flatMap((sample) => {
    // The last sample at least a second earlier (timers fire late on a busy machine).
    const before = samples.findLast((other) => other.t <= sample.t - 1);
    const rate = before && (sample.answered - before.answered) / (sample.t - before.t);
    return before ? [{ start: before.t, t: sample.t, rate: Number(rate) }] : [];
  });
  /** The best one-second window wholly within [from, to]. @param {number} from @param {number} to */
  const best = (from, to) =>
    Math.max(0, ...windows.filter((w) => w.start >= from && w.t <= to).map((w) => w.rate));
  /**
   * Seconds after `from` until a window (wholly after `from`) reaches 70% of `limit`; null if never
   * within the next 5 s; undefined if the run ended before those 5 s were over.
   * @param {number} from @param {number} limit
   */
  const reached = (from, limit) => {
    const wanted = (0.7 * limit * 1000) / latency;
    const hit = windows.find((w) => w.start >= from && w.t <= from + 5 && w.rate >= wanted);
    if (hit) return hit.t - from;
    return result.wall < from + 5 ? undefined : null;
  };
  /** @param {number | null | undefined} seconds @param {number} from @param {number} limit */
  const show = (seconds, from, limit) => {
    const rate = best(from, from + 5);
    const of = `best ${Math.round(rate)}/s = ${Math.round((100 * rate * latency) / 1000 / limit)}% of ${limit}`;
    if (seconds === undefined) return `run ended first (${of})`;
    return seconds === null ? `not within 5 s (${of})` : `${seconds.toFixed(1)} s (${of})`;
  };
  const down = reached(6, 5);
  const up = reached(14, 50);
  const share = requests.throttled / requests.total;
  const machine = best(0, 6);
  process.stderr.write(
    `    requests/s by second: ${windows
      .filter((_, i) => i % 4 === 3)
      .map((w) => Math.round(w.rate))
      .join(" ")}\n`,
  );
  return {
    scenario: `purge, limit 50 → 5 at 6 s → 50 at 14 s, latency ${latency} ms`,
    requests: requests.total,
    "wall s": result.wall.toFixed(2),
    "429s": `${requests.throttled} (${(100 * share).toFixed(1)}%)`,
    "before the drop": `best ${Math.round(machine)}/s = ${Math.round((100 * machine * latency) / 1000 / 50)}% of 50`,
    "70% of 5 after": show(down, 6, 5),
    "70% of 50 after": show(up, 14, 50),
    target:
      down === undefined || up === undefined
        ? "not judged"
        : share < 0.1 && down !== null && up !== null
          ? "met"
          : "NOT met",
  };
}

/**
 * list --all-sessions over many small Sessions: wall against (Session pages + Interaction pages) ×
 * latency ÷ C. The CLI's start-up (spawn to its first request) is part of the wall and shown apart.
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
  const { lines } = result;
  if (!bench.quick) {
    bench.versus.push(versusRow(listRow(result, requests, ideal), "proxy-ix"));
    for (const style of ["sequential", "unbounded"]) {
      reseed(bench, { sessions, interactions: perSession }, { latency, maxConcurrency: limit });
      const service = bench.env.PROXY_IX_SERVICE_SID ?? "";
      const other = await run(bench, ["list", style, service], TWILIO_NODE);
      bench.versus.push(versusRow(listRow(other, requestsOf(bench.emulator), ideal), `twilio-node ${style}`));
    }
  }
  return {
    scenario: `list --all-sessions, ${sessions} Sessions × ${perSession}, C=${limit}, latency ${latency} ms`,
    requests: requests.total,
    "wall s": result.wall.toFixed(2),
    "ideal s": ideal.toFixed(2),
    "wall ÷ ideal": (result.wall / ideal).toFixed(2),
    "start-up s": result.firstRequest.toFixed(2),
    "429s": String(requests.throttled),
    left: `${lines} lines listed`,
    target: result.wall <= 1.5 * ideal && lines === sessions * perSession ? "met" : "NOT met",
  };
}

/**
 * @param {{ wall: number, lines: number, firstRequest: number }} result
 * @param {{ total: number, throttled: number }} requests
 * @param {number} ideal
 * @returns {Row}
 */
function listRow(result, requests, ideal) {
  return {
    scenario: "list --all-sessions, 200 Sessions × 5, C=25, latency 100 ms",
    requests: requests.total,
    "wall s": result.wall.toFixed(2),
    "start-up s": result.firstRequest.toFixed(2),
    "ideal s": ideal.toFixed(2),
    "wall ÷ ideal": (result.wall / ideal).toFixed(2),
    "429s": String(requests.throttled),
    left: `${result.lines} lines listed`,
  };
}

/**
 * --all-sessions --until T where 90% of the Service's Sessions were created at or after T: those are
 * never read. The emulator seeds every Session just before its 90-day window of Interactions (so none
 * is younger than 30 days), so T is the instant that leaves 10% of the seeded Sessions older, as
 * `--until 30d` does on an account whose Sessions are 90% younger than 30 days. Requests are checked
 * against the lower bound: the Session pages, plus one Interaction page for each older Session (each
 * holds fewer than a page).
 * @param {Bench} bench
 * @returns {Promise<Row>}
 */
async function skipYoung(bench) {
  reseed(bench, { sessions: 300, interactions: 3 }, {});
  /** @type {{ date_created: string }[]} */
  const sessions = bench.emulator.store.listSessions();
  const created = sessions.map((session) => Date.parse(session.date_created)).sort((a, b) => a - b);
  const oldShare = 0.1;
  const until = created[Math.round(created.length * oldShare)] ?? 0;
  const old = created.filter((/** @type {number} */ time) => time < until).length;
  const before = requestsOf(bench.emulator).total;
  const result = await run(bench, [
    "list",
    "--all-sessions",
    "--until",
    new Date(until).toISOString(),
    "--ndjson",
  ]);
  const sent = requestsOf(bench.emulator).total - before;
  const bound = Math.ceil(sessions.length / 100) + old;
  return {
    scenario: `list --all-sessions --until T, ${sessions.length} Sessions, ${old} created before T`,
    requests: sent,
    "lower bound": bound,
    "wall s": result.wall.toFixed(2),
    target: result.code === 0 && sent <= bound ? "met" : "NOT met",
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
  /** @type {[string, () => Promise<Row>][]} */
  const scenarios = [
    ["purge-1", () => purgeAt(bench, bench.quick ? 100 : n, 1, 20)],
    ["purge-5", () => purgeAt(bench, n, 5, 20)],
    ["purge-25", () => purgeAt(bench, n, 25, 50)],
    ["purge-100", () => purgeAt(bench, n, 100, 150)],
    ["changing", () => changingLimit(bench)],
    ["list-many", () => listMany(bench)],
    ["skip-young", () => skipYoung(bench)],
  ];
  for (const [name, scenario] of scenarios) {
    if (bench.scenarios.length === 0 || bench.scenarios.includes(name)) say(await scenario());
  }
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
