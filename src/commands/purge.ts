import { Command } from "commander";
import { resolveServiceSid, selectInteractions } from "../scope.js";
import { addCleanupOptions, type RawCleanup, runCleanup } from "./cleanup.js";
import { type CliContext, globalsOf } from "./context.js";
import { addSelectionOptions, parseSelection } from "./selection-options.js";

export function purgeCommand(context: CliContext): Command {
  const command = new Command("purge")
    .description(
      "Delete every Interaction that matches the filters (and with --include-resources, its Messages and Calls)",
    )
    .addHelpText(
      "after",
      `
Examples:
  $ proxy-ix purge --session KC0123… --dry-run
  $ proxy-ix purge --session KC0123… --include-resources
  $ proxy-ix purge --all-sessions --until 30d --include-resources --yes --json   # a retention cron job`,
    );
  addSelectionOptions(command);
  addCleanupOptions(command);
  return command.action(async (raw: Parameters<typeof parseSelection>[0] & RawCleanup, cmd: Command) => {
    const selection = parseSelection(raw);
    await runCleanup({
      context,
      globals: globalsOf(cmd),
      raw,
      async targets(client, configuredService) {
        const serviceSid = await resolveServiceSid(client, configuredService, selection.sessionSids);
        return () => {
          const stream = selectInteractions(client, serviceSid, selection);
          async function* targets() {
            for await (const { sessionSid, interaction } of stream.interactions) {
              yield { sid: interaction.sid, serviceSid, sessionSid, interaction };
            }
          }
          return { targets: targets(), incompleteSessions: stream.incompleteSessions };
        };
      },
    });
  });
}
