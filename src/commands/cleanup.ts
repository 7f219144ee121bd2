import { type Command, Option } from "commander";
import type { ApiClient } from "../api/client.js";
import { linkedResourceKind } from "../api/resources.js";
import type { Interaction } from "../api/types.js";
import type { GlobalFlags } from "../config.js";
import { ExitCode, exitCodeFor, SilentExit, UsageError } from "../errors.js";
import { BrokenPipeError, type IOStreams } from "../io.js";
import { AdaptiveLimiter } from "../purge/adaptive-limiter.js";
import { linkedSids, type PurgeResult, type PurgeTarget, runPurge } from "../purge/engine.js";
import { ExportFile } from "../purge/export-file.js";
import type { PurgeReport } from "../purge/outcomes.js";
import { DEFAULT_INTERACTION_COLUMNS, INTERACTION_COLUMNS } from "../render/interaction-columns.js";
import { plural, renderPurgeSummary } from "../render/purge-summary.js";
import { jsonText, terminalText } from "../render/terminal-text.js";
import { createWriter } from "../render/writers.js";
import { type CliContext, connect } from "./context.js";
import { integerArg } from "./parsers.js";

/** The flags `delete` and `purge` share: one engine, one set of safety rules, one report. */
export function addCleanupOptions(command: Command): Command {
  return command
    .option(
      "--include-resources",
      "also delete the linked Messages and Calls (API v2010), before each Interaction",
    )
    .option("--dry-run", "list and count what would be deleted; delete nothing")
    .option("-y, --yes", "do not ask for confirmation (required without a terminal)")
    .addOption(
      new Option(
        "--export <file>",
        "append each Interaction's JSON to this NDJSON file before deleting it (mode 0600)",
      ),
    )
    .addOption(
      new Option("--concurrency <n>", "most requests in flight; lowered automatically on 429s")
        .argParser(integerArg(1, 256))
        .default(10),
    )
    .option("--json", "print the report as one JSON object on stdout");
}

export interface RawCleanup {
  includeResources?: boolean;
  dryRun?: boolean;
  yes?: boolean;
  export?: string;
  concurrency: number;
  json?: boolean;
}

export interface CleanupRun {
  context: CliContext;
  globals: GlobalFlags;
  raw: RawCleanup;
  /** Finds the Service and returns a fresh stream of targets each time it is called (plan, then run). */
  targets(client: ApiClient, serviceSid: string | undefined): Promise<() => AsyncIterable<PurgeTarget>>;
}

