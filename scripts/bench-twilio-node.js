#!/usr/bin/env node
// @ts-check
// The same jobs as proxy-ix's throughput scenarios, written as a user would write them with twilio-node
// (the official helper library), for `npm run bench`'s side-by-side figures (scripts/bench-throughput.js).
// Two styles:
//   sequential  await each request: list the Session's Interactions (pages of 100), then for each one
//               DELETE its inbound and outbound Message/Call, then the Interaction — what a careful
//               script does. It does not look under a Message or a Call: their Media, Recordings and
//               Transcriptions are left behind (the emulator counts them as orphans).
//   unbounded   the same per Interaction, but every Interaction at once (Promise.all), with the
//               client's `autoRetry: true` (its defaults: 3 retries on 429, backoff up to 3 s).
// A request that still fails is counted, not fatal: the run goes on, as a careful script would.
//
//   node scripts/bench-twilio-node.js purge <sequential|unbounded> <service sid> <session sid>
//   node scripts/bench-twilio-node.js list <sequential|unbounded> <service sid>
//
// twilio-node is pointed at the emulator without touching its source: its `httpClient` option takes a
// RequestClient, here one that sends each request to the emulator's origin (TWILIO_NODE_ORIGIN) with
// the path and query twilio-node built for https://proxy.twilio.com or https://api.twilio.com. Each of
// the two Twilio hosts gets its own keep-alive agent with twilio-node's own https agent settings (20
// sockets per host), as against Twilio: requests to the emulator are plain HTTP, which twilio-node
// would otherwise send through node's global agent without its socket limit.
import http from "node:http";
import twilio from "twilio";
import RequestClient from "twilio/lib/base/RequestClient.js";

/** twilio-node's RequestClient defaults (lib/base/RequestClient.js). */
const AGENT = { keepAlive: true, maxSockets: 20, maxTotalSockets: 100, maxFreeSockets: 5 };

class EmulatorRequestClient extends RequestClient {
  /**
   * @param {string} origin
   * @param {boolean} autoRetry
   */
  constructor(origin, autoRetry) {
    super({ autoRetry });
    this.origin = origin;
    this.axios.defaults.httpAgent = new http.Agent(AGENT);
  }

  /**
   * @override
   * @template TData
   * @param {import("twilio/lib/base/RequestClient.js").RequestOptions<TData>} opts
   */
  request(opts) {
    const url = new URL(opts.uri);
    return super.request({ ...opts, uri: `${this.origin}${url.pathname}${url.search}` });
  }
}

/**
 * One RequestClient per Twilio host, as twilio-node's per-host socket pool would have it.
 * @param {string} origin
 * @param {boolean} autoRetry
 */
function emulatorHttpClient(origin, autoRetry) {
  const proxy = new EmulatorRequestClient(origin, autoRetry);
  const api = new EmulatorRequestClient(origin, autoRetry);
  return /** @type {RequestClient} */ (
    /** @type {unknown} */ ({
      /** @param {import("twilio/lib/base/RequestClient.js").RequestOptions<unknown>} opts */
      request: (opts) => (new URL(opts.uri).hostname.startsWith("api.") ? api : proxy).request(opts),
    })
  );
}

const [job, style, serviceSid, sessionSid] = process.argv.slice(2);
const origin = process.env.TWILIO_NODE_ORIGIN;
if (!origin || !serviceSid || (style !== "sequential" && style !== "unbounded")) {
  console.error("usage: bench-twilio-node.js <purge|list> <sequential|unbounded> <service> [<session>]");
  process.exit(2);
}
const unbounded = style === "unbounded";
const client = twilio(process.env.TWILIO_ACCOUNT_SID, process.env.TWILIO_AUTH_TOKEN, {
  httpClient: emulatorHttpClient(origin, unbounded),
  autoRetry: unbounded,
});
const service = client.proxy.v1.services(serviceSid);
let failed = 0;
let deleted = 0;

/**
 * @template T
 * @param {(() => Promise<T>)[]} tasks
 */
async function each(tasks) {
  if (unbounded) return Promise.all(tasks.map((task) => task()));
  /** @type {T[]} */
  const results = [];
  for (const task of tasks) results.push(await task());
  return results;
}

/** @param {string | null} type @param {string | null} sid */
async function removeResource(type, sid) {
  if (!sid) return true;
  const resource = type === "Call" ? client.calls(sid) : type === "Message" ? client.messages(sid) : null;
  if (!resource) return true;
  try {
    await resource.remove();
    deleted++;
    return true;
  } catch (error) {
    // Already gone (20404) is fine; anything else is a failure and keeps the Interaction.
    if (/** @type {{ status?: number }} */ (error).status === 404) return true;
    failed++;
    return false;
  }
}

if (job === "purge" && sessionSid) {
  const session = service.sessions(sessionSid);
  const interactions = await session.interactions.list({ pageSize: 100 });
  await each(
    interactions.map((interaction) => async () => {
      const inbound = await removeResource(interaction.inboundResourceType, interaction.inboundResourceSid);
      const outbound = await removeResource(
        interaction.outboundResourceType,
        interaction.outboundResourceSid,
      );
      if (!inbound || !outbound) return;
      try {
        await session.interactions(interaction.sid).remove();
        deleted++;
      } catch {
        failed++;
      }
    }),
  );
  process.stdout.write(`${JSON.stringify({ listed: interactions.length, deleted, failed })}\n`);
} else if (job === "list") {
  const sessions = await service.sessions.list({ pageSize: 100 });
  const pages = await each(
    sessions.map((session) => async () => {
      try {
        return await service.sessions(session.sid).interactions.list({ pageSize: 100 });
      } catch {
        failed++;
        return [];
      }
    }),
  );
  for (const page of pages) {
    for (const interaction of page) process.stdout.write(`${JSON.stringify(interaction.toJSON())}\n`);
  }
  process.stderr.write(`${JSON.stringify({ sessions: sessions.length, failed })}\n`);
} else {
  console.error(`unknown job ${job}`);
  process.exit(2);
}
