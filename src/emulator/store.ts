/**
 * The emulator's single account: services → sessions → participants and interactions, plus the v2010
 * Messages and Calls the interactions link to, with their Media, Recordings and Transcriptions. Counts
 * (orphans of every kind included) are kept incrementally so `/__emulator/state` stays O(sessions),
 * whatever the number of interactions.
 */
import type {
  CallRecord,
  InteractionRecord,
  Leg,
  MediaRecord,
  MessageRecord,
  ParticipantRecord,
  RecordingRecord,
  ServiceRecord,
  SessionRecord,
  TranscriptionRecord,
} from "./records.js";
import { SortedIndex } from "./sorted-index.js";

/** What is left of the personal data once its parent is gone, per kind. */
export interface OrphansByKind {
  /** Messages/Calls whose Interaction was deleted (traffic that never went through Proxy is not counted). */
  messages: number;
  calls: number;
  /** Media whose Message, Recordings whose Call, Transcriptions whose Recording was deleted. */
  media: number;
  recordings: number;
  transcriptions: number;
}

export interface StoreCounts {
  services: number;
  sessions: number;
  participants: number;
  interactions: number;
  messages: number;
  calls: number;
  media: number;
  recordings: number;
  transcriptions: number;
  /** Every orphan of every kind: the personal data a purge leaves behind (the sum of orphans_by_kind). */
  orphans: number;
  /** Messages/Calls past the API retention window: still held (and counted above) but answering 20404. */
  archived: number;
}

export interface StoreContents {
  services: ServiceRecord[];
  messages: MessageRecord[];
  calls: CallRecord[];
  /** SIDs of the Messages/Calls seeded as orphans (`orphans`), in seed order. */
  seededOrphans: string[];
}

type GoneRecord = SessionRecord | ParticipantRecord | InteractionRecord | MessageRecord | CallRecord;

const DAY_MS = 86_400_000;

function zeroOrphans(): OrphansByKind {
  return { messages: 0, calls: 0, media: 0, recordings: 0, transcriptions: 0 };
}

export class Store {
  services = new SortedIndex<ServiceRecord>();
  private readonly serviceBySid = new Map<string, ServiceRecord>();
  private readonly sessionBySid = new Map<string, SessionRecord>();
  private readonly participantBySid = new Map<string, ParticipantRecord>();
  private readonly interactionBySid = new Map<string, InteractionRecord>();
  private readonly messageBySid = new Map<string, MessageRecord>();
  private readonly callBySid = new Map<string, CallRecord>();
  private readonly mediaBySid = new Map<string, MediaRecord>();
  private readonly recordingBySid = new Map<string, RecordingRecord>();
  private readonly transcriptionBySid = new Map<string, TranscriptionRecord>();
  /** Deleted records by SID: a page token may still name one, and a Recording may be restored. */
  private readonly gone = new Map<string, GoneRecord>();
  private readonly goneRecordings = new Map<string, RecordingRecord>();
  private orphans = zeroOrphans();
  /** Account-wide lists of Messages and Calls, built on first use (seeding stays cheap without them). */
  private messageIndex: SortedIndex<MessageRecord> | null = null;
  private callIndex: SortedIndex<CallRecord> | null = null;
  /** Messages/Calls older than this many days are archived; null = no retention window. */
  retentionDays: number | null = null;
  seededOrphans: readonly string[] = [];

  /** Drops everything and takes the given contents (a fresh seed). */
  replace(contents: StoreContents): void {
    for (const map of [
      this.serviceBySid,
      this.sessionBySid,
      this.participantBySid,
      this.interactionBySid,
      this.messageBySid,
      this.callBySid,
      this.mediaBySid,
      this.recordingBySid,
      this.transcriptionBySid,
      this.gone,
      this.goneRecordings,
    ]) {
      map.clear();
    }
    this.orphans = zeroOrphans();
    this.messageIndex = null;
    this.callIndex = null;
    this.services = new SortedIndex(contents.services);
    this.seededOrphans = contents.seededOrphans;
    for (const service of contents.services) {
      this.serviceBySid.set(service.sid, service);
      for (const session of service.sessions.all()) {
        this.sessionBySid.set(session.sid, session);
        for (const participant of session.participants.all())
          this.participantBySid.set(participant.sid, participant);
        for (const interaction of session.interactions.all())
          this.interactionBySid.set(interaction.sid, interaction);
      }
    }
    for (const message of contents.messages) {
      this.messageBySid.set(message.sid, message);
      if (isGoneLink(message.interaction)) this.orphans.messages++;
      for (const media of message.media) this.mediaBySid.set(media.sid, media);
    }
    for (const call of contents.calls) {
      this.callBySid.set(call.sid, call);
      if (isGoneLink(call.interaction)) this.orphans.calls++;
      for (const recording of call.recordings) {
        this.recordingBySid.set(recording.sid, recording);
        for (const t of recording.transcriptions) this.transcriptionBySid.set(t.sid, t);
      }
    }
  }

