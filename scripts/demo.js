#!/usr/bin/env node
// @ts-check
// `npm run demo`: a tour of the real proxy-ix CLI against the bundled emulator, on a free loopback port.
// No Twilio account needed. Each command is printed before its output, as a user would type it.
import { spawn } from "node:child_process";
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

let failed = false;
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

  say("What a purge would delete, Messages and Calls included");
  failed ||= (await run(["purge", "--session", session, "--include-resources", "--dry-run"])) !== 0;

  say("The purge: linked Messages/Calls first, each Interaction only once they are gone");
  failed ||= (await run(["purge", "--session", session, "--include-resources", "--yes"])) !== 0;

  say("What is left: Interactions whose Message or Call is not finalized yet (deferred to a later run)");
  failed ||= (await run(["list", "--session", session])) !== 0;

  const after = await state();
  say("Orphaned Messages/Calls (resources whose Interaction is gone), from the emulator");
  process.stdout.write(`orphans: ${after.counts.orphans}\n`);
  failed ||= after.counts.orphans !== 0;
} finally {
  await emulator.close();
}
// The demo's emulator is gone now: the hint is how to start one that stays.
process.stdout.write(
  "\nTo try it yourself, start an emulator that stays (it prints the variables to export), in another terminal:\n" +
    "  node bin/proxy-ix-emulator.js --port 4010\n" +
    "then, with those variables set: node bin/proxy-ix.js sessions (or proxy-ix sessions once installed)\n",
);
process.exitCode = failed ? 1 : 0;
