#!/usr/bin/env node
// @ts-check
"use strict";
// CommonJS like bin/proxy-ix.js (bin/package.json); the emulator itself is an ES module.
import("../dist/emulator/main.js").then(async ({ main }) => {
  process.exitCode = await main(process.argv.slice(2));
});
