/**
 * The emulator's single account: services → sessions → participants and interactions, plus the v2010
 * Messages and Calls the interactions link to. Counts (including orphans) are kept incrementally so
 * `/__emulator/state` stays O(sessions), whatever the number of interactions.
 */
import type {
  CallRecord,
  InteractionRecord,
  Leg,
  MessageRecord,
  ParticipantRecord,
  ServiceRecord,
  SessionRecord,
} from "./records.js";
import { SortedIndex } from "./sorted-index.js";
import { isFinalCallStatus, isFinalMessageStatus } from "./statuses.js";

export interface StoreCounts {
  services: number;
  sessions: number;
  interactions: number;
  messages: number;
  calls: number;
  /** Messages/Calls still present whose interaction was deleted: the personal data a purge leaves behind. */
  orphans: number;
  /** Messages/Calls past the API retention window: still held (and counted above) but answering 20404. */
  archived: number;
}

export interface StoreContents {
  services: ServiceRecord[];
  messages: MessageRecord[];
  calls: CallRecord[];
}

export class Store {
  services = new SortedIndex<ServiceRecord>();
  private readonly serviceBySid = new Map<string, ServiceRecord>();
  private readonly sessionBySid = new Map<string, SessionRecord>();
  private readonly participantBySid = new Map<string, ParticipantRecord>();
  private readonly interactionBySid = new Map<string, InteractionRecord>();
  private readonly messageBySid = new Map<string, MessageRecord>();
  private readonly callBySid = new Map<string, CallRecord>();
  /** Deleted Sessions, Participants and Interactions by SID: a page token may still name one. */
  private readonly gone = new Map<string, SessionRecord | ParticipantRecord | InteractionRecord>();
  private orphans = 0;
  /** Messages/Calls created before this instant (epoch ms) are archived; null = no retention window. */
  retentionDays: number | null = null;

  /** Drops everything and takes the given contents (a fresh seed). */
  replace(contents: StoreContents): void {
    for (const map of [
      this.serviceBySid,
      this.sessionBySid,
      this.participantBySid,
      this.interactionBySid,
      this.messageBySid,
      this.callBySid,
      this.gone,
    ]) {
      map.clear();
    }
    this.orphans = 0;
    this.services = new SortedIndex(contents.services);
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
    for (const message of contents.messages) this.messageBySid.set(message.sid, message);
    for (const call of contents.calls) this.callBySid.set(call.sid, call);
  }

  counts(): StoreCounts {
    return {
      services: this.serviceBySid.size,
      sessions: this.sessionBySid.size,
      interactions: this.interactionBySid.size,
      messages: this.messageBySid.size,
      calls: this.callBySid.size,
      orphans: this.orphans,
      archived: this.archivedCount(),
    };
  }

  /** The instant before which a Message/Call is archived, or null when there is no retention window. */
  archiveCutoffMs(nowMs = Date.now()): number | null {
    return this.retentionDays === null ? null : nowMs - this.retentionDays * 86_400_000;
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
    return (
      this.sessionBySid.get(sid) ??
      this.participantBySid.get(sid) ??
      this.interactionBySid.get(sid) ??
      this.gone.get(sid)
    );
  }

  message(sid: string): MessageRecord | undefined {
    return this.messageBySid.get(sid);
  }

  call(sid: string): CallRecord | undefined {
    return this.callBySid.get(sid);
  }

  messages(): IterableIterator<MessageRecord> {
    return this.messageBySid.values();
  }

  calls(): IterableIterator<CallRecord> {
    return this.callBySid.values();
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

  isOrphan(resourceSid: string): boolean {
    const resource = this.messageBySid.get(resourceSid) ?? this.callBySid.get(resourceSid);
    return resource !== undefined && !resource.interaction.live;
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
      if (leg && (this.messageBySid.has(leg.resourceSid) || this.callBySid.has(leg.resourceSid)))
        this.orphans++;
    }
  }

  deleteMessage(message: MessageRecord): void {
    if (this.messageBySid.delete(message.sid) && !message.interaction.live) this.orphans--;
  }

  deleteCall(call: CallRecord): void {
    if (this.callBySid.delete(call.sid) && !call.interaction.live) this.orphans--;
  }

  /** Lets every Message/Call in flight complete, so a later purge can delete it. Returns how many changed. */
  finalizeAll(nowMs: number): number {
    let changed = 0;
    for (const message of this.messageBySid.values()) {
      if (isFinalMessageStatus(message.status)) continue;
      message.status = message.direction === "inbound" ? "received" : "delivered";
      message.sentMs = nowMs;
      message.updatedMs = nowMs;
      changed++;
    }
    for (const call of this.callBySid.values()) {
      if (isFinalCallStatus(call.status)) continue;
      call.status = "completed";
      // A call that was ringing or in progress ends now with a plausible length, not "since it started".
      call.startMs ??= call.createdMs;
      call.duration ??= 60;
      call.endMs = call.startMs + call.duration * 1000;
      call.updatedMs = nowMs;
      changed++;
    }
    return changed;
  }
}
