/**
 * The `proxy-ix-emulator` program: parse flags, start the emulator, print its base URL as the first and
 * only line on stdout (so a script can read it), everything else on stderr, and stop cleanly on
 * SIGINT/SIGTERM. Returns the exit code; never calls process.exit.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { type Emulator, startEmulator } from "./index.js";
import {
  checkSeedSize,
  DEFAULT_OPTIONS,
  DEFAULT_PROGRAM_PORT,
  type EmulatorOptions,
  OptionError,
  validateOptions,
} from "./options.js";

export interface MainIO {
  stdout: Pick<NodeJS.WritableStream, "write">;
  stderr: Pick<NodeJS.WritableStream, "write">;
  /** Resolves when the program should stop; defaults to the first SIGINT or SIGTERM. */
  stopped?: Promise<unknown>;
}

function number(value: string): number {
  const parsed = Number(value);
  if (value.trim() === "" || !Number.isFinite(parsed)) throw new InvalidArgumentError("not a number.");
  return parsed;
}

function program(io: MainIO): Command {
  const d = DEFAULT_OPTIONS;
  return new Command("proxy-ix-emulator")
    .description("A local emulator of the Twilio Proxy v1 and API v2010 endpoints that proxy-ix uses.")
    .option("--host <host>", "address to listen on", d.host)
    .option("--port <n>", "port to listen on (0 picks a free one)", number, DEFAULT_PROGRAM_PORT)
    .option("--services <n>", "Proxy services to seed", number, d.services)
    .option("--sessions <n>", "sessions per service", number, d.sessions)
    .option("--interactions <n>", "interactions per session", number, d.interactions)
    .option("--random-seed <n>", "seed of the data (same seed, same SIDs)", number, d.randomSeed)
    .option("--not-final-rate <p>", "fraction of Messages/Calls not finalized yet", number, d.notFinalRate)
    .option(
      "--foreign-rate <p>",
      "fraction of interactions linking a non-v2010 (IM…) resource",
      number,
      d.foreignRate,
    )
    .option(
      "--media-rate <p>",
      "fraction of two-legged message interactions that are MMS",
      number,
      d.mediaRate,
    )
    .option(
      "--recording-rate <p>",
      "fraction of completed Calls with a Recording (some transcribed, --not-final-rate still processing)",
      number,
      d.recordingRate,
    )
    .option("--orphans <n>", "Messages/Calls whose Interactions were already deleted", number, d.orphans)
    .option(
      "--other-traffic <n>",
      "Messages between numbers that are no proxy number (never to be reported)",
      number,
      d.otherTraffic,
    )
    .option(
      "--returning-customer <n>",
      "the first n Sessions of each Service share their customer, +14155550300",
      number,
      d.returningCustomer,
    )
    .option("--latency <ms>", "delay added to every API response", number, d.latency)
    .option("--jitter <ms>", "uniform ± variation of the latency", number, d.jitter)
    .option(
      "--max-concurrency <n>",
      "answer 429/20429 beyond this many requests in flight (0 = no limit)",
      number,
      0,
    )
    .addOption(new Option("--retry-after <s>", "send Retry-After: S on 429s").argParser(number))
    .option(
      "--fail-rate <p>",
      "fraction of requests answered 500/503 or cut mid-response",
      number,
      d.failRate,
    )
    .option("--hang-rate <p>", "fraction of requests processed but never answered", number, d.hangRate)
    .option("--legal-hold", "refuse every DELETE with 403/80615", false)
    .option(
      "--max-page-size <n>",
      "Proxy lists answer at most n records per page, whatever PageSize asks (Twilio: 100)",
      number,
      d.maxPageSize,
    )
    .addOption(
      new Option("--deleted-anchor <mode>", "a page token whose item was deleted: empty, error or ignore")
        .choices(["empty", "error", "ignore"])
        .default(d.deletedAnchor),
    )
    .option("--twilio-hosts", "URLs in bodies on proxy.twilio.com / api.twilio.com (served here)", false)
    .addOption(
      new Option(
        "--api-retention-days <n>",
        "Messages/Calls older than n days answer 20404 (kept in state, counted as archived)",
      ).argParser(number),
    )
    .option("--account-sid <sid>", "Account SID to accept", d.accountSid)
    .option("--auth-token <token>", "Auth Token to accept", d.authToken)
    .option("--api-key <sid>", "API Key SID to accept", d.apiKey)
    .option("--api-secret <secret>", "API Key Secret to accept", d.apiSecret)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    });
}

