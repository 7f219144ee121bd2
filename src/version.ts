/**
 * The release, from package.json: scripts/bundle.js (and vitest.config.ts, for tests run from source)
 * define PROXY_IX_VERSION, so `--version` and the User-Agent never drift from package.json.
 */
declare const PROXY_IX_VERSION: string;

export const VERSION: string = PROXY_IX_VERSION;
