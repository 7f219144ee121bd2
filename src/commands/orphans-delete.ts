/**
 * `orphans --delete`: the search of `orphans`, fed to the deletion of src/audit/delete-orphans.ts, with
 * purge's safety rules: an explicit window (checked when the flags are parsed), a question on a terminal
 * (`--yes` otherwise) that runs exactly what it counted, `--dry-run`, `--export`, the report and the exit
 * codes (docs/exit-codes.md).
 */
import {
  type DeleteOrphansOptions,
  deleteOrphans,
  type OrphanDeletionReport,
  type OrphanDeletionResult,
} from "../audit/delete-orphans.js";
import { findOrphans, type Orphan } from "../audit/orphans.js";
import { BrokenPipeError, ExitCode, type ReportedOutcome, SilentExit, UsageError } from "../errors.js";
import type { IOStreams } from "../io.js";
import { AdaptiveLimiter, DEFAULT_CEILING } from "../purge/adaptive-limiter.js";
import { ExportFile } from "../purge/export-file.js";
import { renderOrphanDeletionSummary } from "../render/orphan-deletion-summary.js";
import { plural } from "../render/purge-summary.js";
import { jsonText } from "../render/terminal-text.js";
import { createWriter } from "../render/writers.js";
import { withRunMetadata } from "../run-metadata.js";
import { resolveServiceSid } from "../select/service.js";
import { type OrphanDeletion, type OrphansOptions, spinOnSearch } from "./orphans.js";

