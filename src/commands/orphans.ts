import { Command, Option } from "commander";
import { findOrphans, type Orphan } from "../audit/orphans.js";
import { UsageError } from "../errors.js";
import type { IOStreams } from "../io.js";
import { AdaptiveLimiter } from "../purge/adaptive-limiter.js";
import { type Column, fieldColumn } from "../render/columns.js";
import { createWriter, type OutputFormat } from "../render/writers.js";
import { resolveServiceSid } from "../select/service.js";
import { type CliContext, type Connect, connector, globalsOf } from "./context.js";
import { deleteOrphansCommandRun } from "./orphans-delete.js";
import { addOutputOptions, chooseColumns, outputFormat, type RawOutput } from "./output-options.js";
import { instantArg, integerArg } from "./parsers.js";
import { concurrencyOption } from "./shared-options.js";

/** Twilio keeps Messages and Calls 13 months by default: a little more than that, so none is missed. */
export const DEFAULT_WINDOW_DAYS = 395;
const DAY_MS = 86_400_000;

const ORPHAN_FIELDS = ["sid", "kind", "date", "status", "direction", "proxy_number"] as const;
export const ORPHAN_COLUMNS: Record<string, Column<Orphan>> = Object.fromEntries(
  ORPHAN_FIELDS.map((name) => [name, fieldColumn<Orphan>(name)]),
);

/** `--delete` and what goes with it; null when only listing. */
export interface OrphanDeletion {
  dryRun: boolean;
  yes: boolean;
  exportPath: string | null;
  /** A hard cap on requests in flight; null: adaptive, up to DEFAULT_CEILING. */
  concurrency: number | null;
}

export interface OrphansOptions {
  io: IOStreams;
  /** Connects with the given gate (the adaptive limiter): credentials are checked here, before any request. */
  connect: Connect;
  since: Date;
  until: Date;
  pageSize: number;
  /** With `--delete`: `json` is the report; table/TSV list what a dry run would delete. */
  format: OutputFormat;
  columns: Column<Orphan>[];
  quiet: boolean;
  deletion: OrphanDeletion | null;
}

