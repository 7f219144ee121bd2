import { Command, Option } from "commander";
import { fetchInteraction } from "../api/interactions.js";
import { INTERACTION_FIELDS } from "../api/types.js";
import type { GlobalFlags } from "../config.js";
import { UsageError } from "../errors.js";
import type { IOStreams } from "../io.js";
import { cell } from "../render/columns.js";
import { writeJson, writeKeyValue } from "../render/writers.js";
import { resolveServiceSid } from "../select/service.js";
import { parseSid } from "../sids.js";
import { type CliContext, type Connect, connector, globalsOf } from "./context.js";
import { sidArg } from "./parsers.js";

export interface FetchOptions {
  io: IOStreams;
  connect: Connect;
  interactionSid: string;
  sessionSid: string;
  /** The API object as Twilio returns it (data included); else key/value lines without data. */
  json: boolean;
}

type RawFetch = { session?: string; json?: boolean };

export function fetchCommand(context: CliContext, runF = runFetch): Command {
  return new Command("fetch")
    .description("Show one Interaction")
    .argument("<KI…>", "the Interaction SID")
    .addOption(
      new Option("--session <KC…>", "the Session it belongs to (required)").argParser(sidArg("session")),
    )
    .option("--json", "print the API object exactly as Twilio returns it (includes data: personal data)")
    .addHelpText(
      "after",
      "\nExamples:\n  $ proxy-ix fetch KI0123… --session KC0123…\n  $ proxy-ix fetch KI0123… --session KC0123… --json",
    )
    .action(async (sid: string, raw: RawFetch, cmd: Command) => {
      const io = await context.io();
      return runF(parseFetchOptions(sid, raw, io, globalsOf(cmd), context.env));
    });
}

export function parseFetchOptions(
  sid: string,
  raw: RawFetch,
  io: IOStreams,
  globals: GlobalFlags,
  env: NodeJS.ProcessEnv,
): FetchOptions {
  const interactionSid = parseSid(sid, "interaction", "argument");
  if (!raw.session) throw new UsageError("fetch needs the Interaction's Session: --session KC…");
  return {
    io,
    connect: connector(io, globals, env),
    interactionSid,
    sessionSid: raw.session,
    json: raw.json === true,
  };
}

export async function runFetch(opts: FetchOptions): Promise<void> {
  const { client, config } = await opts.connect();
  const serviceSid = await resolveServiceSid(client, config.serviceSid, [opts.sessionSid]);
  const interaction = await fetchInteraction(client, serviceSid, opts.sessionSid, opts.interactionSid);
  if (opts.json) return writeJson(opts.io, interaction, 2);
  // data holds the message body (personal data): shown only with --json, never by default.
  const entries: [string, string][] = INTERACTION_FIELDS.map((field) => [
    field,
    field === "data" && interaction.data !== null
      ? "(hidden: personal data; use --json)"
      : cell(interaction[field]),
  ]);
  return writeKeyValue(opts.io, entries);
}
