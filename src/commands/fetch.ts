import { Command, Option } from "commander";
import { fetchInteraction } from "../api/interactions.js";
import { INTERACTION_FIELDS } from "../api/types.js";
import { UsageError } from "../errors.js";
import { cell } from "../render/columns.js";
import { jsonText } from "../render/terminal-text.js";
import { resolveServiceSid } from "../select/service.js";
import { parseSid } from "../sids.js";
import { type CliContext, connect, globalsOf } from "./context.js";
import { sidArg } from "./parsers.js";

export function fetchCommand(context: CliContext): Command {
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
    .action(async (sidRaw: string, raw: { session?: string; json?: boolean }, cmd: Command) => {
      const io = await context.io();
      const sid = parseSid(sidRaw, "interaction", "argument");
      if (!raw.session) throw new UsageError("fetch needs the Interaction's Session: --session KC…");
      const { client, config } = await connect(context, globalsOf(cmd));
      const serviceSid = await resolveServiceSid(client, config.serviceSid, [raw.session]);
      const interaction = await fetchInteraction(client, serviceSid, raw.session, sid);
      if (raw.json) {
        await io.out(`${jsonText(interaction, 2)}\n`);
        return;
      }
      // data holds the message body (personal data): shown only with --json, never by default.
      const entries: [string, string][] = INTERACTION_FIELDS.map((field) => [
        field,
        field === "data" && interaction.data !== null
          ? "(hidden: personal data; use --json)"
          : cell(interaction[field]),
      ]);
      if (io.isStdoutTTY) {
        const { renderKeyValue } = await import("../render/table.js");
        await io.out(renderKeyValue(io, entries));
      } else {
        await io.out(
          entries
            .map(([key, value]) => `${key}\t${value}`)
            .join("\n")
            .concat("\n"),
        );
      }
    });
}
