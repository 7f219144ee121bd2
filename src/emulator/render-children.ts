/** Media, Recordings and Transcriptions as v2010's JSON: relative `uri`s and RFC 2822 dates, as Twilio sends. */
import type { ApiMedia, ApiRecording, ApiTranscription } from "./api-types.js";
import { rfc2822Date } from "./dates.js";
import type { MediaRecord, RecordingRecord, TranscriptionRecord } from "./records.js";
import { callPath, messagePath } from "./render-api.js";

export function renderMedia(accountSid: string, m: MediaRecord): ApiMedia {
  return {
    account_sid: accountSid,
    content_type: m.contentType,
    date_created: rfc2822Date(m.createdMs),
    date_updated: rfc2822Date(m.updatedMs),
    parent_sid: m.message.sid,
    sid: m.sid,
    uri: `${messagePath(accountSid, m.message.sid)}/Media/${m.sid}.json`,
  };
}

export function renderRecording(accountSid: string, r: RecordingRecord): ApiRecording {
  return {
    account_sid: accountSid,
    api_version: "2010-04-01",
    call_sid: r.call.sid,
    conference_sid: null,
    date_created: rfc2822Date(r.createdMs),
    date_updated: rfc2822Date(r.updatedMs),
    start_time: rfc2822Date(r.startMs),
    duration: r.duration === null ? null : String(r.duration),
    sid: r.sid,
    // The spec types price as a number (Twilio's examples show strings); the emulator follows the spec.
    price: r.status === "completed" ? -0.0025 * Math.ceil((r.duration ?? 0) / 60) : null,
    uri: `${callPath(accountSid, r.call.sid)}/Recordings/${r.sid}.json`,
    encryption_details: null,
    price_unit: "USD",
    status: r.status,
    channels: 1,
    source: "DialVerb",
    error_code: null,
    track: "both",
  };
}

export function renderTranscription(accountSid: string, t: TranscriptionRecord): ApiTranscription {
  return {
    account_sid: accountSid,
    api_version: "2010-04-01",
    date_created: rfc2822Date(t.createdMs),
    date_updated: rfc2822Date(t.updatedMs),
    duration: String(t.duration),
    price: t.status === "completed" ? -0.05 : null,
    price_unit: "USD",
    recording_sid: t.recording.sid,
    sid: t.sid,
    status: t.status,
    transcription_text: t.status === "completed" ? t.text : null,
    type: "fast",
    uri: `/2010-04-01/Accounts/${accountSid}/Transcriptions/${t.sid}.json`,
  };
}
