import type { VerifyProgress } from "./check.js";

/** The verdict of a verify run: totals, whether everything listed is gone, lines of another account. */
export function summaryOf(progress: VerifyProgress, files: readonly string[]) {
  const all = { checked: 0, gone: 0, remaining: 0, not_visible: 0, errors: 0 };
  for (const totals of Object.values(progress.totals)) {
    all.checked += totals.checked;
    all.gone += totals.gone;
    all.remaining += totals.remaining;
    all.not_visible += totals.not_visible;
    all.errors += totals.errors;
  }
  return {
    files: [...files],
    // Lines of another account were not checked: no proof either way (wrong credentials must not pass).
    all_gone:
      all.remaining === 0 && all.errors === 0 && all.not_visible === 0 && progress.otherAccountLines === 0,
    totals: { all, ...progress.totals },
    other_account: { lines: progress.otherAccountLines, account_sids: [...progress.otherAccounts] },
  };
}