  counts(): StoreCounts {
    const o = this.orphans;
    return {
      services: this.serviceBySid.size,
      sessions: this.sessionBySid.size,
      participants: this.participantBySid.size,
      interactions: this.interactionBySid.size,
      messages: this.messageBySid.size,
      calls: this.callBySid.size,
      media: this.mediaBySid.size,
      recordings: this.recordingBySid.size,
      transcriptions: this.transcriptionBySid.size,
      orphans: o.messages + o.calls + o.media + o.recordings + o.transcriptions,
      archived: this.archivedCount(),
    };
  }

  orphansByKind(): OrphansByKind {
    return { ...this.orphans };
  }

  /** The instant before which a Message/Call is archived, or null when there is no retention window. */
  archiveCutoffMs(nowMs = Date.now()): number | null {
    return this.retentionDays === null ? null : nowMs - this.retentionDays * DAY_MS;
  }

  /** Past the API retention window: Twilio still holds it, but the API answers 20404 for it. */
  isArchived(resource: MessageRecord | CallRecord): boolean {
    const cutoff = this.archiveCutoffMs();
    return cutoff !== null && resource.createdMs < cutoff;
  }

  /** O(Messages + Calls), only with a retention window: the window moves with the clock, so no running count. */
  private archivedCount(): number {
    const cutoff = this.archiveCutoffMs();
    if (cutoff === null) return 0;
    let archived = 0;
    for (const map of [this.messageBySid, this.callBySid]) {
      for (const resource of map.values()) if (resource.createdMs < cutoff) archived++;
    }
    return archived;
  }

  service(sid: string): ServiceRecord | undefined {
    return this.serviceBySid.get(sid);
  }

  /** Lookups below take an optional parent so a SID under the wrong parent is "not found", as on Twilio. */
  session(sid: string, serviceSid?: string): SessionRecord | undefined {
    const session = this.sessionBySid.get(sid);
    return session && (serviceSid === undefined || session.serviceSid === serviceSid) ? session : undefined;
  }

  participant(sid: string, sessionSid?: string): ParticipantRecord | undefined {
    const participant = this.participantBySid.get(sid);
    return participant && (sessionSid === undefined || participant.sessionSid === sessionSid)
      ? participant
      : undefined;
  }

  interaction(sid: string, sessionSid?: string): InteractionRecord | undefined {
    const interaction = this.interactionBySid.get(sid);
    return interaction && (sessionSid === undefined || interaction.sessionSid === sessionSid)
      ? interaction
      : undefined;
  }

  /** A Session, Participant or Interaction by SID, live or deleted, for resolving page-token anchors. */
  anyRecord(sid: string): SessionRecord | ParticipantRecord | InteractionRecord | undefined {
    const record =
      this.sessionBySid.get(sid) ??
      this.participantBySid.get(sid) ??
      this.interactionBySid.get(sid) ??
      this.gone.get(sid);
    return record && !("direction" in record) ? record : undefined;
  }

  /** A Message or Call by SID, live or deleted, for resolving page-token anchors of the account's lists. */
  anyResource(sid: string): MessageRecord | CallRecord | undefined {
    const record = this.messageBySid.get(sid) ?? this.callBySid.get(sid) ?? this.gone.get(sid);
    return record && "direction" in record ? record : undefined;
  }

  message(sid: string): MessageRecord | undefined {
    return this.messageBySid.get(sid);
  }

  call(sid: string): CallRecord | undefined {
    return this.callBySid.get(sid);
  }

  media(sid: string): MediaRecord | undefined {
    return this.mediaBySid.get(sid);
  }

  recording(sid: string): RecordingRecord | undefined {
    return this.recordingBySid.get(sid);
  }

  /** A Recording, live or deleted (its Transcriptions outlive it). */
  anyRecording(sid: string): RecordingRecord | undefined {
    return this.recordingBySid.get(sid) ?? this.goneRecordings.get(sid);
  }

  transcription(sid: string): TranscriptionRecord | undefined {
    return this.transcriptionBySid.get(sid);
  }

  messages(): IterableIterator<MessageRecord> {
    return this.messageBySid.values();
  }

  calls(): IterableIterator<CallRecord> {
    return this.callBySid.values();
  }

  mediaList(): IterableIterator<MediaRecord> {
    return this.mediaBySid.values();
  }

  recordings(): IterableIterator<RecordingRecord> {
    return this.recordingBySid.values();
  }

  transcriptions(): IterableIterator<TranscriptionRecord> {
    return this.transcriptionBySid.values();
  }

  /** The account's Messages in list order (deleted ones are skipped by the index). */
  messageList(): SortedIndex<MessageRecord> {
    this.messageIndex ??= new SortedIndex([...this.messageBySid.values()]);
    return this.messageIndex;
  }

