import { Command, Option } from "commander";
import type { ApiClient } from "../api/client.js";
import { deleteOrphans } from "../audit/delete-orphans.js";
import type { Orphan } from "../audit/orphans.js";
import { interactionsOf } from "../erase/interactions.js";
import { last2, maskedNumber, maskNumberIn, parseParticipantNumber } from "../erase/participant-number.js";
import { describeErasure, type ErasureReport, whatIsLeft } from "../erase/report.js";
import {
  type ErasureScope,
  emptyScopeProgress,
  findErasureScope,
  type ScopeProgress,
} from "../erase/scope.js";
import type { IOStreams } from "../io.js";
import { DEFAULT_CEILING } from "../purge/adaptive-limiter.js";
import { deleteSessions, describeSessionDeletion } from "../purge/delete-sessions.js";
import type { ExportFile } from "../purge/export-file.js";
import type { PurgeReport } from "../purge/outcomes.js";
import { plural } from "../render/purge-summary.js";
import type { Selection } from "../select/selection.js";
import { resolveServiceSid } from "../select/service.js";
import {
  addCleanupOptions,
  type CleanupOptions,
  outcomeOf,
  parseCleanupOptions,
  type RawCleanup,
  runCleanup,
} from "./cleanup.js";
import { type CliContext, globalsOf } from "./context.js";

/** The flags of `erase`, parsed: the number (E.164, normalised) and the cleanup flags it shares with purge. */
export interface EraseOptions extends CleanupOptions {
  /** E.164, e.g. +14155550123: personal data, never printed whole. */
  participant: string;
}

type RawErase = Omit<RawCleanup, "includeResources"> & { participant: string };

export function eraseCommand(context: CliContext, runF = runErase): Command {
  const command = new Command("erase")
    .description(
      "Erase everything about one phone number (a GDPR/CCPA erasure request): its Sessions, whatever their status, and its Messages and Calls with the proxy numbers",
    )
    .addOption(
      new Option(
        "--participant <E.164>",
        "the person's phone number, e.g. +14155550123 (spaces and hyphens between digits allowed)",
      ).makeOptionMandatory(),
    )
    .addHelpText(
      "after",
      `
Finds every Session of the Service in which the number is (or was) a Participant, and every Session
whose Interactions link a Message or Call between the number and one of the Service's proxy numbers;
deletes their Interactions with their Messages, Calls, Media, Recordings and Transcriptions, then the
Sessions themselves whatever their status (with their Participants); then deletes the Messages and Calls
between the number and the proxy numbers that no Interaction links to any more. Afterwards it reads
everything again: exit 0 only when nothing about the number is left (docs/commands.md#proxy-ix-erase).
The number is never printed whole: summaries show +…NN, the export and the report its last 2 digits.

Examples:
  $ proxy-ix erase --participant +14155550123 --dry-run
  $ proxy-ix erase --participant "+1 415-555-0123" --yes --json --export erased.ndjson`,
    );
  addCleanupOptions(command);
  // Erase always deletes what is under the Interactions: the option is accepted, and hidden.
  command.options.find((option) => option.long === "--include-resources")?.hideHelp();
  return command.action(async (raw: RawErase, cmd: Command) => {
    // The number first: a bad one is refused before anything else is looked at or sent.
    const participant = parseParticipantNumber(raw.participant);
    // Every line the run writes to stderr passes through the mask: a --verbose request line carries the
    // number in the v2010 list filters (To=, From=).
    const io = masked(await context.io(), participant);
    const cleanup = await parseCleanupOptions(
      { ...raw, includeResources: true },
      io,
      globalsOf(cmd),
      context.env,
    );
    return runF({ ...cleanup, participant });
  });
}

/** Every Session status: an erasure deletes the Session whatever its status. */
const ANY_STATUS = "any" as const;

export async function runErase(opts: EraseOptions): Promise<void> {
  const number = opts.participant;
  const io = opts.io;
  const quiet = opts.quiet || opts.json;
  let serviceSid = "";
  let scope: ErasureScope | null = null;
  // An error's text may quote the number (Twilio's 400 for a list filter names the value it refused):
  // masked as every other line of the run, before cli.ts prints it.
  const masking = (error: unknown) => {
    if (error instanceof Error) error.message = maskNumberIn(error.message, number);
    throw error;
  };
  await runCleanup({
    options: opts,
    // Read by runCleanup after targets() has found the scope, when it asks for confirmation.
    get confirmNote() {
      return scope ? confirmNote(scope, number) : "";
    },
    describe: () => ({
      command: "erase",
      serviceSid: serviceSid || null,
      parameters: { participant_last2: last2(number) },
    }),
    outcome: (report) => {
      const outcome = outcomeOf(report);
      if (outcome !== null) return outcome;
      const erasure = erasureOf(report);
      if (erasure?.orphans.stopped === "auth") return "stoppedAuth";
      return erasure?.complete === false ? "failed" : null;
    },
    async targets(client, configuredService) {
      serviceSid = await resolveServiceSid(client, configuredService, []);
      scope = await findScope(io, client, serviceSid, number, quiet);
      const found = scope;
      const sessionSids = found.sessions.map((session) => session.session_sid);
      return () => ({ targets: interactionsOf(client, serviceSid, sessionSids), incompleteSessions: [] });
    },
    async afterInteractions(client, report, exportFile) {
      if (scope === null) return [];
      const erasure = await finish(client, serviceSid, number, scope, report, exportFile, opts);
      (report as PurgeReport & { erasure?: ErasureReport }).erasure = erasure;
      return [
        ...describeSessionDeletion(report.session_deletion ?? emptySessions()),
        ...describeErasure(erasure, number),
      ];
    },
  }).catch(masking);
}

