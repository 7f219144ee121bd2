import type { summaryOf } from "../verify/output.js";
import { plural } from "./purge-summary.js";
import { terminalText } from "./terminal-text.js";

/** `verify`'s closing lines on stderr (without --json): what was checked and the verdict. */
export function verifySummaryLines({
  totals,
  all_gone,
  other_account,
}: ReturnType<typeof summaryOf>): string[] {
  const { all } = totals;
  const verdict = all_gone
    ? "everything listed is gone"
    : all.remaining === 0 && all.errors === 0
      ? "everything checked is gone"
      : [
          all.remaining > 0 ? `${all.remaining} still ${all.remaining === 1 ? "exists" : "exist"}` : "",
          all.errors > 0 ? `${all.errors} could not be checked` : "",
        ]
          .filter(Boolean)
          .join(", ");
  const lines = [`Checked ${all.checked}: ${all.gone} gone; ${verdict}.`];
  if (other_account.lines > 0) {
    lines.push(
      `${other_account.lines} ${plural(other_account.lines, "line")} of another account (${terminalText(other_account.account_sids.join(", "))}) not checked: run verify with that account's credentials.`,
    );
  }
  return lines;
}
