/**
 * Which Message/Call statuses are final. Twilio refuses to delete a Message or Call that is still on its
 * way (error 20009, https://www.twilio.com/docs/errors/20009), so the emulator must know the difference.
 */

/** https://www.twilio.com/docs/messaging/api/message-resource#message-status-values */
const MESSAGE_NOT_FINAL = new Set(["queued", "sending", "accepted", "scheduled", "receiving"]);

/** https://www.twilio.com/docs/voice/api/call-resource#call-status-values */
const CALL_NOT_FINAL = new Set(["queued", "ringing", "in-progress"]);

export function isFinalMessageStatus(status: string): boolean {
  return !MESSAGE_NOT_FINAL.has(status);
}

export function isFinalCallStatus(status: string): boolean {
  return !CALL_NOT_FINAL.has(status);
}

/** Seeded outcomes, weighted by repetition: most messages arrive, a few do not. */
export const OUTBOUND_MESSAGE_FINAL = [
  "delivered",
  "delivered",
  "delivered",
  "delivered",
  "delivered",
  "delivered",
  "sent",
  "sent",
  "undelivered",
  "failed",
] as const;
export const MESSAGE_NOT_FINAL_SEEDED = ["queued", "sending"] as const;
export const OUTBOUND_CALL_FINAL = [
  "completed",
  "completed",
  "completed",
  "completed",
  "completed",
  "completed",
  "completed",
  "busy",
  "no-answer",
  "no-answer",
] as const;
export const CALL_NOT_FINAL_SEEDED = ["in-progress", "ringing"] as const;

/** Twilio error codes that go with failed/undelivered messages (30003 unreachable, 30005 unknown, 30007 filtered). */
export const MESSAGE_ERRORS: Readonly<Record<string, readonly [number, string]>> = {
  failed: [30005, "Unknown destination handset"],
  undelivered: [30003, "Unreachable destination handset"],
};
