#!/usr/bin/env node
// @ts-check
// `npm run demo`: a tour of the real proxy-ix CLI against the bundled emulator, on a free loopback port.
// No Twilio account needed. Each command is printed before its output, as a user would type it.
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startEmulator } from "../dist/emulator/index.js";

const bin = fileURLToPath(new URL("../bin/proxy-ix.js", import.meta.url));
const emulator = await startEmulator({ port: 0, services: 1, sessions: 3, interactions: 20, randomSeed: 7 });
const env = {
  ...process.env,
  TWILIO_ACCOUNT_SID: emulator.accountSid,
  TWILIO_AUTH_TOKEN: emulator.authToken,
  PROXY_IX_BASE_URL: emulator.url,
  // Tables rather than tab-separated lines, even though the demo pipes each command's output.
  PROXY_IX_FORCE_TTY: "1",
};

/** @param {string} text */
function say(text) {
  process.stdout.write(`\n\x1b[1m# ${text}\x1b[0m\n`);
}

/**
 * @param {string[]} args
 * @returns {Promise<number | null>} the exit code
 */
function run(args) {
  process.stdout.write(`\x1b[36m$ proxy-ix ${args.join(" ")}\x1b[0m\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env, stdio: ["ignore", "inherit", "inherit"] });
    child.on("error", reject);
    child.on("close", (code) => resolve(code));
  });
}

/** @returns {Promise<import("../src/emulator/index.js").EmulatorState>} */
async function state() {
  return /** @type {Promise<import("../src/emulator/index.js").EmulatorState>} */ (
    (await fetch(`${emulator.url}/__emulator/state`)).json()
  );
}

/** @param {import("../src/emulator/index.js").EmulatorState} s */
function kinds(s) {
  const c = s.counts;
  return `messages ${c.messages}, media ${c.media}, calls ${c.calls}, recordings ${c.recordings}, transcriptions ${c.transcriptions}`;
}

let failed = false;
const dir = await mkdtemp(join(tmpdir(), "proxy-ix-demo-"));
const exportFile = join(dir, "erased.ndjson");
try {
  process.stdout.write(`proxy-ix demo: emulator at ${emulator.url}, for the length of the demo\n`);
  const { sessions } = await state();
  const session = sessions[0]?.sid ?? "";

  say("Where an audit starts: the Sessions of the Service");
  failed ||= (await run(["sessions"])) !== 0;

  say("The Interactions of one Session (message bodies are never shown by default)");
  failed ||= (await run(["list", "--session", session, "--limit", "8"])) !== 0;

  /** @type {Array<{ sid: string }>} */
  const list = await new Promise((resolve) => {
    let out = "";
    const child = spawn(
      process.execPath,
      [bin, "list", "--session", session, "--type", "message", "--limit", "1", "--json"],
      {
        env: { ...env, PROXY_IX_FORCE_TTY: "" },
      },
    );
    child.stdout.on("data", (chunk) => {
      out += chunk;
    });
    child.on("close", () => resolve(JSON.parse(out)));
  });
  say("One Interaction in full");
  failed ||= (await run(["fetch", list[0]?.sid ?? "", "--session", session])) !== 0;

  say("How much personal data the Service holds, where, and how old: proxy-ix report");
  failed ||= (await run(["report"])) !== 0;

  say(
    "What a purge would delete: Messages and Calls, and the Media, Recordings and Transcriptions under them",
  );
  failed ||= (await run(["purge", "--all-sessions", "--include-resources", "--dry-run"])) !== 0;

  const before = await state();
  say("In the account before the purge (from the emulator)");
  process.stdout.write(`${kinds(before)}\n`);

  say(
    "The purge: Media before their Message, Transcriptions before their Recording before its Call, each Interaction last; an audit trail with no personal data",
  );
  /** The retention run, as cron would run it: every kind erased, emptied Sessions deleted, an audit trail. */
  const purgeAll = (/** @type {string[]} */ ...extra) =>
    run([
      "purge",
      "--all-sessions",
      "--include-resources",
      "--delete-sessions",
      ...extra,
      "--yes",
      "--export",
      exportFile,
    ]);
  failed ||= (await purgeAll()) !== 0;

  say("One line of the audit trail (export format v2: SIDs, kinds, dates; no bodies, no phone numbers)");
  const trail = (await readFile(exportFile, "utf8")).split("\n").filter(Boolean);
  const deep = trail.find((line) => line.includes('"kind":"media"') || line.includes('"kind":"recording"'));
  process.stdout.write(`${deep ?? trail[0] ?? ""}\n(${trail.length} lines in ${exportFile})\n`);

  say(
    "What is left: Interactions whose Message, Call or Recording is not finalized yet (deferred to a later run)",
  );
  failed ||= (await run(["list", "--all-sessions"])) !== 0;

  say("The next night, once those are final, the same run erases the rest (and their emptied Sessions)");
  emulator.finalizeAll();
  // Here every Session goes, open ones included: the demo's account is being emptied.
  failed ||= (await purgeAll("--session-status", "closed,failed,open,in-progress")) !== 0;

  say("The proof: every Interaction, resource, Session and Participant in the audit trail is gone");
  failed ||= (await run(["verify", exportFile])) !== 0;

  say(
    "What earlier deletions left behind: Messages and Calls through the Service's numbers that nothing links to",
  );
  failed ||= (await run(["orphans"])) !== 0;

  const after = await state();
  say("In the account after the purge, and the orphans of every kind (resources nothing leads to any more)");
  process.stdout.write(`${kinds(after)}\n`);
  process.stdout.write(`orphans: ${after.counts.orphans} ${JSON.stringify(after.orphans_by_kind)}\n`);
  failed ||= after.counts.orphans !== 0;
  failed ||= after.counts.media >= before.counts.media || after.counts.recordings >= before.counts.recordings;
} finally {
  await emulator.close();
  await rm(dir, { recursive: true, force: true });
}
// The demo's emulator is gone now: the hint is how to start one that stays.
process.stdout.write(
  "\nTo try it yourself, start an emulator that stays (it prints the variables to export), in another terminal:\n" +
    "  node bin/proxy-ix-emulator.js --port 4010\n" +
    "then, with those variables set: node bin/proxy-ix.js sessions (or proxy-ix sessions once installed)\n",
);
process.exitCode = failed ? 1 : 0;
