import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { UsageError } from "../errors.js";
import { isSid } from "../sids.js";

/** What `verify` checks, one kind per URL shape (docs/commands.md#verify). */
export type CheckKind =
  | "interaction"
  | "message"
  | "call"
  | "media"
  | "recording"
  | "transcription"
  | "session"
  | "participant";

export const CHECK_KINDS: readonly CheckKind[] = [
  "interaction",
  "message",
  "call",
  "media",
  "recording",
  "transcription",
  "session",
  "participant",
];

/** One thing an export line says was erased. `parent` is the SID it sits under (its URL needs it). */
export interface Check {
  kind: CheckKind;
  sid: string;
  parent: string;
  /** For Proxy kinds: the Service and (participant) Session of the URL. */
  serviceSid?: string;
  sessionSid?: string;
  /**
   * For Messages, Calls and what is under them: the `date_created` of the Interaction that linked to
   * it (null when the line has none): a 20404 proves "gone" only within `--visible-days` of it.
   */
  interactionDateCreated?: string | null;
}

/** An export line, read: its account and what it lists. */
export interface ExportEntry {
  accountSid: string;
  checks: Check[];
}

/** Prefixes of the v2010 resources an export line may name, by kind (docs/export: export-v2). */
const RESOURCE_PREFIXES: Record<string, readonly string[]> = {
  message: ["SM", "MM"],
  call: ["CA"],
  media: ["ME"],
  recording: ["RE"],
  transcription: ["TR"],
};
/** The kind each child's `parent_sid` must be. */
const PARENT_PREFIXES: Record<string, readonly string[]> = {
  media: ["SM", "MM"],
  recording: ["CA"],
  transcription: ["RE"],
};

/** A line that cannot be read: the message names the field; the caller adds file and line number. */
class LineError extends Error {}

/**
 * Reads the export files line by line (flat memory however long they are) and yields what each line
 * lists. A line that is not an export line is a UsageError naming the file and line number.
 */
export async function* readExportFiles(files: readonly string[]): AsyncGenerator<ExportEntry> {
  for (const file of files) {
    const input = createReadStream(file, { encoding: "utf8" });
    const opened = new Promise<void>((resolve, reject) => {
      input.once("ready", () => resolve());
      input.once("error", reject);
    });
    try {
      await opened;
    } catch (error) {
      throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? "error"}`, {
        cause: error,
      });
    }
    const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
    let number = 0;
    try {
      for await (const line of lines) {
        number++;
        if (line.trim() === "") continue;
        try {
          yield parseExportLine(line);
        } catch (error) {
          if (error instanceof LineError) throw new UsageError(`${file}:${number}: ${error.message}`);
          throw error;
        }
      }
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? "error"}`, {
        cause: error,
      });
    } finally {
      lines.close();
      input.destroy();
    }
  }
}

/** One line of an export: v2 (`"v": 2`, /work's export-v2 format) or v1 (an Interaction as Twilio sent it). */
export function parseExportLine(line: string): ExportEntry {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new LineError("not JSON");
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new LineError("not a JSON object");
  }
  const record = value as Record<string, unknown>;
  if (!("v" in record)) return v1Interaction(record);
  if (record.v !== 2) throw new LineError(`unknown export format "v": ${JSON.stringify(record.v)}`);
  if (record.kind === "interaction") return v2Interaction(record);
  if (record.kind === "session") return v2Session(record);
  if (record.kind === "orphan") return v2Orphan(record);
  if (record.kind === "erasure") return v2Erasure(record);
  throw new LineError(`unknown "kind" for a v2 line (expected interaction, session, orphan or erasure)`);
}

/** `erase --participant`'s record of the request: its Sessions must be gone (the orphans have lines of their own). */
function v2Erasure(record: Record<string, unknown>): ExportEntry {
  const accountSid = sidField(record, "account_sid", ["AC"]);
  const serviceSid = sidField(record, "service_sid", ["KS"]);
  const sessions = record.sessions;
  if (!Array.isArray(sessions)) throw new LineError(`"sessions" is not a list`);
  const checks: Check[] = sessions.map((sid: unknown, index) => {
    if (typeof sid !== "string" || !isSid(sid, ["KC"]))
      throw new LineError(`sessions[${index}] is not a KC SID`);
    return { kind: "session", sid, parent: serviceSid, serviceSid };
  });
  return { accountSid, checks };
}

function sidField(record: Record<string, unknown>, field: string, prefixes: readonly string[]): string {
  const value = record[field];
  if (typeof value !== "string" || !isSid(value, prefixes)) {
    throw new LineError(`"${field}" is not a ${prefixes.join("/")} SID`);
  }
  return value;
}

