import type { IOStreams } from "../io.js";
import type { Column } from "../render/columns.js";
import { jsonText } from "../render/terminal-text.js";
import { createWriter } from "../render/writers.js";
import type { CheckOutcome, VerifyProgress } from "./check.js";
import type { Check } from "./export-lines.js";

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
