import type { ReadProgress } from "../select/sessions.js";

/**
 * The progress line of a long read on a terminal (list, report, purge): Sessions read of how many
 * (`120/400+` while the Sessions are still being listed), Interactions, rate and, once the total is
 * known, an estimate of the time left from the rate of Sessions so far.
 */
export function readProgressLine(
  verb: string,
  progress: Readonly<ReadProgress>,
  startedAt: number,
  now = Date.now(),
): string {
  const seconds = Math.max(0.001, (now - startedAt) / 1000);
  const toRead = progress.sessionsListed - progress.sessionsSkipped;
  const total = `${toRead}${progress.listingDone ? "" : "+"}`;
  const rate = progress.interactionsRead / seconds;
  let line = `${verb}… ${progress.sessionsRead}/${total} Sessions, ${progress.interactionsRead} Interactions (${rate.toFixed(0)}/s)`;
  if (progress.sessionsSkipped > 0) line += `, ${progress.sessionsSkipped} Sessions skipped by date`;
  if (progress.listingDone && progress.sessionsRead > 0 && progress.sessionsRead < toRead) {
    const left = ((toRead - progress.sessionsRead) * seconds) / progress.sessionsRead;
    line += `, about ${formatDuration(left)} left`;
  }
  return line;
}

function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}
