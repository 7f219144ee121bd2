/**
 * Read access to the emulator's data for tests, in the same JSON shapes the API serves, without HTTP
 * and without touching the request counters.
 */
import type {
  ApiCall,
  ApiMedia,
  ApiMessage,
  ApiRecording,
  ApiTranscription,
  ProxyInteraction,
  ProxyParticipant,
  ProxyService,
  ProxySession,
} from "./api-types.js";
import type { EmulatorCore } from "./core.js";
import { renderCall, renderMessage } from "./render-api.js";
import { renderMedia, renderRecording, renderTranscription } from "./render-children.js";
import { renderInteraction, renderParticipant, renderService, renderSession } from "./render-proxy.js";
import type { StoreCounts } from "./store.js";

export interface EmulatorStore {
  counts(): StoreCounts;
  listServices(): ProxyService[];
  getService(sid: string): ProxyService | undefined;
  /** Sessions of one service, or of every service, in API order. */
  listSessions(serviceSid?: string): ProxySession[];
  getSession(sid: string): ProxySession | undefined;
  listParticipants(sessionSid: string): ProxyParticipant[];
  getParticipant(sid: string): ProxyParticipant | undefined;
  /** A session's live interactions in API order (newest first); [] for an unknown session. */
  listInteractions(sessionSid: string): ProxyInteraction[];
  getInteraction(sid: string): ProxyInteraction | undefined;
  listMessages(): ApiMessage[];
  getMessage(sid: string): ApiMessage | undefined;
  listCalls(): ApiCall[];
  getCall(sid: string): ApiCall | undefined;
  /** Every live Media (of every Message, deleted ones included), Recording and Transcription. */
  listMedia(): ApiMedia[];
  listRecordings(): ApiRecording[];
  listTranscriptions(): ApiTranscription[];
  /** True for a live record whose parent is gone (Interaction, Message, Call or Recording). */
  isOrphan(sid: string): boolean;
}

export function storeView(core: EmulatorCore): EmulatorStore {
  const store = core.store;
  const maybe = <T, R>(record: T | undefined, render: (record: T) => R): R | undefined =>
    record === undefined ? undefined : render(record);
  return {
    counts: () => store.counts(),
    listServices: () => store.services.all().map((s) => renderService(core, s)),
    getService: (sid) => maybe(store.service(sid), (s) => renderService(core, s)),
    listSessions: (serviceSid) =>
      store.services
        .all()
        .filter((s) => serviceSid === undefined || s.sid === serviceSid)
        .flatMap((s) => s.sessions.all().map((session) => renderSession(core, session))),
    getSession: (sid) => maybe(store.session(sid), (s) => renderSession(core, s)),
    listParticipants: (sessionSid) =>
      store
        .session(sessionSid)
        ?.participants.all()
        .map((p) => renderParticipant(core, p)) ?? [],
    getParticipant: (sid) => maybe(store.participant(sid), (p) => renderParticipant(core, p)),
    listInteractions: (sessionSid) =>
      store
        .session(sessionSid)
        ?.interactions.all()
        .map((i) => renderInteraction(core, i)) ?? [],
    getInteraction: (sid) => maybe(store.interaction(sid), (i) => renderInteraction(core, i)),
    listMessages: () => [...store.messages()].map((m) => renderMessage(core.accountSid, m)),
    getMessage: (sid) => maybe(store.message(sid), (m) => renderMessage(core.accountSid, m)),
    listCalls: () => [...store.calls()].map((c) => renderCall(core.accountSid, c)),
    getCall: (sid) => maybe(store.call(sid), (c) => renderCall(core.accountSid, c)),
    listMedia: () => [...store.mediaList()].map((m) => renderMedia(core.accountSid, m)),
    listRecordings: () => [...store.recordings()].map((r) => renderRecording(core.accountSid, r)),
    listTranscriptions: () => [...store.transcriptions()].map((t) => renderTranscription(core.accountSid, t)),
    isOrphan: (sid) => store.isOrphan(sid),
  };
}
