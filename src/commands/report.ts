import { Command, Option } from "commander";
import type { ApiClient } from "../api/client.js";
import { listInteractionPages } from "../api/interactions.js";
import { fetchSession, listSessions } from "../api/sessions.js";
import type { Session } from "../api/types.js";
import type { GlobalFlags } from "../config.js";
import { TwilioApiError, UsageError } from "../errors.js";
import type { IOStreams } from "../io.js";
import { AdaptiveLimiter } from "../purge/adaptive-limiter.js";
import { newReadProgress, ProgressLine, readProgressLine } from "../render/progress.js";
import { writeJson } from "../render/writers.js";
import { Census, type CensusReport } from "../report/census.js";
import { selectionParameters, withRunMetadata } from "../run-metadata.js";
import { matches, type Selection } from "../select/selection.js";
import { resolveServiceSid } from "../select/service.js";
import type { ReadProgress } from "../select/sessions.js";
import { type CliContext, type Connect, connector, globalsOf } from "./context.js";
import { instantArg } from "./parsers.js";
import { addSelectionOptions, parseSelection } from "./selection-options.js";

/** Sessions read at once; the requests themselves are bounded by the adaptive limiter. */
const SESSIONS_AT_ONCE = 16;

export interface ReportOptions {
  io: IOStreams;
  connect: Connect;
  selection: Selection;
  /** Count what `purge --until <purgeUntil>` would delete; null: leave that section out. */
  purgeUntil: Date | null;
  format: "table" | "tsv" | "json";
  /** No progress line (--quiet). */
  quiet: boolean;
}

export function reportCommand(context: CliContext, runF = runReport): Command {
  const command = new Command("report")
    .description("Count the personal data a Service holds in Proxy: where, what, and how old")
    .addHelpText(
      "after",
      `
Without --session, every Session of the Service is read. Nothing is changed, and message bodies
(\`data\`) are never shown. On a terminal: tables and an age histogram; piped: section<TAB>key<TAB>value
lines; --json: one object (docs/output.md).

Examples:
  $ proxy-ix report
  $ proxy-ix report --session-status closed --purge-until 90d
  $ proxy-ix report --json | jq .interactions.by_age`,
    );
  addSelectionOptions(command);
  command
    .addOption(
      new Option(
        "--purge-until <when>",
        "also count what `purge --until <when> --include-resources` would delete",
      )
        .argParser(instantArg("--purge-until"))
        .default(undefined, "30d"),
    )
    .option("--json", "print the report as one JSON object");
  return command.action(async (raw: RawReport, cmd: Command) => {
    const io = await context.io();
    return runF(parseReportOptions(raw, io, globalsOf(cmd), context.env));
  });
}

type RawReport = Parameters<typeof parseSelection>[0] & { purgeUntil?: Date; json?: boolean };

export function parseReportOptions(
  raw: RawReport,
  io: IOStreams,
  globals: GlobalFlags,
  env: NodeJS.ProcessEnv,
  now = Date.now(),
): ReportOptions {
  if (raw.limit !== undefined) throw new UsageError("--limit does not apply to report: it counts everything");
  const allSessions = raw.allSessions === true || raw.session === undefined;
  if (raw.sessionStatus && raw.session) throw new UsageError("--session-status goes with --all-sessions");
  const selection = parseSelection({ ...raw, allSessions, session: allSessions ? [] : raw.session });
  return {
    io,
    connect: connector(io, globals, env),
    selection,
    purgeUntil: raw.purgeUntil ?? new Date(now - 30 * 86_400_000),
    format: raw.json ? "json" : io.isStdoutTTY ? "table" : "tsv",
    quiet: globals.quiet === true,
  };
}

export async function runReport(options: ReportOptions): Promise<void> {
  const { io, quiet } = options;
  const startedAt = new Date();
  const { client, config } = await options.connect({ gate: new AdaptiveLimiter() });
  const service = await resolveServiceSid(client, config.serviceSid, options.selection.sessionSids);
  const census = new Census(new Date(), options.purgeUntil);
  const line = await ProgressLine.start(io, "Reading Sessions…", !quiet && options.format !== "json");
  const read = newReadProgress();
  try {
    const sessions = sessionsOf(client, service, options.selection, read);
    const worker = async () => {
      for (;;) {
        const next = await sessions.next();
        if (next.done) return;
        const session = next.value;
        let listed = 0;
        try {
          const pages = listInteractionPages(client, service, session.sid, options.selection.pageSize);
          for await (const page of pages) {
            for (const interaction of page.items) {
              listed++;
              if (matches(interaction, options.selection)) census.addInteraction(session.sid, interaction);
            }
            read.interactionsRead += page.items.length;
            line.update((startedAt) => readProgressLine("Reading", read, startedAt));
          }
        } catch (error) {
          // Deleted since it was listed: it holds nothing any more. Any other error ends the report.
          if (!(error instanceof TwilioApiError && error.code === 20404)) throw error;
          census.sessionVanished();
          continue;
        }
        census.addSession(session, listed);
        read.sessionsRead++;
      }
    };
    await Promise.all(Array.from({ length: SESSIONS_AT_ONCE }, worker));
  } finally {
    line.stop();
  }
  const run = {
    command: "report" as const,
    startedAt,
    accountSid: client.accountSid,
    serviceSid: service,
    parameters: {
      ...selectionParameters(options.selection),
      purge_until: options.purgeUntil?.toISOString() ?? null,
    },
  };
  const report = { ...census.result(), requests: client.requestCounts() };
  if (options.format === "json") return writeJson(io, withRunMetadata(run, report));
  await write(io, options.format, report);
}

/** The Sessions in scope, one at a time to whichever worker asks (an async generator serialises `next`). */
async function* sessionsOf(
  client: ApiClient,
  service: string,
  selection: Selection,
  read: ReadProgress,
): AsyncGenerator<Session> {
  if (!selection.allSessions) {
    const sids = new Set(selection.sessionSids);
    Object.assign(read, { sessionsListed: sids.size, listingDone: true });
    for (const sid of sids) yield await fetchSession(client, service, sid);
    return;
  }
  for await (const session of listSessions(client, service)) {
    if (selection.sessionStatuses && !selection.sessionStatuses.includes(session.status ?? "")) continue;
    read.sessionsListed++;
    yield session;
  }
  read.listingDone = true;
}

async function write(io: IOStreams, format: ReportOptions["format"], report: CensusReport): Promise<void> {
  const { terminalText: clean } = await import("../render/terminal-text.js");
  if (format === "tsv") {
    const { renderCensusTsv } = await import("../render/census.js");
    return io.out(renderCensusTsv(report, clean));
  }
  const { renderCensus } = await import("../render/census.js");
  return io.out(renderCensus(io, report, clean));
}
