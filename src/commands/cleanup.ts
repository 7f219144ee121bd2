import { type Command, Option } from "commander";
import type { ApiClient } from "../api/client.js";
import type { Interaction } from "../api/types.js";
import type { GlobalFlags } from "../config.js";
import { BrokenPipeError, ExitCode, type ReportedOutcome, SilentExit, UsageError } from "../errors.js";
import type { IOStreams } from "../io.js";
import { AdaptiveLimiter, DEFAULT_CEILING } from "../purge/adaptive-limiter.js";
import { type PurgeResult, runPurge } from "../purge/engine.js";
import { ExportFile } from "../purge/export-file.js";
import type { PurgeReport } from "../purge/outcomes.js";
import {
  addToTotals,
  DEFAULT_VISIBLE_DAYS,
  emptyTotals,
  type PurgeTarget,
  planDeletion,
} from "../purge/plan.js";
import { DEFAULT_INTERACTION_COLUMNS, INTERACTION_COLUMNS } from "../render/interaction-columns.js";
import { ProgressLine, purgeProgressLine, readProgressLine } from "../render/progress.js";
import { plural, renderPurgeSummary } from "../render/purge-summary.js";
import { terminalText } from "../render/terminal-text.js";
import { createWriter, writeJson } from "../render/writers.js";
import { withRunMetadata } from "../run-metadata.js";
import type { IncompleteSession } from "../select/interactions.js";
import type { ReadProgress } from "../select/sessions.js";
import { type Connect, connector } from "./context.js";
import { concurrencyOption, visibleDaysOption } from "./shared-options.js";

/** The flags `delete` and `purge` share: one engine, one set of safety rules, one report. */
export function addCleanupOptions(command: Command): Command {
  return command
    .option(
      "--include-resources",
      "also delete the linked Messages and Calls (API v2010) and what is under them (Media, Recordings, Transcriptions), children first, before each Interaction",
    )
    .option("--dry-run", "list and count what would be deleted; delete nothing")
    .option("-y, --yes", "do not ask for confirmation (required without a terminal)")
    .addOption(
      new Option(
        "--export <file>",
        "append a line per Interaction (SIDs, kinds, dates; no personal data) to this NDJSON file before deleting it (mode 0600)",
      ),
    )
    .addOption(concurrencyOption())
    .addOption(
      visibleDaysOption(
        "a linked Message/Call answering 404 for an Interaction older than this is counted not_visible (it may be archived) and the Interaction kept",
      ),
    )
    .option("--json", "print the report as one JSON object on stdout");
}

export interface RawCleanup {
  includeResources?: boolean;
  dryRun?: boolean;
  yes?: boolean;
  export?: string;
  concurrency: number;
  visibleDays?: number;
  json?: boolean;
}

/** The typed flags `delete` and `purge` share, and what their run needs (docs/commands.md). */
export interface CleanupOptions {
  io: IOStreams;
  connect: Connect;
  includeResources: boolean;
  dryRun: boolean;
  /** Ask on the terminal first: no --yes, not a dry run, and a terminal to ask on. */
  confirm: boolean;
  /** The --export file; null: none. */
  export: string | null;
  /** A hard cap on requests in flight; null: adaptive. */
  concurrency: number | null;
  /** Older Interactions whose linked records answer 20404 are kept as not_visible (may be archived). */
  visibleDays: number;
  json: boolean;
  quiet: boolean;
}

/** The shared flags as typed options; deleting without --yes and no terminal to ask on is refused here. */
export async function parseCleanupOptions(
  raw: RawCleanup,
  io: IOStreams,
  globals: GlobalFlags,
  env: NodeJS.ProcessEnv,
): Promise<CleanupOptions> {
  const dryRun = raw.dryRun === true;
  const canPrompt = await io.canPrompt();
  if (!dryRun && !raw.yes && !canPrompt) {
    throw new UsageError(
      "this deletes data: pass --yes to confirm (there is no terminal to ask on), or --dry-run",
    );
  }
  return {
    io,
    connect: connector(io, globals, env),
    includeResources: raw.includeResources === true,
    dryRun,
    confirm: canPrompt && !raw.yes && !dryRun,
    export: raw.export ?? null,
    concurrency: raw.concurrency ?? null,
    visibleDays: raw.visibleDays ?? DEFAULT_VISIBLE_DAYS,
    json: raw.json === true,
    quiet: globals.quiet === true,
  };
}

/** The Interactions a run is about, and the Sessions it could not read (filled in while it is read). */
export interface TargetStream {
  targets: AsyncIterable<PurgeTarget>;
  incompleteSessions: readonly IncompleteSession[];
  /** How far the read of the Sessions has got, for the progress line (purge; not delete). */
  progress?: Readonly<ReadProgress>;
}

