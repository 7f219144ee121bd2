import type { IOStreams, Spinner } from "../io.js";
import type { PurgeReport } from "../purge/outcomes.js";
import type { ReadProgress } from "../select/sessions.js";

/**
 * The progress line of a long read on a terminal (list, report, purge): Sessions read of how many
 * (`120/400+` while the Sessions are still being listed), Interactions, rate and, once the total is
 * known, an estimate of the time left from the rate of Sessions so far. Only counts go into it, never
 * server text (and io.spinner escapes whatever it is given).
 */
export function readProgressLine(
  verb: string,
  progress: Readonly<ReadProgress>,
  startedAt: number,
  now = Date.now(),
): string {
  const seconds = elapsed(startedAt, now);
  const rate = progress.interactionsRead / seconds;
  let line = `${verb}… ${sessionsPart(progress)}, ${progress.interactionsRead} Interactions (${rate.toFixed(0)}/s)`;
  if (progress.sessionsSkipped > 0) line += `, ${progress.sessionsSkipped} Sessions skipped by date`;
  return line + timeLeft(progress, seconds);
}

/**
 * A purge's line: how far the read has got (when the targets come from Sessions), then what was done
 * with the Interactions taken so far, their rate and, once the Sessions are counted, the time left.
 */
export function purgeProgressLine(
  report: PurgeReport,
  read: Readonly<ReadProgress> | null,
  startedAt: number,
  now = Date.now(),
): string {
  const i = report.interactions;
  const seconds = elapsed(startedAt, now);
  const rate = `(${(i.matched / seconds).toFixed(0)}/s)`;
  const where = read ? `${sessionsPart(read)}, ${read.interactionsRead} Interactions read, ` : "";
  const left = read ? timeLeft(read, seconds) : "";
  if (report.dry_run) return `Listing… ${where}${i.matched} matched ${rate}${left}`;
  return `Deleting… ${where}${i.deleted} deleted, ${i.deferred} deferred, ${i.skipped} skipped, ${i.failed} failed of ${i.matched} ${rate}${left}`;
}

/** A fresh count for a read that is about to start. */
export function newReadProgress(): ReadProgress {
  return { sessionsListed: 0, sessionsSkipped: 0, listingDone: false, sessionsRead: 0, interactionsRead: 0 };
}

/**
 * A progress line on stderr, redrawn in place: shown only when `show` (the caller's --quiet/--json)
 * and io gives a spinner (stderr is a terminal with a width); otherwise every call is a no-op. The
 * text is built at most every 100 ms, and `stop` clears the line, so it is gone before any summary.
 */
export class ProgressLine {
  readonly startedAt = Date.now();
  private lastUpdate = 0;

  private constructor(private spinner: Spinner | null) {}

  static async start(io: IOStreams, text: string, show: boolean): Promise<ProgressLine> {
    return new ProgressLine(show ? await io.spinner(text) : null);
  }

  get shown(): boolean {
    return this.spinner !== null;
  }

  update(text: (startedAt: number) => string): void {
    if (!this.spinner || Date.now() - this.lastUpdate < 100) return;
    this.lastUpdate = Date.now();
    this.spinner.text = text(this.startedAt);
  }

  stop(): void {
    this.spinner?.stop();
    this.spinner = null;
  }
}

function elapsed(startedAt: number, now: number): number {
  return Math.max(0.001, (now - startedAt) / 1000);
}

function sessionsPart(progress: Readonly<ReadProgress>): string {
  const toRead = progress.sessionsListed - progress.sessionsSkipped;
  return `${progress.sessionsRead}/${toRead}${progress.listingDone ? "" : "+"} Sessions`;
}

function timeLeft(progress: Readonly<ReadProgress>, seconds: number): string {
  const toRead = progress.sessionsListed - progress.sessionsSkipped;
  if (!progress.listingDone || progress.sessionsRead === 0 || progress.sessionsRead >= toRead) return "";
  return `, about ${formatDuration(((toRead - progress.sessionsRead) * seconds) / progress.sessionsRead)} left`;
}

function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}
