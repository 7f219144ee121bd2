/**
 * `/__emulator/finalize`: everything still in flight (Messages queued or sending, Calls ringing or in
 * progress, Recordings processing, Transcriptions in progress) completes now, so a later purge can delete it.
 */

import { isFinalCallStatus, isFinalMessageStatus } from "./statuses.js";
import type { Store } from "./store.js";

/** Returns how many records changed. */
export function finalizeAll(store: Store, nowMs: number): number {
  let changed = 0;
  for (const message of store.messages()) {
    if (isFinalMessageStatus(message.status)) continue;
    message.status = message.direction === "inbound" ? "received" : "delivered";
    message.sentMs = nowMs;
    message.updatedMs = nowMs;
    changed++;
  }
  for (const call of store.calls()) {
    if (isFinalCallStatus(call.status)) continue;
    call.status = "completed";
    // A call that was ringing or in progress ends now with a plausible length, not "since it started".
    call.startMs ??= call.createdMs;
    call.duration ??= 60;
    call.endMs = call.startMs + call.duration * 1000;
    call.updatedMs = nowMs;
    changed++;
  }
  for (const recording of store.recordings()) {
    if (recording.status === "completed") continue;
    recording.status = "completed";
    recording.duration ??= recording.call.duration ?? 60;
    recording.updatedMs = nowMs;
    changed++;
  }
  for (const transcription of store.transcriptions()) {
    if (transcription.status === "completed") continue;
    transcription.status = "completed";
    transcription.updatedMs = nowMs;
    changed++;
  }
  return changed;
}
