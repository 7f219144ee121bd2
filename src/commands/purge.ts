import { Command } from "commander";
import type { GlobalFlags } from "../config.js";
import type { IOStreams } from "../io.js";
import { DEFAULT_DELETABLE_STATUSES } from "../purge/delete-sessions.js";
import { selectionParameters } from "../run-metadata.js";
import { selectInteractions } from "../select/interactions.js";
import type { Selection } from "../select/selection.js";
import { resolveServiceSid } from "../select/service.js";
import { addCleanupOptions, type CleanupOptions, parseCleanupOptions, runCleanup } from "./cleanup.js";
import { type CliContext, globalsOf } from "./context.js";
import {
  addDeleteSessionsOption,
  deleteSessionsHook,
  type RawPurge,
  sessionsNote,
} from "./delete-sessions-option.js";
import { addSelectionOptions, parseSelection } from "./selection-options.js";

export interface PurgeOptions extends CleanupOptions {
  selection: Selection;
  /** --delete-sessions: the statuses in which an emptied Session is deleted; null: Sessions stay. */
  deleteSessionStatuses: string[] | null;
}

type RawPurgeFlags = Parameters<typeof parseSelection>[0] & RawPurge;

export function purgeCommand(context: CliContext, runF = runPurge): Command {
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
  return command.action(async (raw: RawPurgeFlags, cmd: Command) => {
    const io = await context.io();
    return runF(await parsePurgeOptions(raw, io, globalsOf(cmd), context.env));
  });
}

export async function parsePurgeOptions(
  raw: RawPurgeFlags,
  io: IOStreams,
  globals: GlobalFlags,
  env: NodeJS.ProcessEnv,
): Promise<PurgeOptions> {
  // With --delete-sessions, --session-status names the statuses a Session may be deleted in.
  const selection = parseSelection(
    raw.deleteSessions && !raw.allSessions ? { ...raw, sessionStatus: undefined } : raw,
  );
  const cleanup = await parseCleanupOptions(raw, io, globals, env);
  const deleteSessionStatuses = raw.deleteSessions
    ? (raw.sessionStatus ?? [...DEFAULT_DELETABLE_STATUSES])
    : null;
  return { ...cleanup, selection, deleteSessionStatuses };
}

/** Runs the purge command (the engine it drives is src/purge/engine.ts, whose `runPurge` is a namesake). */
export async function runPurge(opts: PurgeOptions): Promise<void> {
  const { selection, deleteSessionStatuses } = opts;
  let serviceSid = "";
  await runCleanup({
    options: opts,
    afterInteractions: deleteSessionStatuses
      ? deleteSessionsHook(opts, deleteSessionStatuses, () => serviceSid)
      : undefined,
    confirmNote: deleteSessionStatuses ? sessionsNote(deleteSessionStatuses) : undefined,
    describe: () => ({
      command: "purge",
      serviceSid: serviceSid || null,
      parameters: {
        ...selectionParameters(selection),
        delete_sessions: deleteSessionStatuses !== null,
        ...(deleteSessionStatuses ? { delete_session_statuses: deleteSessionStatuses } : {}),
      },
    }),
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
}
