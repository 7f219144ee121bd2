import { Command } from "commander";
import { selectionParameters } from "../run-metadata.js";
import { resolveServiceSid, selectInteractions } from "../scope.js";
import { addCleanupOptions, runCleanup } from "./cleanup.js";
import { type CliContext, globalsOf } from "./context.js";
import {
  addDeleteSessionsOption,
  deleteSessionsHook,
  type RawPurge,
  sessionsNote,
} from "./delete-sessions-option.js";
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
  addDeleteSessionsOption(command);
  return command.action(async (raw: Parameters<typeof parseSelection>[0] & RawPurge, cmd: Command) => {
    // With --delete-sessions, --session-status names the statuses a Session may be deleted in.
    const selection = parseSelection(
      raw.deleteSessions && !raw.allSessions ? { ...raw, sessionStatus: undefined } : raw,
    );
    let serviceSid = "";
    await runCleanup({
      afterInteractions: raw.deleteSessions
        ? deleteSessionsHook(raw, selection, () => serviceSid)
        : undefined,
      confirmNote: raw.deleteSessions ? sessionsNote(raw) : undefined,
      describe: () => ({
        command: "purge",
        serviceSid: serviceSid || null,
        parameters: {
          ...selectionParameters(selection),
          delete_sessions: raw.deleteSessions === true,
          ...(raw.deleteSessions
            ? { delete_session_statuses: raw.sessionStatus ?? ["closed", "failed"] }
            : {}),
        },
      }),
      context,
      globals: globalsOf(cmd),
      raw,
      async targets(client, configuredService) {
        serviceSid = await resolveServiceSid(client, configuredService, selection.sessionSids);
        return () => {
          const stream = selectInteractions(client, serviceSid, selection);
          async function* targets() {
            for await (const { sessionSid, interaction } of stream.interactions) {
              yield { sid: interaction.sid, serviceSid, sessionSid, interaction };
            }
          }
          return {
            targets: targets(),
            incompleteSessions: stream.incompleteSessions,
            progress: stream.progress,
          };
        };
      },
    });
  });
}
