import { Command } from "commander";
import type { GlobalFlags } from "../config.js";
import { SilentExit } from "../errors.js";
import type { IOStreams } from "../io.js";
import { AdaptiveLimiter, DEFAULT_CEILING } from "../purge/adaptive-limiter.js";
import { DEFAULT_VISIBLE_DAYS } from "../purge/plan.js";
import { plural } from "../render/purge-summary.js";
import { createVerifyOutput, verifySummaryLines } from "../render/verify-output.js";
import { withRunMetadata } from "../run-metadata.js";
import { runChecks } from "../verify/check.js";
import { readExportFiles } from "../verify/export-lines.js";
import { summaryOf } from "../verify/summary.js";
import { type CliContext, type Connect, connector, globalsOf } from "./context.js";
import { concurrencyOption, visibleDaysOption } from "./shared-options.js";

interface RawVerify {
  json?: boolean;
  concurrency?: number;
  visibleDays?: number;
}

export interface VerifyOptions {
  io: IOStreams;
  connect: Connect;
  files: string[];
  /** Lines in the files (read once while parsing, so bad input is found before any request). */
  lines: number;
  /** A hard cap on requests in flight; null: adaptive. */
  concurrency: number | null;
  /** Older records that answer 20404 are not_visible (may be archived), not gone. */
  visibleDays: number;
  json: boolean;
  quiet: boolean;
}

export function verifyCommand(context: CliContext, runF = runVerify): Command {
  return new Command("verify")
    .description(
      "Check that everything an --export file lists (Interactions, Messages, Calls, Media, Recordings, Transcriptions, Sessions, Participants) is gone",
    )
    .argument("<file...>", "export files (v2 lines, and v1 lines of older proxy-ix)")
    .addOption(concurrencyOption())
    .addOption(
      visibleDaysOption(
        "a Message/Call (or what is under one) answering 404 for an Interaction older than this may be archived: not visible, not proved gone",
      ),
    )
    .option("--json", "print the result as one JSON object on stdout")
    .addHelpText(
      "after",
      `
Exit status: 0 everything listed is gone (Twilio answered 404/20404), 1 something remains or could not
be checked (lines of another account included), 2 a file cannot be read or a line is not an export line (nothing is sent then).

Examples:
  $ proxy-ix verify removed.ndjson
  $ proxy-ix verify --json removed-*.ndjson`,
    )
    .action(async (files: string[], raw: RawVerify, cmd: Command) => {
      const io = await context.io();
      return runF(await parseVerifyOptions(files, raw, io, globalsOf(cmd), context.env));
    });
}

export async function parseVerifyOptions(
  files: string[],
  raw: RawVerify,
  io: IOStreams,
  globals: GlobalFlags,
  env: NodeJS.ProcessEnv,
): Promise<VerifyOptions> {
  // A first pass reads every line, so bad input is reported before a single request is sent.
  let lines = 0;
  for await (const _ of readExportFiles(files)) lines++;
  return {
    io,
    connect: connector(io, globals, env),
    files,
    lines,
    concurrency: raw.concurrency ?? null,
    visibleDays: raw.visibleDays ?? DEFAULT_VISIBLE_DAYS,
    json: raw.json === true,
    quiet: globals.quiet === true,
  };
}

export async function runVerify(opts: VerifyOptions): Promise<void> {
  const { io, files, lines } = opts;
  const limiter = new AdaptiveLimiter(opts.concurrency ?? DEFAULT_CEILING);
  const { client } = await opts.connect({ gate: limiter });
  const startedAt = new Date();
  const output = createVerifyOutput(io, opts.json, () =>
    withRunMetadata(
      {
        command: "verify",
        startedAt,
        accountSid: client.accountSid,
        serviceSid: null,
        parameters: {
          files,
          concurrency: opts.concurrency ?? `adaptive, up to ${DEFAULT_CEILING}`,
          visible_days: opts.visibleDays,
        },
      },
      { requests: client.requestCounts() },
    ),
  );
  const quiet = opts.quiet || opts.json;
  const spinner = quiet ? null : await io.spinner(`Checking ${lines} ${plural(lines, "line")}…`);
  let done = 0;
  let shown = 0;
  let progress: Awaited<ReturnType<typeof runChecks>>;
  try {
    progress = await runChecks(
      client,
      readExportFiles(files),
      opts.concurrency ?? DEFAULT_CEILING,
      (check, outcome) => {
        done++;
        if (spinner && Date.now() - shown > 100) {
          shown = Date.now();
          spinner.text = `Checking… ${done} checked`;
        }
        return output.add(check, outcome);
      },
      opts.visibleDays,
    );
  } finally {
    spinner?.stop();
  }
  await output.end(progress, files);
  const summary = summaryOf(progress, files);
  if (!opts.json) for (const line of verifySummaryLines(summary)) io.err(line);
  if (!summary.all_gone) throw new SilentExit("failed");
}
