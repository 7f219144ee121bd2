#!/usr/bin/env node
// Writes the code caches of dist/bundle/cli.cjs and got.cjs (run by scripts/bundle.js, in a node with
// no V8 flags). A cache holds the bytecode of every function that ran, so it is taken after a training
// run of the common short commands (--help, sessions, list, fetch) against the emulator. No purge: it
// may tune V8's young generation (src/api/memory.ts), and a cache taken after a V8 flag changed is
// rejected by every node started without that flag.
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Writable } from "node:stream";
import { startEmulator } from "../dist/emulator/index.js";

const { loadCli, loaded, sealCodeCache, codeCachePath } = createRequire(import.meta.url)(
  "../bin/proxy-ix.js",
);
const { cli } = loadCli({ useCache: false });
const emulator = await startEmulator({ port: 0, services: 1, sessions: 1, interactions: 5 });
try {
  const session = emulator.state().sessions[0];
  const env = {
    TWILIO_ACCOUNT_SID: emulator.accountSid,
    TWILIO_AUTH_TOKEN: emulator.authToken,
    PROXY_IX_BASE_URL: emulator.url,
    PROXY_IX_SERVICE_SID: session.service_sid,
  };
  const run = async (...argv) => {
    let stdout = "";
    const sink = (keep) =>
      new Writable({
        write(chunk, _encoding, done) {
          if (keep) stdout += chunk;
          done();
        },
      });
    const code = await cli.main(argv, { env, stdout: sink(true), stderr: sink(false), stdin: sink(false) });
    if (code !== 0) throw new Error(`training run \`proxy-ix ${argv.join(" ")}\` exited ${code}`);
    return stdout;
  };
  await run("--help");
  await run("list", "--help");
  await run("sessions");
  const [first] = JSON.parse(await run("list", "--session", session.sid, "--json"));
  await run("list", "--session", session.sid);
  await run("fetch", "--session", session.sid, first.sid);
} finally {
  await emulator.close();
}
for (const { file, script, source } of loaded.values()) {
  writeFileSync(codeCachePath(file), sealCodeCache(source, script.createCachedData()));
}
if (loaded.size !== 2)
  throw new Error(`training loaded ${loaded.size} bundle files, not cli.cjs and got.cjs`);