function erasureOf(report: PurgeReport): ErasureReport | undefined {
  return (report as PurgeReport & { erasure?: ErasureReport }).erasure;
}

/** After the Interactions: the Sessions (any status), the unlinked Messages/Calls, then the re-read. */
async function finish(
  client: ApiClient,
  serviceSid: string,
  number: string,
  scope: ErasureScope,
  report: PurgeReport,
  exportFile: ExportFile | null,
  opts: EraseOptions,
): Promise<ErasureReport> {
  const selection: Selection = {
    sessionSids: scope.sessions.map((session) => session.session_sid),
    allSessions: false,
    sessionStatuses: null,
    types: null,
    window: {},
    limit: null,
    pageSize: 100,
  };
  if (exportFile) await exportFile.append(erasureLine(client.accountSid, serviceSid, number, scope));
  report.session_deletion = await deleteSessions(client, {
    serviceSid,
    selection,
    statuses: ANY_STATUS,
    dryRun: opts.dryRun,
    includeResources: true,
    exportFile,
    concurrency: opts.concurrency ?? DEFAULT_CEILING,
  });
  async function* orphans(): AsyncGenerator<Orphan> {
    // A Message not sent yet has no date: orphanLine writes null for it (`Orphan.date` assumes a date).
    for (const record of scope.orphans) yield record as Orphan;
  }
  const deletion = await deleteOrphans(client, orphans(), {
    serviceSid,
    dryRun: opts.dryRun,
    concurrency: opts.concurrency ?? DEFAULT_CEILING,
    exportFile,
  });
  const left = opts.dryRun ? null : await whatIsLeft(client, serviceSid, number, scope.proxyNumbers);
  return {
    participant_last2: last2(number),
    proxy_numbers: scope.proxyNumbers.size,
    sessions: scope.sessions,
    messages_calls: scope.traffic.length,
    unlinked: scope.orphans.length,
    orphans: deletion.report,
    unreachable: scope.unreachable,
    left,
    complete:
      left === null
        ? null
        : left.sessions.length === 0 && left.messages_calls.length === 0 && scope.unreachable.length === 0,
  };
}

/**
 * The export's record of the request (format v2, docs/output.md#erase): the number only as its last 2
 * digits, and the Sessions and unlinked Messages/Calls it covers (each has its own line too).
 */
function erasureLine(accountSid: string, serviceSid: string, number: string, scope: ErasureScope) {
  return {
    v: 2,
    kind: "erasure",
    exported_at: new Date().toISOString(),
    account_sid: accountSid,
    service_sid: serviceSid,
    participant_last2: last2(number),
    sessions: scope.sessions.map((session) => session.session_sid),
    orphans: scope.orphans.map((record) => record.sid),
    unreachable: scope.unreachable.map((record) => record.sid),
  };
}

function emptySessions() {
  return { statuses: ["any"], deleted: 0, already_gone: 0, kept: 0, failed: 0, sessions: [], omitted: 0 };
}

/** The search, with a progress line on a terminal. */
async function findScope(
  io: IOStreams,
  client: ApiClient,
  serviceSid: string,
  number: string,
  quiet: boolean,
): Promise<ErasureScope> {
  const progress = emptyScopeProgress();
  const spinner = quiet ? null : await io.spinner("Reading Participants…");
  const timer = spinner
    ? setInterval(() => {
        spinner.text = progressLine(progress, number);
      }, 200)
    : null;
  try {
    return await findErasureScope(client, serviceSid, number, progress);
  } finally {
    if (timer) clearInterval(timer);
    spinner?.stop();
  }
}

function progressLine(progress: ScopeProgress, number: string): string {
  const p = progress.participants;
  if (progress.phase === "participants") {
    const total = `${p.sessionsListed}${p.listingDone ? "" : "+"}`;
    return `Reading Participants… ${p.sessionsRead}/${total} Sessions, ${p.found} with ${maskedNumber(number)}`;
  }
  if (progress.phase === "traffic") return `Listing Messages and Calls of ${maskedNumber(number)}…`;
  if (progress.phase === "checking") return "Checking that the Sessions' Messages and Calls can be reached…";
  const l = progress.links;
  return `Reading Interactions… ${l.sessionsRead}/${p.sessionsListed} Sessions, ${l.interactionsRead} Interactions`;
}

/** What the confirmation adds after the Interactions: the Sessions and the unlinked Messages/Calls. */
function confirmNote(scope: ErasureScope, number: string): string {
  const n = scope.sessions.length;
  const orphans = scope.orphans.length;
  if (n === 0 && orphans === 0) return "";
  const statuses = [...new Set(scope.sessions.map((session) => session.status ?? "unknown"))].join(", ");
  return (
    ` of ${maskedNumber(number)}, then ${n} ${plural(n, "Session")}${n > 0 ? ` (${statuses})` : ""} whatever their status, with their Participants,` +
    ` and ${orphans} Messages/Calls between ${maskedNumber(number)} and the proxy numbers that no Interaction links to`
  );
}

/** The streams, with the number masked in every message line. */
function masked(io: IOStreams, number: string): IOStreams {
  return { ...io, err: (line: string) => io.err(maskNumberIn(line, number)) };
}