/** v1: the Interaction JSON. Its legs are Messages or Calls; other SIDs (Conversations IM…) were never deletable. */
function v1Interaction(record: Record<string, unknown>): ExportEntry {
  const base = interactionBase(record);
  const interactionDateCreated = dateOf(record);
  for (const field of ["inbound_resource_sid", "outbound_resource_sid"]) {
    const sid = record[field];
    if (typeof sid !== "string") continue;
    const parent = base.checks[0]?.sid as string;
    if (isSid(sid, RESOURCE_PREFIXES.message as string[])) {
      base.checks.push({ kind: "message", sid, parent, interactionDateCreated });
    } else if (isSid(sid, RESOURCE_PREFIXES.call as string[])) {
      base.checks.push({ kind: "call", sid, parent, interactionDateCreated });
    }
  }
  return base;
}

/** The Interaction's `date_created` as the line gives it; anything but a string counts as unknown. */
function dateOf(record: Record<string, unknown>): string | null {
  return typeof record.date_created === "string" ? record.date_created : null;
}

function interactionBase(record: Record<string, unknown>): ExportEntry {
  const accountSid = sidField(record, "account_sid", ["AC"]);
  const serviceSid = sidField(record, "service_sid", ["KS"]);
  const sessionSid = sidField(record, "session_sid", ["KC"]);
  const sid = sidField(record, "sid", ["KI"]);
  return { accountSid, checks: [{ kind: "interaction", sid, parent: sessionSid, serviceSid, sessionSid }] };
}

function v2Interaction(record: Record<string, unknown>): ExportEntry {
  const entry = interactionBase(record);
  addResources(entry, record, entry.checks[0]?.sid as string, dateOf(record));
  return entry;
}

/** `orphans --delete`: a Message or Call no Interaction linked to; `resources` lists it and what was under it. */
function v2Orphan(record: Record<string, unknown>): ExportEntry {
  const accountSid = sidField(record, "account_sid", ["AC"]);
  sidField(record, "sid", ["SM", "MM", "CA"]);
  const entry: ExportEntry = { accountSid, checks: [] };
  // With no Interaction above it, the Message or Call sits under its Account (as in its URL). Its own
  // date decides whether a 20404 may be an archived record (--visible-days), as an Interaction's does.
  addResources(entry, record, accountSid, typeof record.date === "string" ? record.date : null);
  return entry;
}

/**
 * The `resources` of a v2 line; a Message or Call sits under `top` (its Interaction, or for an orphan its
 * Account). `interactionDateCreated` decides whether a 20404 may be an archived record (--visible-days).
 */
function addResources(
  entry: ExportEntry,
  record: Record<string, unknown>,
  top: string,
  interactionDateCreated: ReturnType<typeof dateOf> | undefined,
): void {
  const resources = record.resources;
  if (!Array.isArray(resources)) throw new LineError(`"resources" is not a list`);
  resources.forEach((item: unknown, index) => {
    if (item === null || typeof item !== "object")
      throw new LineError(`resources[${index}] is not an object`);
    const resource = item as Record<string, unknown>;
    const kind = resource.kind;
    const prefixes = typeof kind === "string" ? RESOURCE_PREFIXES[kind] : undefined;
    if (!prefixes) throw new LineError(`resources[${index}]: unknown "kind"`);
    const sid = resource.sid;
    if (typeof sid !== "string" || !isSid(sid, prefixes)) {
      throw new LineError(`resources[${index}]: "sid" is not a ${prefixes.join("/")} SID`);
    }
    const parentPrefixes = PARENT_PREFIXES[kind as string];
    let parent = top;
    if (parentPrefixes) {
      const parentSid = resource.parent_sid;
      if (typeof parentSid !== "string" || !isSid(parentSid, parentPrefixes)) {
        throw new LineError(`resources[${index}]: "parent_sid" is not a ${parentPrefixes.join("/")} SID`);
      }
      parent = parentSid;
    }
    entry.checks.push({ kind: kind as CheckKind, sid, parent, interactionDateCreated });
  });
}

function v2Session(record: Record<string, unknown>): ExportEntry {
  const accountSid = sidField(record, "account_sid", ["AC"]);
  const serviceSid = sidField(record, "service_sid", ["KS"]);
  const sid = sidField(record, "sid", ["KC"]);
  const checks: Check[] = [{ kind: "session", sid, parent: serviceSid, serviceSid }];
  const participants = record.participants;
  if (!Array.isArray(participants)) throw new LineError(`"participants" is not a list`);
  participants.forEach((item: unknown, index) => {
    const participantSid = (item as Record<string, unknown> | null)?.sid;
    if (typeof participantSid !== "string" || !isSid(participantSid, ["KP"])) {
      throw new LineError(`participants[${index}]: "sid" is not a KP SID`);
    }
    checks.push({ kind: "participant", sid: participantSid, parent: sid, serviceSid, sessionSid: sid });
  });
  return { accountSid, checks };
}
