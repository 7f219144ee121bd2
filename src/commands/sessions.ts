import { Command, Option } from "commander";
import { listSessions } from "../api/sessions.js";
import type { Session } from "../api/types.js";
import type { GlobalFlags } from "../config.js";
import type { IOStreams } from "../io.js";
import { type Column, fieldColumn } from "../render/columns.js";
import { createWriter, type OutputFormat } from "../render/writers.js";
import { resolveServiceSid } from "../select/service.js";
import { type CliContext, type Connect, connector, globalsOf } from "./context.js";
import { addOutputOptions, chooseColumns, outputFormat, type RawOutput } from "./output-options.js";
import { choiceListArg } from "./parsers.js";
import { SESSION_STATUSES } from "./selection-options.js";

const SESSION_FIELDS = [
  "sid",
  "unique_name",
  "status",
  "date_created",
  "date_updated",
  "date_last_interaction",
  "date_started",
  "date_ended",
  "date_expiry",
  "closed_reason",
  "ttl",
  "mode",
  "service_sid",
  "account_sid",
  "url",
] as const satisfies readonly (keyof Session)[];

const SESSION_COLUMNS: Record<string, Column<Session>> = Object.fromEntries(
  SESSION_FIELDS.map((name) => [name, fieldColumn<Session>(name)]),
);
const DEFAULT_SESSION_COLUMNS = ["sid", "unique_name", "status", "date_created", "date_last_interaction"];

export interface SessionsOptions {
  io: IOStreams;
  connect: Connect;
  /** Only Sessions in these statuses; null: all. */
  statuses: string[] | null;
  format: OutputFormat;
  columns: Column<Session>[];
}

type RawSessions = RawOutput & { status?: string[] };

export function sessionsCommand(context: CliContext, runF = runSessions): Command {
  const command = new Command("sessions")
    .description("List the Sessions of the Service: where an audit starts")
    .addOption(
      new Option("--status <list>", "only Sessions in these statuses").argParser(
        choiceListArg(SESSION_STATUSES),
      ),
    )
    .addHelpText(
      "after",
      "\nExamples:\n  $ proxy-ix sessions --status closed,failed\n  $ proxy-ix sessions --json",
    );
  addOutputOptions(command, `columns for table/TSV output (default ${DEFAULT_SESSION_COLUMNS.join(",")})`);
  return command.action(async (raw: RawSessions, cmd: Command) => {
    const io = await context.io();
    return runF(parseSessionsOptions(raw, io, globalsOf(cmd), context.env));
  });
}

export function parseSessionsOptions(
  raw: RawSessions,
  io: IOStreams,
  globals: GlobalFlags,
  env: NodeJS.ProcessEnv,
): SessionsOptions {
  const format = outputFormat(raw, io);
  const columns = chooseColumns(raw, SESSION_COLUMNS, DEFAULT_SESSION_COLUMNS);
  return { io, connect: connector(io, globals, env), statuses: raw.status ?? null, format, columns };
}

export async function runSessions(opts: SessionsOptions): Promise<void> {
  const { io } = opts;
  const { client, config } = await opts.connect();
  const serviceSid = await resolveServiceSid(client, config.serviceSid, []);
  const writer = createWriter(io, {
    format: opts.format,
    columns: opts.columns,
    emptyMessage: "No Sessions match.",
  });
  for await (const session of listSessions(client, serviceSid)) {
    if (opts.statuses && !opts.statuses.includes(session.status ?? "")) continue;
    await writer.write(session);
  }
  await writer.end();
}
