import type { ApiClient } from "../api/client.js";
import { isGone } from "../api/identity.js";
import { describeError, TwilioApiError } from "../errors.js";
import type { StopReason } from "./outcomes.js";

/** Message still sending / Call in progress: Twilio refuses the DELETE for now; a later run retries. */
export const NOT_FINALIZED = 20009;
/** The account is on legal hold: nothing can be deleted, never retry. */
export const LEGAL_HOLD = 80615;

/** What a failed DELETE is reported as. */
export interface DeleteFailure {
  status: number | null;
  code: number | null;
  message: string;
  /** Why the whole run must stop after it (nothing more can be deleted), or null. */
  stop: { reason: Extract<StopReason, "legal_hold" | "auth">; message: string } | null;
}

/**
 * Twilio's answer to one DELETE, as every deleting run reads it (purge, orphans --delete, erase):
 * only 204 is deleted (the client refuses anything else, redirects included); a 404 with 20404 is
 * already gone; 20009 is not finalized yet (deferred, not a failure); anything else failed, and a
 * legal hold (80615) or refused credentials stop the run.
 */
export type DeleteAnswer =
  | { outcome: "deleted" }
  | { outcome: "gone" }
  | { outcome: "deferred"; code: number }
  | { outcome: "failed"; failure: DeleteFailure };

export async function deleteAndRead(client: ApiClient, url: string): Promise<DeleteAnswer> {
  try {
    await client.delete(url);
    return { outcome: "deleted" };
  } catch (error) {
    if (isGone(error)) return { outcome: "gone" };
    if (error instanceof TwilioApiError && error.code === NOT_FINALIZED) {
      return { outcome: "deferred", code: NOT_FINALIZED };
    }
    return { outcome: "failed", failure: failureOf(error) };
  }
}

/** A failure as the report lists it, from any error (a DELETE's, or one met while reading what is under it). */
export function failureOf(error: unknown): DeleteFailure {
  const api = error instanceof TwilioApiError ? error : null;
  let stop: DeleteFailure["stop"] = null;
  if (api?.code === LEGAL_HOLD) {
    stop = {
      reason: "legal_hold",
      message: `the account is on legal hold (Twilio error ${LEGAL_HOLD}): nothing can be deleted`,
    };
  } else if (api && (api.status === 401 || api.status === 403)) {
    stop = { reason: "auth", message: `authentication refused: ${api.message}` };
  }
  return {
    status: api?.status ?? null,
    code: api?.code ?? null,
    message: api ? api.message : describeError(error),
    stop,
  };
}