export async function deleteOrphansCommandRun(opts: OrphansOptions, deletion: OrphanDeletion): Promise<void> {
  const { io } = opts;
  const { dryRun } = deletion;
  const json = opts.format === "json";
  const canPrompt = await io.canPrompt();
  const interactive = canPrompt && !deletion.yes && !dryRun;
  if (!dryRun && !deletion.yes && !canPrompt) {
    throw new UsageError(
      "this deletes data: pass --yes to confirm (there is no terminal to ask on), or --dry-run",
    );
  }
  const startedAt = new Date();
  const exportFile = deletion.exportPath && !dryRun ? await ExportFile.open(deletion.exportPath) : null;
  if (exportFile?.repaired) io.err(exportFile.repaired);
  try {
    const limiter = new AdaptiveLimiter(deletion.concurrency ?? DEFAULT_CEILING);
    const { client, config } = await opts.connect({ gate: limiter });
    const serviceSid = await resolveServiceSid(client, config.serviceSid, []);
    const quiet = opts.quiet || json;
    const search = findOrphans(
      client,
      serviceSid,
      { since: opts.since, until: opts.until },
      { pageSize: opts.pageSize },
    );
    let orphans: AsyncIterable<Orphan> = search.orphans;
    if (interactive) {
      // What a person confirms is what runs: the orphans the question counted, and no other.
      const confirmed = await confirm(io, search, quiet);
      if (confirmed === false) {
        io.err("Cancelled: nothing was deleted.");
        throw new SilentExit("cancelled");
      }
      orphans = fromArray(confirmed);
    }
    const { report, listingError } = await execute(io, client, orphans, {
      serviceSid,
      dryRun,
      concurrency: deletion.concurrency ?? DEFAULT_CEILING,
      room: () => limiter.limit,
      exportFile,
      quiet,
      plan: dryRun && !json ? opts : null,
      search,
    });
    // Decided before writing: a reader that went away must not turn a failed run into exit 0.
    const outcome = listingError === undefined ? orphanDeletionOutcome(report) : null;
    const searched = search.window;
    const full = {
      ...report,
      window: searched ? { since: searched.since.toISOString(), until: searched.until.toISOString() } : null,
      proxy_numbers: search.progress.numbers,
      interactions_read: search.progress.interactions,
    };
    try {
      if (json) {
        const metadata = {
          command: "orphans" as const,
          startedAt,
          accountSid: client.accountSid,
          serviceSid,
          parameters: {
            delete: true,
            since: opts.since.toISOString(),
            until: opts.until.toISOString(),
            dry_run: dryRun,
            export: deletion.exportPath,
            concurrency: deletion.concurrency ?? `adaptive, up to ${DEFAULT_CEILING}`,
            page_size: opts.pageSize,
          },
        };
        const withMeta = withRunMetadata(metadata, { ...full, requests: client.requestCounts() });
        await io.out(`${jsonText(withMeta)}\n`);
      } else io.stderr.write(renderOrphanDeletionSummary(io, full));
    } catch (error) {
      if (!(error instanceof BrokenPipeError)) throw error;
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

/** null (exit 0) only when every orphan found is gone; see docs/exit-codes.md. */
export function orphanDeletionOutcome(report: OrphanDeletionReport): ReportedOutcome | null {
  if (report.stopped === "auth") return "stoppedAuth";
  if (report.stopped === "legal_hold" || report.stopped === "error") return "failed";
  if (report.orphans.failed > 0 || report.resources.failed > 0) return "failed";
  if (report.stopped === "interrupted") return "interrupted";
  // Unlike purge, a deferred or kept orphan is personal data still there: the run is not done.
  if (report.resources.deferred > 0 || report.resources.skipped > 0) return "failed";
  return null;
}

type ExecuteOptions = Omit<DeleteOrphansOptions, "stop" | "onDone"> & {
  quiet: boolean;
  /** The dry run's list on stdout (table or TSV), as purge's dry run lists its Interactions. */
  plan: Pick<OrphansOptions, "format" | "columns"> | null;
  search: ReturnType<typeof findOrphans>;
};

async function execute(
  io: IOStreams,
  client: Parameters<typeof deleteOrphans>[0],
  orphans: AsyncIterable<Orphan>,
  options: ExecuteOptions,
): Promise<OrphanDeletionResult> {
  const controller = new AbortController();
  const spinner = options.quiet ? null : await io.spinner(options.dryRun ? "Listing…" : "Deleting…");
  let report: OrphanDeletionReport | null = null;
  const stopSpinner = spinOnSearch(spinner, options.search.progress, () =>
    report ? progressLine(report) : null,
  );
  const onSigint = () => {
    if (!controller.signal.aborted) {
      controller.abort();
      io.err("Stopping: letting requests in flight finish (Ctrl-C again to abort at once)…");
      return;
    }
    // The second Ctrl-C: the user wants out now. Every DELETE is idempotent, a re-run finishes the job.
    stopSpinner();
    io.err("Aborted.");
    process.exit(ExitCode.interrupted);
  };
  const onSigterm = () => {
    if (!controller.signal.aborted) onSigint();
  };
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigterm);
  const planWriter = options.plan
    ? createWriter<Orphan>(io, {
        format: options.plan.format,
        columns: options.plan.columns,
        emptyMessage: "No orphaned Messages or Calls in the window.",
      })
    : null;
  try {
    const { quiet: _quiet, plan: _plan, search: _search, ...engine } = options;
    const result = await deleteOrphans(client, orphans, {
      ...engine,
      stop: controller.signal,
      async onDone(orphan, progress) {
        report = progress;
        await planWriter?.write(orphan);
      },
    });
    stopSpinner();
    await planWriter?.end();
    return result;
  } finally {
    process.off("SIGINT", onSigint);
    process.off("SIGTERM", onSigterm);
    stopSpinner();
  }
}

function progressLine(report: OrphanDeletionReport): string {
  const o = report.orphans;
  if (report.dry_run) return `Listing… ${o.matched} orphans found`;
  return `Deleting… ${o.deleted} deleted, ${o.deferred} deferred, ${o.failed} failed of ${o.matched} orphans`;
}

/**
 * On a terminal: the whole search first (the orphans are kept, about 200 bytes each), the count, and
 * the question. Returns the orphans the person agreed to delete, or false for "no".
 */
async function confirm(
  io: IOStreams,
  search: ReturnType<typeof findOrphans>,
  quiet: boolean,
): Promise<Orphan[] | false> {
  const spinner = quiet ? null : await io.spinner("Reading Interactions…");
  const stopSpinner = spinOnSearch(spinner, search.progress);
  const found: Orphan[] = [];
  try {
    for await (const orphan of search.orphans) found.push(orphan);
  } finally {
    stopSpinner();
  }
  if (found.length === 0) return found;
  const messages = found.filter((o) => o.kind === "message").length;
  const calls = found.length - messages;
  const numbers = search.progress.numbers;
  io.stderr.write(
    `${io.style.bold("?")} Delete ${messages} orphaned ${plural(messages, "Message")} and ${calls} ${plural(calls, "Call")} ` +
      `through ${numbers} proxy ${plural(numbers, "number")}? Their Media, Recordings and Transcriptions go first. ` +
      "Traffic of another application on these numbers would go too. This cannot be undone. [y/N] ",
  );
  const answer = (await io.readLine()).toLowerCase();
  return answer === "y" || answer === "yes" ? found : false;
}

async function* fromArray<T>(items: T[]): AsyncGenerator<T> {
  yield* items;
}
