#!/usr/bin/env node
// @ts-check
"use strict";
// CommonJS (bin/package.json), as is the bundle: an ES module entry point starts node's ESM loader.
const { join } = require("node:path");

// node's own compile cache (node 22.1+, in its default directory); one it cannot write is skipped.
/** @type {{ enableCompileCache?(): unknown }} */ (require("node:module")).enableCompileCache?.();

const bundle = join(__dirname, "..", "dist", "bundle", "cli.cjs");
/** @type {{ main(argv: string[]): Promise<number> } | undefined} */
let cli;
try {
  cli = require(bundle);
} catch (error) {
  if (require("node:fs").existsSync(bundle)) throw error;
  // A checkout that was never built: one line, no stack trace.
  process.stderr.write(`proxy-ix: ${bundle} is missing: run \`npm run build\` first\n`);
  process.exitCode = 1;
}

if (cli) {
  // main() settles with the exit code and never rejects. Were it left pending with nothing left for
  // node to wait on (a bug), node would exit 0 as if the run had succeeded: a cron job must see 1.
  let settled = false;
  process.on("exit", (code) => {
    if (settled || code !== 0) return;
    process.stderr.write("proxy-ix: internal error: the command stopped before it finished\n");
    process.exitCode = 1;
  });
  cli.main(process.argv.slice(2)).then(
    (code) => {
      settled = true;
      process.exitCode = code;
    },
    (error) => {
      settled = true;
      process.stderr.write(`proxy-ix: internal error: ${error instanceof Error ? error.message : error}\n`);
      process.exitCode = 1;
    },
  );
}
