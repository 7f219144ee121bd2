/**
 * The personal data one level further down: Media of MMS Messages, Recordings of Calls and the
 * Transcriptions of Recordings. They come from a PRNG stream of their own, so adding them (or changing
 * their rates) leaves every Interaction, Message and Call of a given random seed exactly as it was.
 */
import type { SeedOptions } from "./options.js";
import { Prng } from "./prng.js";
import type { CallRecord, MessageRecord, RecordingRecord, TranscriptionRecord } from "./records.js";
import { MESSAGE_BODIES } from "./seed-text.js";
import { SID_PREFIX } from "./sids.js";

const SECOND = 1000;
const CONTENT_TYPES = ["image/jpeg", "image/jpeg", "image/png", "image/gif"] as const;
/** Share of completed Recordings that have a Transcription. */
const TRANSCRIBED_SHARE = 0.5;

export class ChildSeeder {
  private readonly rng: Prng;

  constructor(
    private readonly seed: SeedOptions,
    private readonly nowMs: number,
  ) {
    // A fixed offset from the main seed: a different stream, still reproducible from --random-seed.
    this.rng = new Prng((seed.randomSeed ^ 0x9e3779b9) >>> 0);
  }

  /** How many pictures an MMS carries (1–3); drawn once per interaction so both legs agree. */
  mediaCount(): number {
    return 1 + this.rng.int(3);
  }

  /** Adds `count` Media to an MMS Message, created with it. */
  addMedia(message: MessageRecord, count: number): void {
    for (let i = 0; i < count; i++) {
      message.media.push({
        sid: SID_PREFIX.media + this.rng.hex32(),
        createdMs: message.createdMs,
        live: true,
        message,
        contentType: this.rng.pick(CONTENT_TYPES),
        updatedMs: message.createdMs,
      });
    }
  }

  /**
   * Gives a completed Call a Recording with `recordingRate`; `notFinalRate` of Recordings are still
   * `processing` (a DELETE is 20009), half of the others have a Transcription. The same draws are taken
   * whatever the call or the rates, so rates change statuses, not SIDs.
   */
  addRecordings(call: CallRecord): void {
    const has = this.rng.next();
    const processing = this.rng.next();
    const transcribed = this.rng.next();
    const text = this.rng.pick(MESSAGE_BODIES);
    const recordingSid = SID_PREFIX.recording + this.rng.hex32();
    const transcriptionSid = SID_PREFIX.transcription + this.rng.hex32();
    if (call.status !== "completed" || has >= this.seed.recordingRate) return;
    const done = processing >= this.seed.notFinalRate;
    const startMs = call.startMs ?? call.createdMs;
    const createdMs = Math.min(this.nowMs, startMs + SECOND);
    const recording: RecordingRecord = {
      sid: recordingSid,
      createdMs,
      live: true,
      call,
      status: done ? "completed" : "processing",
      startMs,
      duration: done ? (call.duration ?? 0) : null,
      updatedMs: done ? Math.min(this.nowMs, call.endMs ?? createdMs) : createdMs,
      transcriptions: [],
    };
    if (done && transcribed < TRANSCRIBED_SHARE) {
      const transcription: TranscriptionRecord = {
        sid: transcriptionSid,
        createdMs: recording.updatedMs,
        live: true,
        recording,
        status: "completed",
        text,
        duration: recording.duration ?? 0,
        updatedMs: recording.updatedMs,
      };
      recording.transcriptions.push(transcription);
    }
    call.recordings.push(recording);
  }
}
