import { Command } from "commander";
import type { Interaction } from "../api/types.js";
import type { GlobalFlags } from "../config.js";
import { SilentExit } from "../errors.js";
import type { IOStreams } from "../io.js";
import { AdaptiveLimiter } from "../purge/adaptive-limiter.js";
import type { Column } from "../render/columns.js";
import { DEFAULT_INTERACTION_COLUMNS, INTERACTION_COLUMNS } from "../render/interaction-columns.js";
import { readProgressLine } from "../render/progress.js";
import { createWriter, type OutputFormat } from "../render/writers.js";
import { selectInteractions } from "../select/interactions.js";
import type { Selection } from "../select/selection.js";
import { resolveServiceSid } from "../select/service.js";
import { type CliContext, type Connect, connector, globalsOf } from "./context.js";
import { addOutputOptions, chooseColumns, outputFormat, type RawOutput } from "./output-options.js";
import { addSelectionOptions, parseSelection } from "./selection-options.js";

export function listCommand(context: CliContext, runF = runList): Command {
  const command = new Command("list")
    .description("List the Interactions of one or more Sessions, filtered client-side")
    .addHelpText(
      "after",
      `
Examples:
  $ proxy-ix list --session KC0123…
  $ proxy-ix list --all-sessions --session-status closed --until 30d --json
  $ proxy-ix list --session KC0123… --type message --columns sid,date_created,data`,
    );
  addSelectionOptions(command);
  addOutputOptions(
    command,
    `columns for table/TSV output (default ${DEFAULT_INTERACTION_COLUMNS.join(",")}; any Interaction field, e.g. data)`,
  );
  return command.action(async (raw: RawList, cmd: Command) => {
    const io = await context.io();
    return runF(parseListOptions(raw, io, globalsOf(cmd), context.env));
  });
}

type RawList = Parameters<typeof parseSelection>[0] & RawOutput;

export interface ListOptions {
  io: IOStreams;
  connect: Connect;
  selection: Selection;
  format: OutputFormat;
  columns: Column<Interaction>[];
  quiet: boolean;
}

export function parseListOptions(
  raw: RawList,
  io: IOStreams,
  globals: GlobalFlags,
  env: NodeJS.ProcessEnv,
): ListOptions {
  const selection = parseSelection(raw);
  const format = outputFormat(raw, io);
  const columns = chooseColumns(raw, INTERACTION_COLUMNS, DEFAULT_INTERACTION_COLUMNS);
  return {
    io,
    connect: connector(io, globals, env),
    selection,
    format,
    columns,
    quiet: globals.quiet === true,
  };
}

export async function runList(options: ListOptions): Promise<void> {
  const { io } = options;
  // Several Sessions are read at once: the same adaptive limit on requests in flight as purge.
  const { client, config } = await options.connect({ gate: new AdaptiveLimiter() });
  const service = await resolveServiceSid(client, config.serviceSid, options.selection.sessionSids);
  const stream = selectInteractions(client, service, options.selection);
  const writer = createWriter(io, {
    format: options.format,
    columns: options.columns,
    emptyMessage: "No Interactions match.",
  });
  // A table shows only at the end (its columns are sized on every row): until then, a progress line.
  const spinner = options.format === "table" && !options.quiet ? await io.spinner("Reading…") : null;
  const startedAt = Date.now();
  let lastUpdate = 0;
  let count: number;
  try {
    for await (const { interaction } of stream.interactions) {
      await writer.write(interaction);
      if (spinner && Date.now() - lastUpdate > 100) {
        lastUpdate = Date.now();
        spinner.text = readProgressLine("Reading", stream.progress, startedAt);
      }
    }
  } finally {
    spinner?.stop();
  }
  count = await writer.end();
  if (stream.truncation !== "none" && io.isStderrTTY && !options.quiet) {
    const more = stream.truncation === "more" ? "more match" : "there may be more";
    io.err(`Showing the first ${count} Interactions (--limit ${options.selection.limit}); ${more}.`);
  }
  // A Session deleted while --all-sessions read the others: said, and the listing is incomplete (exit 1).
  for (const session of stream.incompleteSessions) {
    io.err(
      `Session ${session.session_sid} could not be read (${session.reason}): skipped, the list is incomplete.`,
    );
  }
  if (stream.incompleteSessions.length > 0) throw new SilentExit("failed");
}