export function orphansCommand(context: CliContext, runF = runOrphans): Command {
  const command = new Command("orphans")
    .description(
      "List (or with --delete, delete) the Messages and Calls of the Service's proxy numbers that no Interaction links to any more",
    )
    .addOption(
      new Option(
        "--since <when>",
        `only traffic at or after: ISO-8601 date/time or age (default ${DEFAULT_WINDOW_DAYS}d; required with --delete)`,
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
    .option(
      "--delete",
      "delete the orphans in the window (--since required) and their Media, Recordings and Transcriptions first",
    )
    .option("--dry-run", "with --delete: list and count what would be deleted; delete nothing")
    .option("-y, --yes", "with --delete: do not ask for confirmation (required without a terminal)")
    .addOption(
      new Option(
        "--export <file>",
        "with --delete: append a line per orphan (SIDs, kinds, dates; no numbers, no bodies) to this NDJSON file before deleting it (mode 0600)",
      ),
    )
    .addOption(concurrencyOption("with --delete: "))
    .addHelpText(
      "after",
      `
What earlier deletions left behind: deleting an Interaction or a Session (with any tool) does not
delete its Messages and Calls, and then Proxy no longer leads to them. This lists the account's
Messages (by date_sent) and Calls (by start_time) to or from each of the Service's proxy numbers in
the window, minus every Message and Call an Interaction of the Service still links to. It shows sid,
kind, date, status, direction and the proxy number — never the other party's number, nor a message
body.

A Message or Call sent through a proxy number by something other than Proxy (a number shared with
another application) cannot be told apart from an orphan: it is listed too, and --delete deletes it.
So --delete never runs without an explicit window (--since, and --until, default now). Messages not
sent yet and Calls not dialed yet have no date and are not listed; traffic of the last minute is left
out (its Interaction may still be on its way); numbers no longer in the Service are not searched.

--delete works as purge does: each orphan's Media (of a Message) or Recordings and their
Transcriptions (of a Call) go first; one not finalized yet (Twilio error 20009) is deferred to a later
run; it asks on a terminal (--yes otherwise) and deletes only what the question counted; --json
prints the report.

Examples:
  $ proxy-ix orphans
  $ proxy-ix orphans --since 2026-01-01 --until 30d
  $ proxy-ix orphans --json | jq length
  $ proxy-ix orphans --delete --since 90d --dry-run
  $ proxy-ix orphans --delete --since 2026-01-01 --until 30d --yes --json --export orphans.ndjson`,
    );
  addOutputOptions(command, `columns for table/TSV output (default and choices: ${ORPHAN_FIELDS.join(",")})`);
  // The records are proxy-ix's own (docs/output.md#orphans), not Twilio's objects passed through.
  for (const option of command.options) {
    if (option.long === "--json")
      option.description = "print a JSON array of the orphans (with --delete: the report)";
    if (option.long === "--ndjson") option.description = "print one orphan per line, streamed";
  }
  return command.action(async (raw: RawOrphans, cmd: Command) => {
    const io = await context.io();
    const globals = globalsOf(cmd);
    const options = parseOrphansOptions(raw, io, globals.quiet === true);
    return runF({ ...options, io, connect: connector(io, globals, context.env) });
  });
}

type RawOrphans = RawOutput & {
  since?: Date;
  until?: Date;
  pageSize: number;
  delete?: boolean;
  dryRun?: boolean;
  yes?: boolean;
  export?: string;
  concurrency?: number;
};

/** Every usage error is found here, before a request is sent. */
export function parseOrphansOptions(
  raw: RawOrphans,
  io: IOStreams,
  quiet: boolean,
  now = Date.now(),
): Omit<OrphansOptions, "io" | "connect"> {
  if (!raw.delete) {
    const flag = raw.dryRun
      ? "--dry-run"
      : raw.yes
        ? "--yes"
        : raw.export !== undefined
          ? "--export"
          : raw.concurrency !== undefined
            ? "--concurrency"
            : null;
    if (flag) throw new UsageError(`${flag} goes with --delete`);
  } else {
    // Traffic of another application on a shared number looks like an orphan: never delete without a window.
    if (raw.since === undefined) {
      throw new UsageError(
        "--delete needs an explicit window: give --since (and --until, default now); nothing was sent",
      );
    }
    if (raw.ndjson) throw new UsageError("--ndjson lists orphans; with --delete, --json prints the report");
    if (raw.columns !== undefined && !raw.dryRun) {
      throw new UsageError("--columns applies to the listing; with --delete, only to --dry-run's list");
    }
  }
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
    deletion: raw.delete
      ? {
          dryRun: raw.dryRun === true,
          yes: raw.yes === true,
          exportPath: raw.export ?? null,
          concurrency: raw.concurrency ?? null,
        }
      : null,
  };
}

export async function runOrphans(opts: OrphansOptions): Promise<void> {
  if (opts.deletion) return deleteOrphansCommandRun(opts, opts.deletion);
  const { io } = opts;
  const { client, config } = await opts.connect({ gate: new AdaptiveLimiter() });
  const service = await resolveServiceSid(client, config.serviceSid, []);
  const search = findOrphans(
    client,
    service,
    { since: opts.since, until: opts.until },
    { pageSize: opts.pageSize },
  );
  const writer = createWriter(io, {
    format: opts.format,
    columns: opts.columns,
    emptyMessage: "No orphaned Messages or Calls in the window.",
  });
  const spinner = opts.quiet ? null : await io.spinner("Reading Interactions…");
  const stopSpinner = spinOnSearch(spinner, search.progress);
  try {
    for await (const orphan of search.orphans) {
      // A table is written at the end; streamed formats start at the first orphan.
      if (opts.format !== "table") stopSpinner();
      await writer.write(orphan);
    }
  } finally {
    stopSpinner();
  }
  const count = await writer.end();
  if (io.isStderrTTY && !opts.quiet) {
    const { progress } = search;
    io.err(
      `${count} orphaned Messages/Calls through ${progress.numbers} proxy numbers (${progress.interactions} Interactions read).`,
    );
  }
}

/** Keeps the spinner's text on the search's progress; returns the function that stops both (idempotent). */
export function spinOnSearch(
  spinner: { text: string; stop(): void } | null,
  progress: ReturnType<typeof findOrphans>["progress"],
  after?: () => string | null,
): () => void {
  const timer = spinner
    ? setInterval(() => {
        spinner.text =
          after?.() ??
          (progress.listed === 0
            ? `Reading Interactions… ${progress.sessions} Sessions, ${progress.interactions} Interactions`
            : `Listing Messages and Calls of ${progress.numbers} proxy numbers… ${progress.listed} read`);
      }, 200)
    : null;
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    if (timer) clearInterval(timer);
    spinner?.stop();
  };
}