/** Checks, plans, confirms, runs and reports a cleanup. Every usage check happens before a request is sent. */
export async function runCleanup(run: CleanupRun): Promise<void> {
  const { context, globals, raw } = run;
  const io = await context.io();
  const dryRun = raw.dryRun === true;
  const canPrompt = await io.canPrompt();
  const interactive = canPrompt && !raw.yes && !dryRun;
  if (!dryRun && !raw.yes && !canPrompt) {
    throw new UsageError(
      "this deletes data: pass --yes to confirm (there is no terminal to ask on), or --dry-run",
    );
  }
  const exportFile = raw.export && !dryRun ? await ExportFile.open(raw.export) : null;
  if (exportFile?.repaired) io.err(exportFile.repaired);
  try {
    const limiter = new AdaptiveLimiter(raw.concurrency);
    const { client, config } = await connect(context, globals, { gate: limiter });
    const targets = await run.targets(client, config.serviceSid);
    const quiet = globals.quiet === true || raw.json === true;
    if (interactive && !(await confirm(io, targets, raw.includeResources === true))) {
      io.err("Cancelled: nothing was deleted.");
      throw new SilentExit(ExitCode.usage);
    }
    if (!raw.includeResources && !dryRun && io.isStderrTTY && !quiet) {
      io.err(
        "Note: only the Interactions are deleted; their linked Messages and Calls stay in the account (see --include-resources).",
      );
    }
    const { report, listingError } = await execute(io, client, targets, raw, exportFile, quiet);
    // The report is data for scripts (stdout); the human summary is a message, like gh's (stderr),
    // so that a dry run's plan on stdout stays one line per Interaction.
    // The exit code is decided before writing: a reader that went away (`| jq` killed by the same
    // Ctrl-C) must not turn a failed or interrupted run into exit 0.
    const code = listingError === undefined ? exitCodeOf(report) : exitCodeFor(listingError);
    try {
      if (raw.json) await io.out(`${jsonText(report)}\n`);
      else io.stderr.write(renderPurgeSummary(io, report));
    } catch (error) {
      if (!(error instanceof BrokenPipeError)) throw error;
    }
    if (code !== ExitCode.ok) throw new SilentExit(code);
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
  targets: () => AsyncIterable<PurgeTarget>,
  raw: RawCleanup,
  exportFile: ExportFile | null,
  quiet: boolean,
): Promise<PurgeResult> {
  const dryRun = raw.dryRun === true;
  const controller = new AbortController();
  const spinner = quiet ? null : await io.spinner(dryRun ? "Listing…" : "Deleting…");
  const onSigint = () => {
    if (!controller.signal.aborted) {
      controller.abort();
      io.err("Stopping: letting requests in flight finish (Ctrl-C again to abort at once)…");
      return;
    }
    // The second Ctrl-C: the user wants out now. Everything is idempotent, a re-run finishes the job.
    spinner?.stop();
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
    dryRun && !raw.json
      ? createWriter<Interaction>(io, {
          format: io.isStdoutTTY ? "table" : "tsv",
          columns: DEFAULT_INTERACTION_COLUMNS.map(
            (name) => INTERACTION_COLUMNS[name] as (typeof INTERACTION_COLUMNS)[string],
          ),
          emptyMessage: "No Interactions match.",
        })
      : null;
  const startedAt = Date.now();
  let lastUpdate = 0;
  try {
    const result = await runPurge(client, targets(), {
      dryRun,
      includeResources: raw.includeResources === true,
      concurrency: raw.concurrency,
      exportFile,
      stop: controller.signal,
      async onDone(target, progress) {
        if (planWriter && target.interaction) await planWriter.write(target.interaction);
        if (spinner && Date.now() - lastUpdate > 100) {
          lastUpdate = Date.now();
          spinner.text = progressLine(progress, startedAt);
        }
      },
    });
    await planWriter?.end();
    return result;
  } finally {
    process.off("SIGINT", onSigint);
    process.off("SIGTERM", onSigterm);
    spinner?.stop();
  }
}

function progressLine(report: PurgeReport, startedAt: number): string {
  const i = report.interactions;
  const rate = i.matched / Math.max(0.001, (Date.now() - startedAt) / 1000);
  if (report.dry_run) return `Listing… ${i.matched} Interactions matched`;
  return `Deleting… ${i.deleted} deleted, ${i.deferred} deferred, ${i.skipped} skipped, ${i.failed} failed of ${i.matched} (${rate.toFixed(0)}/s)`;
}

/** On a terminal: count what would go (a first pass over the list), show it, and ask. */
async function confirm(
  io: IOStreams,
  targets: () => AsyncIterable<PurgeTarget>,
  includeResources: boolean,
): Promise<boolean> {
  let interactions = 0;
  let resources = 0;
  let undeletable = 0;
  let kept = 0;
  const sessions = new Set<string>();
  for await (const target of targets()) {
    if (!target.interaction) continue;
    interactions++;
    sessions.add(target.sessionSid);
    const sids = linkedSids(target.interaction);
    const deletable = sids.filter((sid) => linkedResourceKind(sid) !== null).length;
    resources += deletable;
    undeletable += sids.length - deletable;
    if (includeResources && deletable < sids.length) kept++;
  }
  if (interactions === 0) return true;
  const where = `${interactions} ${plural(interactions, "Interaction")} in ${sessions.size} ${plural(sessions.size, "Session")}`;
  const what = includeResources
    ? `${where} and their ${resources} linked Messages/Calls` +
      (undeletable > 0
        ? ` (${kept} of them will be kept: ${undeletable} linked resources are of kinds proxy-ix cannot delete)`
        : "")
    : `${where} (their ${resources} linked Messages/Calls stay)`;
  io.stderr.write(`${io.style.bold("?")} Delete ${terminalText(what)}? This cannot be undone. [y/N] `);
  const answer = (await io.readLine()).toLowerCase();
  return answer === "y" || answer === "yes";
}

export function exitCodeOf(report: PurgeReport): number {
  if (report.stopped === "auth") return ExitCode.auth;
  if (report.stopped === "legal_hold" || report.stopped === "error") return ExitCode.failure;
  if (report.interactions.failed > 0 || report.resources.failed > 0) return ExitCode.failure;
  if (report.stopped === "interrupted") return ExitCode.interrupted;
  return ExitCode.ok;
}