export interface CleanupRun {
  options: CleanupOptions;
  /** Finds the Service and returns a fresh stream of targets each time it is called (prompt, then run). */
  targets(client: ApiClient, serviceSid: string | undefined): Promise<() => TargetStream>;
  /** Runs once the Interactions are done, if the run was not stopped (purge --delete-sessions); returns lines for stderr. */
  afterInteractions?(
    client: ApiClient,
    report: PurgeReport,
    exportFile: ExportFile | null,
  ): Promise<string[]>;
  /** Added to the confirmation question, e.g. "then the empty closed/failed Sessions". */
  confirmNote?: string;
  /** For the `--json` report's metadata, asked once the run is over (the Service is known by then). */
  describe(): {
    command: "purge" | "delete" | "erase";
    serviceSid: string | null;
    parameters: Record<string, unknown>;
  };
  /** What a run whose listing went through amounts to (default: outcomeOf); erase adds its own check. */
  outcome?(report: PurgeReport): ReportedOutcome | null;
}

/**
 * Plans, confirms, runs and reports a cleanup. Its flags were checked by parseCleanupOptions; an unusable
 * --export file is found here, still before any request is sent.
 */
export async function runCleanup(run: CleanupRun): Promise<void> {
  const { options: opts } = run;
  const { io, dryRun } = opts;
  const startedAt = new Date();
  const exportFile = opts.export && !dryRun ? await ExportFile.open(opts.export) : null;
  if (exportFile?.repaired) io.err(exportFile.repaired);
  try {
    const limiter = new AdaptiveLimiter(opts.concurrency ?? DEFAULT_CEILING);
    const { client, config } = await opts.connect({ gate: limiter });
    const targets = await run.targets(client, config.serviceSid);
    const quiet = opts.quiet || opts.json;
    // What a person confirms is what runs: the run acts on no Interaction the prompt did not count.
    const confirmed = opts.confirm
      ? await confirm(io, client, targets, opts.includeResources, run.confirmNote ?? "", !quiet)
      : null;
    if (confirmed === false) {
      io.err("Cancelled: nothing was deleted.");
      throw new SilentExit("cancelled");
    }
    if (!opts.includeResources && !dryRun && io.isStderrTTY && !quiet) {
      io.err(
        "Note: only the Interactions are deleted; their linked Messages and Calls stay in the account (see --include-resources).",
      );
    }
    const stream = targets();
    const unconfirmed = { count: 0 };
    const toRun = confirmed ? onlyConfirmed(stream.targets, confirmed, unconfirmed) : stream.targets;
    const { report, listingError } = await execute(
      io,
      client,
      toRun,
      opts,
      exportFile,
      quiet,
      limiter,
      stream,
    );
    report.incomplete_sessions = [...stream.incompleteSessions];
    const ran = listingError === undefined && report.stopped === null;
    const afterLines = ran ? ((await run.afterInteractions?.(client, report, exportFile)) ?? []) : [];
    // The report is data for scripts (stdout); the human summary is a message, like gh's (stderr),
    // so that a dry run's plan on stdout stays one line per Interaction.
    // The outcome is decided before writing: a reader that went away (`| jq` killed by the same
    // Ctrl-C) must not turn a failed or interrupted run into exit 0.
    const outcome = listingError === undefined ? (run.outcome ?? outcomeOf)(report) : null;
    try {
      if (opts.json) {
        const { command, serviceSid, parameters } = run.describe();
        const metadata = {
          command,
          startedAt,
          accountSid: client.accountSid,
          serviceSid,
          parameters: {
            ...parameters,
            include_resources: opts.includeResources,
            dry_run: dryRun,
            export: opts.export,
            concurrency: opts.concurrency ?? `adaptive, up to ${DEFAULT_CEILING}`,
            visible_days: opts.visibleDays,
          },
        };
        const full = withRunMetadata(metadata, { ...report, requests: client.requestCounts() });
        await writeJson(io, full);
      } else io.stderr.write(renderPurgeSummary(io, report));
    } catch (error) {
      if (!(error instanceof BrokenPipeError)) throw error;
    }
    if (!opts.json) for (const session of report.incomplete_sessions) io.err(incompleteLine(session));
    if (!opts.json) for (const line of afterLines) io.err(line);
    if (unconfirmed.count > 0) {
      io.err(
        `${unconfirmed.count} ${plural(unconfirmed.count, "Interaction")} listed after the confirmation were left for the next run.`,
      );
    }
    if (listingError !== undefined) throw new SilentExit(null, { cause: listingError });
    if (outcome !== null) throw new SilentExit(outcome);
  } catch (error) {
    // A failure to close must not hide the error that got us here.
    await exportFile?.close().catch(() => undefined);
    throw error;
  }
  await exportFile?.close();
}

