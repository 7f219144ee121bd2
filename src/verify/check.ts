import type { ApiClient, ApiOrigins } from "../api/client.js";
import { isGone } from "../api/identity.js";
import { describeError, TwilioApiError } from "../errors.js";
import { DEFAULT_VISIBLE_DAYS, missingOutcome, type Visibility } from "../purge/plan.js";
import { CHECK_KINDS, type Check, type CheckKind, type ExportEntry } from "./export-lines.js";

/** What one GET said about one listed item. */
export type CheckOutcome =
  | { state: "gone" }
  | { state: "remaining" }
  /** 20404 for a record whose Interaction is older than `--visible-days`: archived, or gone. */
  | { state: "not_visible"; interactionDateCreated: string | null }
  | { state: "error"; status: number | null; code: number | null; message: string };

export interface KindTotals {
  checked: number;
  gone: number;
  remaining: number;
  not_visible: number;
  errors: number;
}

/** The URL of a listed item (paths as in Twilio's OpenAPI documents, test/contract/twilio-oai/). */
export function checkUrl(client: ApiOrigins, check: Check): string {
  const proxy = `${client.proxyOrigin}/v1/Services/${check.serviceSid}/Sessions`;
  const api = `${client.apiOrigin}/2010-04-01/Accounts/${client.accountSid}`;
  switch (check.kind) {
    case "interaction":
      return `${proxy}/${check.sessionSid}/Interactions/${check.sid}`;
    case "session":
      return `${proxy}/${check.sid}`;
    case "participant":
      return `${proxy}/${check.sessionSid}/Participants/${check.sid}`;
    case "message":
      return `${api}/Messages/${check.sid}.json`;
    case "call":
      return `${api}/Calls/${check.sid}.json`;
    case "media":
      return `${api}/Messages/${check.parent}/Media/${check.sid}.json`;
    case "recording":
      return `${api}/Calls/${check.parent}/Recordings/${check.sid}.json`;
    case "transcription":
      return `${api}/Recordings/${check.parent}/Transcriptions/${check.sid}.json`;
  }
}

/**
 * Gone is Twilio's 404 with code 20404 and nothing else (https://www.twilio.com/docs/errors/20404): a
 * gateway's 404, a 5xx after retries or a timeout prove nothing, so they are errors, never "gone".
 * Credentials refused (401, 403 other than 80615) stop the run: every other check would fail the same way.
 * A Message, Call or anything under one whose Interaction is older than `visibility.days` may be
 * archived: its 20404 proves nothing either (the same rule as purge's, plan.ts `missingOutcome`).
 */
export async function checkOne(
  client: ApiClient,
  check: Check,
  visibility: Visibility = { days: DEFAULT_VISIBLE_DAYS, nowMs: Date.now() },
): Promise<CheckOutcome> {
  try {
    await client.getJson(checkUrl(client, check));
    return { state: "remaining" };
  } catch (error) {
    if (isGone(error)) {
      const date = check.interactionDateCreated;
      if (date === undefined) return { state: "gone" };
      return missingOutcome({ date_created: date } as Parameters<typeof missingOutcome>[0], visibility) ===
        "already_gone"
        ? { state: "gone" }
        : { state: "not_visible", interactionDateCreated: date };
    }
    if (error instanceof TwilioApiError && (error.status === 401 || error.status === 403)) {
      if (error.code !== 80615) throw error;
    }
    return {
      state: "error",
      status: error instanceof TwilioApiError ? error.status : null,
      code: error instanceof TwilioApiError ? error.code : null,
      message: describeError(error),
    };
  }
}

export interface VerifyProgress {
  totals: Record<CheckKind, KindTotals>;
  otherAccountLines: number;
  otherAccounts: Set<string>;
}

export function emptyTotals(): Record<CheckKind, KindTotals> {
  return Object.fromEntries(
    CHECK_KINDS.map((kind) => [kind, { checked: 0, gone: 0, remaining: 0, not_visible: 0, errors: 0 }]),
  ) as Record<CheckKind, KindTotals>;
}

/** At most this many other accounts are named in the output (the count is never capped). */
const MAX_OTHER_ACCOUNTS = 20;

/**
 * Checks every item of every line for this account with `workers` checks at once (the client's gate,
 * purge's adaptive limiter, decides how many requests are really on the wire). Lines of another account
 * are counted, not checked: this account's credentials cannot see them. Results go to `onResult` as they
 * come, so memory stays flat whatever the file's length.
 */
export async function runChecks(
  client: ApiClient,
  entries: AsyncIterable<ExportEntry>,
  workers: number,
  onResult: (check: Check, outcome: CheckOutcome) => Promise<void>,
  visibleDays: number = DEFAULT_VISIBLE_DAYS,
): Promise<VerifyProgress> {
  // One instant for the whole run, as purge does.
  const visibility: Visibility = { days: visibleDays, nowMs: Date.now() };
  const progress: VerifyProgress = {
    totals: emptyTotals(),
    otherAccountLines: 0,
    otherAccounts: new Set(),
  };
  const checks = checksOf(entries, client.accountSid, progress);
  let failure: unknown;
  async function worker(): Promise<void> {
    while (failure === undefined) {
      const next = await checks.next();
      if (next.done) return;
      const check = next.value;
      try {
        const outcome = await checkOne(client, check, visibility);
        const totals = progress.totals[check.kind];
        totals.checked++;
        if (outcome.state === "error") totals.errors++;
        else totals[outcome.state]++;
        await onResult(check, outcome);
      } catch (error) {
        failure ??= error;
      }
    }
  }
  try {
    await Promise.all(Array.from({ length: workers }, worker));
  } catch (error) {
    failure ??= error;
  }
  if (failure !== undefined) throw failure;
  return progress;
}

async function* checksOf(
  entries: AsyncIterable<ExportEntry>,
  accountSid: string,
  progress: VerifyProgress,
): AsyncGenerator<Check> {
  for await (const entry of entries) {
    if (entry.accountSid !== accountSid) {
      progress.otherAccountLines++;
      if (progress.otherAccounts.size < MAX_OTHER_ACCOUNTS) progress.otherAccounts.add(entry.accountSid);
      continue;
    }
    yield* entry.checks;
  }
}
