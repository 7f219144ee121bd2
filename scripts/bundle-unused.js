// @ts-check
// Stands in for three packages got imports for options proxy-ix never sets: http2-wrapper (`http2`),
// cacheable-lookup (`dnsCache`) and cacheable-request (`cache`). scripts/bundle.js aliases each to this
// module, so the bundle neither carries nor loads them (node:http2, node:dns, keyv…). Used at all, it
// throws: got would only use them if proxy-ix set one of those options.

/** @returns {never} */
function unused() {
  throw new Error(
    "proxy-ix was bundled without got's HTTP/2, DNS-cache and HTTP-cache packages, and got asked for one (scripts/bundle-unused.js)",
  );
}

/** got's `new CacheableLookup()`, `new CacheableRequest()`, `http2wrapper.auto`, `http2wrapper.globalAgent`. */
export default class Unused {
  constructor() {
    unused();
  }

  static get auto() {
    return unused();
  }

  static get globalAgent() {
    return unused();
  }
}

/** got checks every request error with `instanceof` this: no error is one, as none comes from a cache. */
export class CacheError extends Error {}