async function execute(
  io: IOStreams,
  client: ApiClient,
  targets: AsyncIterable<PurgeTarget>,
  opts: CleanupOptions,
  exportFile: ExportFile | null,
  quiet: boolean,
  limiter: AdaptiveLimiter,
  stream: TargetStream,
): Promise<PurgeResult> {
  const { dryRun } = opts;
  const controller = new AbortController();
  const line = await ProgressLine.start(io, dryRun ? "Listing…" : "Deleting…", !quiet);
  const onSigint = () => {
    if (!controller.signal.aborted) {
      controller.abort();
      io.err("Stopping: letting requests in flight finish (Ctrl-C again to abort at once)…");
      return;
    }
    // The second Ctrl-C: the user wants out now. Everything is idempotent, a re-run finishes the job.
    line.stop();
    io.err("Aborted.");
    process.exit(ExitCode.interrupted);
  };
  // SIGTERM (systemctl stop, timeout) is handled like a first Ctrl-C: finish what is in flight, report.
  const onSigterm = () => {
    if (!controller.signal.aborted) onSigint();
  };
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigterm);
  const planWriter =
    dryRun && !opts.json
      ? createWriter<Interaction>(io, {
          format: io.isStdoutTTY ? "table" : "tsv",
          columns: DEFAULT_INTERACTION_COLUMNS.map(
            (name) => INTERACTION_COLUMNS[name] as (typeof INTERACTION_COLUMNS)[string],
          ),
          emptyMessage: "No Interactions match.",
        })
      : null;
  try {
    const result = await runPurge(client, targets, {
      dryRun,
      includeResources: opts.includeResources,
      // One request of each Interaction is on the wire at a time: as many workers as the limiter may allow.
      concurrency: opts.concurrency ?? DEFAULT_CEILING,
      // …but only as many Interactions in progress as the limiter allows requests now, not counting
      // those asleep after a 429 (they hold no slot): none waits for a slot, so a stop (80615) is
      // seen before the next request of any of them.
      room: () => limiter.room,
      onRoom: (grew) => limiter.onRoom(grew),
      visibleDays: opts.visibleDays,
      exportFile,
      stop: controller.signal,
      async onDone(target, progress) {
        if (planWriter && target.interaction) await planWriter.write(target.interaction);
        line.update((startedAt) => purgeProgressLine(progress, stream.progress ?? null, startedAt));
      },
    });
    await planWriter?.end();
    return result;
  } finally {
    process.off("SIGINT", onSigint);
    process.off("SIGTERM", onSigterm);
    line.stop();
  }
}

/**
 * On a terminal: plan every Interaction (a first pass over the list), show the totals, and ask. Returns
 * the SIDs the person agreed to (about 100 bytes each: 10 MB for 100,000), or false for "no".
 */
async function confirm(
  io: IOStreams,
  client: ApiClient,
  targets: () => TargetStream,
  includeResources: boolean,
  note: string,
  showProgress: boolean,
): Promise<Set<string> | false> {
  const totals = emptyTotals();
  const sids = new Set<string>();
  const { targets: planned, progress: read } = targets();
  // The first pass can take a while on a big Service: a progress line, cleared before the question.
  const line = await ProgressLine.start(io, "Counting…", showProgress && read !== undefined);
  try {
    for await (const target of planned) {
      sids.add(target.sid);
      addToTotals(totals, target, planDeletion(target, client, includeResources));
      if (read) line.update((at) => readProgressLine("Counting", read, at));
    }
  } finally {
    line.stop();
  }
  if (totals.interactions === 0 && !note) return sids;
  const { interactions, sessions, linked } = totals;
  const where = `${interactions} ${plural(interactions, "Interaction")} in ${sessions.size} ${plural(sessions.size, "Session")}`;
  const resources = totals.resources.Messages + totals.resources.Calls;
  const kept = interactions - totals.deletable;
  const what = includeResources
    ? `${where} and their ${resources} linked Messages/Calls` +
      (kept > 0 ? ` (${kept} of them will be kept, each with its reason in the report)` : "")
    : `${where} (their ${linked.Messages + linked.Calls} linked Messages/Calls stay)`;
  // The Media, Recordings and Transcriptions under them are found only when the run reaches them.
  const under = includeResources ? " Their Media, Recordings and Transcriptions go first." : "";
  io.stderr.write(
    `${io.style.bold("?")} Delete ${terminalText(what)}${note}?${under} This cannot be undone. [y/N] `,
  );
  const answer = (await io.readLine()).toLowerCase();
  return answer === "y" || answer === "yes" ? sids : false;
}

/** The run's targets, less any the prompt did not count (they appeared since): those wait for the next run. */
async function* onlyConfirmed(
  targets: AsyncIterable<PurgeTarget>,
  confirmed: Set<string>,
  unconfirmed: { count: number },
): AsyncGenerator<PurgeTarget> {
  for await (const target of targets) {
    if (confirmed.has(target.sid)) yield target;
    else unconfirmed.count++;
  }
}

function incompleteLine(session: IncompleteSession): string {
  return `Session ${session.session_sid} could not be read (${session.reason}): skipped, the run is incomplete.`;
}

/** What a finished run's report amounts to (its exit code is `exitCodeFor`'s); null: all went well. */
export function outcomeOf(report: PurgeReport): ReportedOutcome | null {
  if (report.stopped === "auth") return "stoppedAuth";
  if (report.stopped === "legal_hold" || report.stopped === "error") return "failed";
  if (report.interactions.failed > 0 || report.resources.failed > 0) return "failed";
  // Kept because a linked record may be archived: it still exists and could not be deleted.
  if (report.interactions.not_visible > 0) return "failed";
  if ((report.session_deletion?.failed ?? 0) > 0) return "failed";
  if (report.incomplete_sessions.length > 0) return "failed";
  if (report.stopped === "interrupted") return "interrupted";
  return null;
}