  callList(): SortedIndex<CallRecord> {
    this.callIndex ??= new SortedIndex([...this.callBySid.values()]);
    return this.callIndex;
  }

  /** The status an interaction shows for a leg: the live resource's, `deleted` once it is gone. */
  legStatus(leg: Leg): string {
    if (!leg.v2010) return leg.seededStatus;
    const resource =
      leg.resourceType === "Message"
        ? this.messageBySid.get(leg.resourceSid)
        : this.callBySid.get(leg.resourceSid);
    return resource ? resource.status : "deleted";
  }

  /** True for a live record whose parent is gone (a Message/Call whose Interaction was deleted, …). */
  isOrphan(sid: string): boolean {
    const resource = this.messageBySid.get(sid) ?? this.callBySid.get(sid);
    if (resource) return isGoneLink(resource.interaction);
    const media = this.mediaBySid.get(sid);
    if (media) return !media.message.live;
    const recording = this.recordingBySid.get(sid);
    if (recording) return !recording.call.live;
    const transcription = this.transcriptionBySid.get(sid);
    return transcription ? !transcription.recording.live : false;
  }

  /** Deletes a session with its participants and interactions; Twilio cascades this one, not the legs. */
  deleteSession(session: SessionRecord): void {
    for (const interaction of session.interactions.all()) this.deleteInteraction(interaction);
    for (const participant of session.participants.all()) {
      session.participants.remove(participant);
      this.participantBySid.delete(participant.sid);
      this.gone.set(participant.sid, participant);
    }
    this.serviceBySid.get(session.serviceSid)?.sessions.remove(session);
    this.sessionBySid.delete(session.sid);
    this.gone.set(session.sid, session);
  }

  /** Deletes the interaction only: its Messages/Calls stay and become orphans (Twilio does not cascade). */
  deleteInteraction(interaction: InteractionRecord): void {
    if (!interaction.live) return;
    this.sessionBySid.get(interaction.sessionSid)?.interactions.remove(interaction);
    interaction.live = false;
    this.interactionBySid.delete(interaction.sid);
    this.gone.set(interaction.sid, interaction);
    for (const leg of [interaction.inbound, interaction.outbound]) {
      if (!leg) continue;
      if (this.messageBySid.has(leg.resourceSid)) this.orphans.messages++;
      else if (this.callBySid.has(leg.resourceSid)) this.orphans.calls++;
    }
  }

  /** Its Media stay, as orphans: Twilio does not document a cascade, so the emulator assumes none. */
  deleteMessage(message: MessageRecord): void {
    if (!this.messageBySid.delete(message.sid)) return;
    if (isGoneLink(message.interaction)) this.orphans.messages--;
    message.live = false;
    this.messageIndex?.remove(message);
    this.gone.set(message.sid, message);
    for (const media of message.media) if (media.live) this.orphans.media++;
  }

  /** Its Recordings stay, as orphans. */
  deleteCall(call: CallRecord): void {
    if (!this.callBySid.delete(call.sid)) return;
    if (isGoneLink(call.interaction)) this.orphans.calls--;
    call.live = false;
    this.callIndex?.remove(call);
    this.gone.set(call.sid, call);
    for (const recording of call.recordings) if (recording.live) this.orphans.recordings++;
  }

  deleteMedia(media: MediaRecord): void {
    if (!this.mediaBySid.delete(media.sid)) return;
    media.live = false;
    if (!media.message.live) this.orphans.media--;
  }

  /** Its Transcriptions stay, as orphans. */
  deleteRecording(recording: RecordingRecord): void {
    if (!this.recordingBySid.delete(recording.sid)) return;
    recording.live = false;
    this.goneRecordings.set(recording.sid, recording);
    if (!recording.call.live) this.orphans.recordings--;
    for (const t of recording.transcriptions) if (t.live) this.orphans.transcriptions++;
  }

  deleteTranscription(transcription: TranscriptionRecord): void {
    if (!this.transcriptionBySid.delete(transcription.sid)) return;
    transcription.live = false;
    if (!transcription.recording.live) this.orphans.transcriptions--;
  }

  /**
   * Brings a deleted Recording back, as if Twilio had kept (or re-created) it behind the tool's back, so a
   * test can prove that `verify` notices. Its Transcriptions stay as they are. Undefined when the SID
   * names no deleted Recording.
   */
  restoreRecording(sid: string): RecordingRecord | undefined {
    const recording = this.goneRecordings.get(sid);
    if (!recording) return undefined;
    this.goneRecordings.delete(sid);
    recording.live = true;
    this.recordingBySid.set(sid, recording);
    if (!recording.call.live) this.orphans.recordings++;
    for (const t of recording.transcriptions) if (t.live) this.orphans.transcriptions--;
    return recording;
  }
}

/** A resource linked from an Interaction that is gone; null (never linked) is not an orphan. */
function isGoneLink(interaction: InteractionRecord | null): boolean {
  return interaction !== null && !interaction.live;
}
