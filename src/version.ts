import { createRequire } from "node:module";

/** Set by the bundler (scripts/bundle.js) from package.json; absent when running from source. */
declare const PROXY_IX_VERSION: string | undefined;

/** The release, read from package.json so `--version` and the User-Agent never drift from it. */
export const VERSION: string =
  typeof PROXY_IX_VERSION === "string"
    ? PROXY_IX_VERSION
    : (createRequire(import.meta.url)("../package.json") as { version: string }).version;
