import { Command, Option } from "commander";
import { ExitCode, SilentExit } from "../errors.js";
import { AdaptiveLimiter, DEFAULT_CEILING } from "../purge/adaptive-limiter.js";
import { DEFAULT_VISIBLE_DAYS, VISIBLE_DAYS_RANGE } from "../purge/plan.js";
import { plural } from "../render/purge-summary.js";
import { terminalText } from "../render/terminal-text.js";
import { withRunMetadata } from "../run-metadata.js";
import { runChecks } from "../verify/check.js";
import { readExportFiles } from "../verify/export-lines.js";
import { createVerifyOutput, summaryOf } from "../verify/output.js";
import { type CliContext, connect, globalsOf } from "./context.js";
import { integerArg } from "./parsers.js";

interface RawVerify {
  json?: boolean;
  concurrency?: number;
  visibleDays?: number;
}

export function verifyCommand(context: CliContext): Command {
  return new Command("verify")
    .description(
      "Check that everything an --export file lists (Interactions, Messages, Calls, Media, Recordings, Transcriptions, Sessions, Participants) is gone",
    )
    .argument("<file...>", "export files (v2 lines, and v1 lines of older proxy-ix)")
    .addOption(
      new Option(
        "--concurrency <n>",
        `a hard cap on requests in flight (default: adaptive, up to ${DEFAULT_CEILING})`,
      ).argParser(integerArg(1, 256)),
    )
    .addOption(
      new Option(
        "--visible-days <n>",
        "a Message/Call (or what is under one) answering 404 for an Interaction older than this may be archived: not visible, not proved gone",
      )
        .argParser(integerArg(...VISIBLE_DAYS_RANGE))
        .default(DEFAULT_VISIBLE_DAYS),
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
      // A first pass reads every line, so bad input is reported before a single request is sent.
      let lines = 0;
      for await (const _ of readExportFiles(files)) lines++;
      const limiter = new AdaptiveLimiter(raw.concurrency ?? DEFAULT_CEILING);
      const { client } = await connect(context, globalsOf(cmd), { gate: limiter });
      const startedAt = new Date();
      const output = createVerifyOutput(io, raw.json === true, () =>
        withRunMetadata(
          {
            command: "verify",
            startedAt,
            accountSid: client.accountSid,
            serviceSid: null,
            parameters: {
              files,
              concurrency: raw.concurrency ?? `adaptive, up to ${DEFAULT_CEILING}`,
              visible_days: raw.visibleDays ?? DEFAULT_VISIBLE_DAYS,
            },
          },
          { requests: client.requestCounts() },
        ),
      );
      const quiet = globalsOf(cmd).quiet === true || raw.json === true;
      const spinner = quiet ? null : await io.spinner(`Checking ${lines} ${plural(lines, "line")}…`);
      let done = 0;
      let shown = 0;
      let progress: Awaited<ReturnType<typeof runChecks>>;
      try {
        progress = await runChecks(
          client,
          readExportFiles(files),
          raw.concurrency ?? DEFAULT_CEILING,
          (check, outcome) => {
            done++;
            if (spinner && Date.now() - shown > 100) {
              shown = Date.now();
              spinner.text = `Checking… ${done} checked`;
            }
            return output.add(check, outcome);
          },
          raw.visibleDays,
        );
      } finally {
        spinner?.stop();
      }
      await output.end(progress, files);
      const { totals, all_gone, other_account } = summaryOf(progress, files);
      if (!raw.json) {
        const { all } = totals;
        const verdict = all_gone
          ? "everything listed is gone"
          : all.remaining === 0 && all.errors === 0 && all.not_visible === 0
            ? "everything checked is gone"
            : [
                all.remaining > 0 ? `${all.remaining} still ${all.remaining === 1 ? "exists" : "exist"}` : "",
                all.not_visible > 0
                  ? `${all.not_visible} not visible (404, but older than --visible-days: may be archived, see docs/reliability.md#archived-records)`
                  : "",
                all.errors > 0 ? `${all.errors} could not be checked` : "",
              ]
                .filter(Boolean)
                .join(", ");
        io.err(`Checked ${all.checked}: ${all.gone} gone; ${verdict}.`);
        if (other_account.lines > 0) {
          io.err(
            `${other_account.lines} ${plural(other_account.lines, "line")} of another account (${terminalText(other_account.account_sids.join(", "))}) not checked: run verify with that account's credentials.`,
          );
        }
      }
      if (!all_gone) throw new SilentExit(ExitCode.failure);
    });
}
