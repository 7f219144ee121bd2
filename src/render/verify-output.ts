import type { IOStreams } from "../io.js";
import type { CheckOutcome, VerifyProgress } from "../verify/check.js";
import type { Check } from "../verify/export-lines.js";
import { summaryOf } from "../verify/summary.js";
import type { Column } from "./columns.js";
import { plural } from "./purge-summary.js";
import { jsonText, terminalText } from "./terminal-text.js";
import { createWriter } from "./writers.js";

/** One row of what still exists or could not be checked. */
export interface VerifyRow {
  kind: string;
  sid: string;
  parent: string;
  state: string;
}

const COLUMNS: Column<VerifyRow>[] = (["kind", "sid", "parent", "state"] as const).map((name) => ({
  name,
  value: (row: VerifyRow) => row[name],
}));

/** At most this many errors are listed in the JSON (their count is never capped). */
const MAX_LISTED_ERRORS = 1000;

/** Streams what remains (and what could not be checked) as a table, TSV lines or one JSON object. */
export interface VerifyOutput {
  add(check: Check, outcome: CheckOutcome): Promise<void>;
  end(progress: VerifyProgress, files: readonly string[]): Promise<void>;
}

export function createVerifyOutput(
  io: IOStreams,
  json: boolean,
  metadata: () => object = () => ({}),
): VerifyOutput {
  return json ? jsonOutput(io, metadata) : rowOutput(io);
}

function rowOutput(io: IOStreams): VerifyOutput {
  const writer = createWriter<VerifyRow>(io, {
    format: io.isStdoutTTY ? "table" : "tsv",
    columns: COLUMNS,
    emptyMessage: "Nothing listed still exists.",
  });
  return {
    async add(check, outcome) {
      if (outcome.state === "gone") return;
      const state =
        outcome.state === "remaining"
          ? "remaining"
          : outcome.state === "not_visible"
            ? "not visible: 404, but its Interaction is older than --visible-days (may be archived)"
            : `unchecked: ${outcome.message}`;
      await writer.write({ kind: check.kind, sid: check.sid, parent: check.parent, state });
    },
    async end() {
      await writer.end();
    },
  };
}

/**
 * `{"remaining": [...], "errors": [...], "totals": {...}, ...}` (docs/output.md#verify): `remaining` is
 * written item by item as the checks come back, so a million remaining items never sit in memory.
 */
function jsonOutput(io: IOStreams, metadata: () => object): VerifyOutput {
  let remaining = 0;
  const errors: Record<string, unknown>[] = [];
  let omittedErrors = 0;
  const notVisible: Record<string, unknown>[] = [];
  let omittedNotVisible = 0;
  return {
    async add(check, outcome) {
      if (outcome.state === "remaining") {
        const item = { kind: check.kind, sid: check.sid, parent: check.parent };
        await io.out(`${remaining === 0 ? '{"remaining":[' : ","}${jsonText(item)}`);
        remaining++;
      } else if (outcome.state === "not_visible") {
        if (notVisible.length >= MAX_LISTED_ERRORS) omittedNotVisible++;
        else {
          const { kind, sid, parent } = check;
          notVisible.push({ kind, sid, parent, interaction_date_created: outcome.interactionDateCreated });
        }
      } else if (outcome.state === "error") {
        if (errors.length >= MAX_LISTED_ERRORS) omittedErrors++;
        else {
          const { status, code, message } = outcome;
          errors.push({ kind: check.kind, sid: check.sid, parent: check.parent, status, code, message });
        }
      }
    },
    async end(progress, files) {
      const summary = summaryOf(progress, files);
      // The run's metadata (report.schema.json) comes last: `remaining` streamed before it was over.
      const rest = jsonText({
        errors,
        omitted_errors: omittedErrors,
        not_visible: notVisible,
        omitted_not_visible: omittedNotVisible,
        ...summary,
        ...metadata(),
      });
      await io.out(`${remaining === 0 ? '{"remaining":[' : ""}],${rest.slice(1)}\n`);
    },
  };
}

/** `verify`'s closing lines on stderr (without --json): what was checked and the verdict. */
export function verifySummaryLines({
  totals,
  all_gone,
  other_account,
}: ReturnType<typeof summaryOf>): string[] {
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
  const lines = [`Checked ${all.checked}: ${all.gone} gone; ${verdict}.`];
  if (other_account.lines > 0) {
    lines.push(
      `${other_account.lines} ${plural(other_account.lines, "line")} of another account (${terminalText(other_account.account_sids.join(", "))}) not checked: run verify with that account's credentials.`,
    );
  }
  return lines;
}
