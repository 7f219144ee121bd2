#!/usr/bin/env node
// Measures the emulator's throughput on loopback: the program runs in its own process (as a user runs
// it) and this script drives it over keep-alive connections. Bounded in requests and time; prints
// figures, asserts nothing. Needs `npm run build` first.
//
//   node scripts/emulator-throughput.js [--requests 20000] [--concurrency 16]
import { spawn } from "node:child_process";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const REQUESTS = flag("requests", 20_000);
const CONCURRENCY = flag("concurrency", 16);
const INTERACTIONS = 100_000;
const DEADLINE = Date.now() + 120_000;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const child = spawn(
  process.execPath,
  [
    path.join(root, "bin/proxy-ix-emulator.js"),
    "--port",
    "0",
    "--sessions",
    "1",
    "--interactions",
    String(INTERACTIONS),
  ],
  // Its stderr (credentials, seed summary) would interleave with the figures; the URL on stdout is enough.
  { stdio: ["ignore", "pipe", "ignore"] },
);
const url = await new Promise((resolve, reject) => {
  let out = "";
  child.stdout.setEncoding("utf8").on("data", (s) => {
    out += s;
    if (out.includes("\n")) resolve(out.split("\n")[0]);
  });
  child.once("exit", (code) => reject(new Error(`emulator exited (${code}) before printing its URL`)));
});

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
const state = async () => JSON.parse((await request("GET", "/__emulator/state", false)).body);
// The program's default credentials (it prints them on stderr).
const auth = `Basic ${Buffer.from("ACe1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1:0123456789abcdef0123456789abcdef").toString("base64")}`;

function request(method, target, withAuth = true) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      new URL(target, url),
      { method, agent, headers: withAuth ? { authorization: auth } : {} },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString("utf8") }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end();
  });
}

/** Runs `count` requests from `next(i)` with CONCURRENCY workers; returns requests per second. */
async function drive(label, count, next) {
  let issued = 0;
  const statuses = {};
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (issued < count && Date.now() < DEADLINE) {
        const [method, target] = next(issued++);
        const { status } = await request(method, target);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const done = Object.values(statuses).reduce((a, b) => a + b, 0);
  console.log(
    `${label.padEnd(44)} ${String(Math.round(done / seconds)).padStart(7)} req/s  (${done} in ${seconds.toFixed(2)} s, ${JSON.stringify(statuses)})`,
  );
}

try {
  const { sessions } = await state();
  const session = sessions[0];
  const base = `/v1/Services/${session.service_sid}/Sessions/${session.sid}`;
  const firstPage = JSON.parse((await request("GET", `${base}/Interactions?PageSize=100`)).body);
  const sids = firstPage.interactions.map((i) => i.sid);

  await drive("GET one interaction", REQUESTS, (i) => [
    "GET",
    `${base}/Interactions/${sids[i % sids.length]}`,
  ]);
  await drive("GET a page of 50 interactions", REQUESTS / 4, () => ["GET", `${base}/Interactions`]);
  await drive("GET an unknown path (404)", REQUESTS / 4, () => ["GET", "/v1/Nope"]);

  const started = performance.now();
  let next = `${base}/Interactions?PageSize=100`;
  let listed = 0;
  while (next && Date.now() < DEADLINE) {
    const page = JSON.parse((await request("GET", next)).body);
    listed += page.interactions.length;
    next = page.meta.next_page_url;
  }
  console.log(
    `list ${listed} interactions in pages of 100 (the Proxy maximum): ${((performance.now() - started) / 1000).toFixed(2)} s`,
  );

  const all = [];
  next = `${base}/Interactions?PageSize=100`;
  while (next && all.length < 20_000) {
    const page = JSON.parse((await request("GET", next)).body);
    all.push(...page.interactions.map((i) => i.sid));
    next = page.meta.next_page_url;
  }
  await drive("DELETE interactions", all.length, (i) => ["DELETE", `${base}/Interactions/${all[i]}`]);
  const after = await state();
  console.log(
    `state after: ${after.counts.interactions} interactions, ${after.requests.total} API requests counted, max in flight ${after.requests.max_in_flight}`,
  );
} finally {
  agent.destroy();
  child.kill("SIGTERM");
}
