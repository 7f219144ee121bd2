import { Command, Option } from "commander";
import type { ApiClient } from "../api/client.js";
import { findOrphans, type Orphan } from "../audit/orphans.js";
import { UsageError } from "../errors.js";
import type { IOStreams } from "../io.js";
import { AdaptiveLimiter } from "../purge/adaptive-limiter.js";
import { type Column, fieldColumn } from "../render/columns.js";
import { createWriter, type OutputFormat } from "../render/writers.js";
import { resolveServiceSid } from "../select/service.js";
import { type CliContext, connect, globalsOf } from "./context.js";
import { addOutputOptions, chooseColumns, outputFormat, type RawOutput } from "./output-options.js";
import { instantArg, integerArg } from "./parsers.js";

/** Twilio keeps Messages and Calls 13 months by default: a little more than that, so none is missed. */
export const DEFAULT_WINDOW_DAYS = 395;
const DAY_MS = 86_400_000;

const ORPHAN_FIELDS = ["sid", "kind", "date", "status", "direction", "proxy_number"] as const;
const ORPHAN_COLUMNS: Record<string, Column<Orphan>> = Object.fromEntries(
  ORPHAN_FIELDS.map((name) => [name, fieldColumn<Orphan>(name)]),
);

export interface OrphansOptions {
  since: Date;
  until: Date;
  pageSize: number;
  format: OutputFormat;
  columns: Column<Orphan>[];
  quiet: boolean;
}

export function orphansCommand(context: CliContext): Command {
  const command = new Command("orphans")
    .description(
      "List the Messages and Calls of the Service's proxy numbers that no Interaction links to any more",
    )
    .addOption(
      new Option(
        "--since <when>",
        `only traffic at or after: ISO-8601 date/time or age (default ${DEFAULT_WINDOW_DAYS}d)`,
      ).argParser(instantArg("--since")),
    )
    .addOption(
      new Option("--until <when>", "only traffic before: ISO-8601 date/time or age (default now)").argParser(
        instantArg("--until"),
      ),
    )
    .addOption(
      new Option("--page-size <n>", "records per API page (1-1000)")
        .argParser(integerArg(1, 1000))
        .default(1000),
    )
    .addHelpText(
      "after",
      `
What earlier deletions left behind: deleting an Interaction or a Session (with any tool) does not
delete its Messages and Calls, and then Proxy no longer leads to them. This lists the account's
Messages (by date_sent) and Calls (by start_time) to or from each of the Service's proxy numbers in
the window, minus every Message and Call an Interaction of the Service still links to. Nothing is
changed. It shows sid, kind, date, status, direction and the proxy number — never the other party's
number, nor a message body.

A Message or Call sent through a proxy number by something other than Proxy (a number shared with
another application) cannot be told apart from an orphan: it is listed too. Messages not sent yet and
Calls not dialed yet have no date and are not listed; traffic of the last minute is left out (its
Interaction may still be on its way); numbers no longer in the Service are not searched.

Examples:
  $ proxy-ix orphans
  $ proxy-ix orphans --since 2026-01-01 --until 30d
  $ proxy-ix orphans --json | jq length`,
    );
  addOutputOptions(command, `columns for table/TSV output (default and choices: ${ORPHAN_FIELDS.join(",")})`);
  // The records are proxy-ix's own (docs/output.md#orphans), not Twilio's objects passed through.
  for (const option of command.options) {
    if (option.long === "--json") option.description = "print a JSON array of the orphans";
    if (option.long === "--ndjson") option.description = "print one orphan per line, streamed";
  }
  return command.action(async (raw: RawOrphans, cmd: Command) => {
    const io = await context.io();
    const globals = globalsOf(cmd);
    const options = parseOrphansOptions(raw, io, globals.quiet === true);
    const limiter = new AdaptiveLimiter();
    const { client, config } = await connect(context, globals, { gate: limiter });
    await runOrphans(io, options, client, config.serviceSid);
  });
}

type RawOrphans = RawOutput & { since?: Date; until?: Date; pageSize: number };

export function parseOrphansOptions(
  raw: RawOrphans,
  io: IOStreams,
  quiet: boolean,
  now = Date.now(),
): OrphansOptions {
  const until = raw.until ?? new Date(now);
  const since = raw.since ?? new Date(until.getTime() - DEFAULT_WINDOW_DAYS * DAY_MS);
  if (since.getTime() >= until.getTime()) {
    throw new UsageError("--since must be earlier than --until: no Message or Call could match");
  }
  return {
    since,
    until,
    pageSize: raw.pageSize,
    format: outputFormat(raw, io),
    columns: chooseColumns(raw, ORPHAN_COLUMNS, ORPHAN_FIELDS),
    quiet,
  };
}

export async function runOrphans(
  io: IOStreams,
  options: OrphansOptions,
  client: ApiClient,
  serviceSid: string | undefined,
): Promise<void> {
  const service = await resolveServiceSid(client, serviceSid, []);
  const search = findOrphans(
    client,
    service,
    { since: options.since, until: options.until },
    { pageSize: options.pageSize },
  );
  const writer = createWriter(io, {
    format: options.format,
    columns: options.columns,
    emptyMessage: "No orphaned Messages or Calls in the window.",
  });
  const spinner = options.quiet ? null : await io.spinner("Reading Interactions…");
  const { progress } = search;
  const timer = spinner
    ? setInterval(() => {
        spinner.text =
          progress.listed === 0
            ? `Reading Interactions… ${progress.sessions} Sessions, ${progress.interactions} Interactions`
            : `Listing Messages and Calls of ${progress.numbers} proxy numbers… ${progress.listed} read`;
      }, 200)
    : null;
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    if (timer) clearInterval(timer);
    spinner?.stop();
  };
  try {
    for await (const orphan of search.orphans) {
      // A table is written at the end; streamed formats start at the first orphan.
      if (options.format !== "table") stop();
      await writer.write(orphan);
    }
  } finally {
    stop();
  }
  const count = await writer.end();
  if (io.isStderrTTY && !options.quiet) {
    io.err(
      `${count} orphaned Messages/Calls through ${progress.numbers} proxy numbers (${progress.interactions} Interactions read).`,
    );
  }
}
