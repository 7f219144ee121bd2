import { Command, Option } from "commander";
import { isGone } from "../api/identity.js";
import { fetchInteraction } from "../api/interactions.js";
import { fetchSession } from "../api/sessions.js";
import type { GlobalFlags } from "../config.js";
import { UsageError } from "../errors.js";
import type { IOStreams } from "../io.js";
import type { PurgeTarget } from "../purge/plan.js";
import { resolveServiceSid } from "../select/service.js";
import { parseSid } from "../sids.js";
import {
  addCleanupOptions,
  type CleanupOptions,
  parseCleanupOptions,
  type RawCleanup,
  runCleanup,
} from "./cleanup.js";
import { type CliContext, globalsOf } from "./context.js";
import { sidArg } from "./parsers.js";

export interface DeleteOptions extends CleanupOptions {
  sessionSid: string;
  /** Without repeats, in the order given. */
  interactionSids: string[];
}

type RawDelete = RawCleanup & { session?: string };

export function deleteCommand(context: CliContext, runF = runDelete): Command {
  const command = new Command("delete")
    .description("Delete the given Interactions (and with --include-resources, their Messages and Calls)")
    .argument("<KI…...>", "Interaction SIDs")
    .addOption(
      new Option("--session <KC…>", "the Session they belong to (required)").argParser(sidArg("session")),
    )
    .addHelpText(
      "after",
      "\nExamples:\n  $ proxy-ix delete KI0123… KI4567… --session KC0123… --include-resources",
    );
  addCleanupOptions(command);
  return command.action(async (sids: string[], raw: RawDelete, cmd: Command) => {
    const io = await context.io();
    return runF(await parseDeleteOptions(sids, raw, io, globalsOf(cmd), context.env));
  });
}

export async function parseDeleteOptions(
  sids: string[],
  raw: RawDelete,
  io: IOStreams,
  globals: GlobalFlags,
  env: NodeJS.ProcessEnv,
): Promise<DeleteOptions> {
  const interactionSids = [...new Set(sids.map((sid) => parseSid(sid, "interaction", "argument")))];
  if (!raw.session) throw new UsageError("delete needs the Interactions' Session: --session KC…");
  const cleanup = await parseCleanupOptions(raw, io, globals, env);
  return { ...cleanup, sessionSid: raw.session, interactionSids };
}

export async function runDelete(opts: DeleteOptions): Promise<void> {
  const { sessionSid, interactionSids } = opts;
  let resolvedService: string | null = null;
  await runCleanup({
    options: opts,
    describe: () => ({
      command: "delete",
      serviceSid: resolvedService,
      parameters: { session: sessionSid, interactions: interactionSids },
    }),
    async targets(client, configuredService) {
      const serviceSid = await resolveServiceSid(client, configuredService, [sessionSid]);
      resolvedService = serviceSid;
      // A mistyped --session must not read as "every Interaction already gone": 404 here, exit 4.
      await fetchSession(client, serviceSid, sessionSid);
      async function* targets(): AsyncGenerator<PurgeTarget> {
        for (const sid of interactionSids) {
          try {
            const interaction = await fetchInteraction(client, serviceSid, sessionSid, sid);
            yield { sid, serviceSid, sessionSid, interaction };
          } catch (error) {
            // Already gone (e.g. a re-run) only when Twilio says so (20404): a gateway's 404 page is a failure.
            if (!isGone(error)) throw error;
            yield { sid, serviceSid, sessionSid, interaction: null };
          }
        }
      }
      return () => ({ targets: targets(), incompleteSessions: [] });
    },
  });
}
