import { CommanderError } from "commander";
import { terminalText } from "./render/terminal-text.js";

/**
 * The error kinds proxy-ix can end with, and the one place that maps them to exit codes
 * (documented in docs/exit-codes.md). Like gh's `cmdutil` errors: commands throw, `cli.ts` catches once.
 */

export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  auth: 3,
  notFound: 4,
  interrupted: 130,
} as const;

/** Bad flags, SIDs, dates, credentials: detected before anything is sent. Exit 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** Twilio answered with an error body ({code, message, more_info, status}) or an unexpected HTTP status. */
export class TwilioApiError extends Error {
  override name = "TwilioApiError";
  readonly status: number;
  readonly code: number | null;
  readonly moreInfo: string | null;
  /** Method and path of the request, never its credentials. */
  readonly request: string;

  constructor(
    init: { status: number; code: number | null; message: string; moreInfo: string | null; request: string },
    options?: ErrorOptions,
  ) {
    super(init.message, options);
    this.status = init.status;
    this.code = init.code;
    this.moreInfo = init.moreInfo;
    this.request = init.request;
  }
}

/** The server answered something that is not what the Twilio API documents (HTML, bad JSON, wrong shape). */
export class ResponseShapeError extends Error {
  override name = "ResponseShapeError";
}

/** The Service, Session or Interaction asked for does not exist (found out without a 404 of our own). Exit 4. */
export class NotFoundError extends Error {
  override name = "NotFoundError";
}

/** A URL on an origin we were not configured for: refused so credentials never leave the configured hosts. */
export class ForeignOriginError extends Error {
  override name = "ForeignOriginError";
}

/** The network failed after retries (timeouts, resets, refused connections). */
export class NetworkError extends Error {
  override name = "NetworkError";
}

/** The user pressed Ctrl-C. */
export class InterruptedError extends Error {
  override name = "InterruptedError";
}

/** stdout was closed by the reader (e.g. `proxy-ix list | head`): stop quietly, exit 0. */
export class BrokenPipeError extends Error {
  override name = "BrokenPipeError";
}

/**
 * Why a command that printed its own outcome (a report, a summary, a list with a note) ends non-zero.
 * The command says what happened; `exitCodeFor` alone says which code that is.
 */
export const OUTCOME_EXIT_CODES = {
  /** "no" at the confirmation prompt: nothing was changed. */
  cancelled: ExitCode.usage,
  /** Something failed, remains, or could not be read (a purge's failures, verify's remaining items). */
  failed: ExitCode.failure,
  /** A run stopped because Twilio refused the credentials (401/403). */
  stoppedAuth: ExitCode.auth,
  /** A run stopped on Ctrl-C or SIGTERM and reported what it had done. */
  interrupted: ExitCode.interrupted,
} as const;

export type ReportedOutcome = keyof typeof OUTCOME_EXIT_CODES;

/**
 * A command that already reported its own outcome and only needs the exit code set (e.g. purge with
 * failures). With a `cause` (and no outcome), the code is the cause's: a listing error after a report.
 */
export class SilentExit extends Error {
  override name = "SilentExit";
  readonly outcome: ReportedOutcome | null;
  constructor(outcome: ReportedOutcome | null, options?: ErrorOptions) {
    super(outcome ? `ended: ${outcome}` : "ended: see the cause", options);
    this.outcome = outcome;
  }
}

/**
 * The one map from how a run ended to its exit code (docs/exit-codes.md; test/unit/exit-codes.test.ts
 * checks every case against that page). `main` in cli.ts returns what this gives for whatever was thrown.
 */
export function exitCodeFor(err: unknown): number {
  if (err instanceof CommanderError) {
    // --help and --version end through commander's exitOverride too: they are not errors.
    return COMMANDER_OK.has(err.code) ? ExitCode.ok : ExitCode.usage;
  }
  if (err instanceof BrokenPipeError) return ExitCode.ok;
  if (err instanceof SilentExit)
    return err.outcome ? OUTCOME_EXIT_CODES[err.outcome] : exitCodeFor(err.cause ?? new Error());
  if (err instanceof UsageError) return ExitCode.usage;
  if (err instanceof InterruptedError) return ExitCode.interrupted;
  if (err instanceof NotFoundError) return ExitCode.notFound;
  if (err instanceof TwilioApiError) {
    if (err.status === 401 || err.status === 403)
      return err.code === 80615 ? ExitCode.failure : ExitCode.auth;
    // Only Twilio's 20404 says "does not exist"; a gateway's 404 page proves nothing.
    if (err.status === 404 && err.code === 20404) return ExitCode.notFound;
  }
  return ExitCode.failure;
}

const COMMANDER_OK = new Set(["commander.helpDisplayed", "commander.version", "commander.help"]);

/**
 * One line for a human: what failed, Twilio's code and its more_info link. Messages carry server text
 * (Twilio's message, a path from a next-page URL), so the whole line has its control characters made
 * visible: no escape sequence reaches the terminal or a log viewer.
 */
export function describeError(err: unknown): string {
  if (err instanceof TwilioApiError) {
    const code = err.code === null ? `HTTP ${err.status}` : `Twilio error ${err.code} (HTTP ${err.status})`;
    const more = err.moreInfo ? ` — see ${oneLine(err.moreInfo)}` : "";
    return `${oneLine(err.request)}: ${code}: ${oneLine(err.message)}${more}`;
  }
  if (err instanceof Error) return oneLine(err.message);
  return oneLine(String(err));
}

function oneLine(text: string): string {
  return terminalText(text.replace(/\s+/g, " ").trim());
}