/** `failRate` → `--fail-rate`. */
function flagOf(field: string): string {
  return `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

function signalled(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve(signal);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}

function describe(emulator: Emulator, options: EmulatorOptions): string {
  const { counts } = emulator.state();
  const faults = [
    options.latency > 0 ? `latency ${options.latency}ms ±${options.jitter}ms` : "",
    options.maxConcurrency > 0 ? `max concurrency ${options.maxConcurrency}` : "",
    options.retryAfter !== null ? `Retry-After ${options.retryAfter}s` : "",
    options.failRate > 0 ? `fail rate ${options.failRate}` : "",
    options.hangRate > 0 ? `hang rate ${options.hangRate}` : "",
    options.legalHold ? "legal hold" : "",
  ].filter(Boolean);
  const policy = [
    `max page size ${options.maxPageSize}`,
    `deleted anchor ${options.deletedAnchor}`,
    options.twilioHosts ? "Twilio hosts in bodies" : "",
    options.apiRetentionDays !== null ? `API retention ${options.apiRetentionDays} days` : "",
  ].filter(Boolean);
  return [
    `proxy-ix-emulator: Twilio emulator listening on ${emulator.url}`,
    `  Account SID  ${emulator.accountSid}`,
    `  Auth Token   ${emulator.authToken}`,
    `  API Key      ${emulator.apiKey}`,
    `  API Secret   ${emulator.apiSecret}`,
    `  Seed         ${counts.services} service(s), ${counts.sessions} session(s), ${counts.interactions} interaction(s), ` +
      `${counts.messages} message(s), ${counts.calls} call(s), ${counts.media} media, ` +
      `${counts.recordings} recording(s), ${counts.transcriptions} transcription(s); random seed ${options.randomSeed}`,
    `  Faults       ${faults.length ? faults.join(", ") : "none"}`,
    `  Policy       ${policy.join(", ")}`,
    `  Use it:      export TWILIO_ACCOUNT_SID=${emulator.accountSid} TWILIO_AUTH_TOKEN=${emulator.authToken} PROXY_IX_BASE_URL=${emulator.url}`,
    `  State:       curl -s ${emulator.url}/__emulator/state`,
    "  Stop with Ctrl-C.",
    "",
  ].join("\n");
}

export async function main(argv: readonly string[], io: MainIO = process): Promise<number> {
  const command = program(io);
  let options: EmulatorOptions;
  try {
    command.parse([...argv], { from: "user" });
    const { retryAfter, apiRetentionDays, ...flags } = command.opts();
    options = {
      ...DEFAULT_OPTIONS,
      ...validateOptions({
        ...flags,
        retryAfter: retryAfter ?? null,
        apiRetentionDays: apiRetentionDays ?? null,
      }),
    };
    checkSeedSize(options);
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === "commander.helpDisplayed" || error.code === "commander.version" ? 0 : 2;
    }
    if (error instanceof OptionError) {
      const message = error.field ? error.message.replace(error.field, flagOf(error.field)) : error.message;
      io.stderr.write(`proxy-ix-emulator: error: ${message}\n`);
      return 2;
    }
    throw error;
  }

  let emulator: Emulator;
  try {
    emulator = await startEmulator(options);
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === "EADDRINUSE" ? "address already in use" : String(error);
    io.stderr.write(`proxy-ix-emulator: cannot listen on ${options.host}:${options.port}: ${reason}\n`);
    return 1;
  }
  // The URL alone on the first stdout line is the contract with scripts that start the program.
  io.stdout.write(`${emulator.url}\n`);
  io.stderr.write(describe(emulator, options));

  const signal = await (io.stopped ?? signalled());
  io.stderr.write(`proxy-ix-emulator: ${typeof signal === "string" ? `${signal}, ` : ""}stopping\n`);
  await emulator.close();
  return 0;
}
