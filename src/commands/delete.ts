import { Command, Option } from "commander";
import { isGone } from "../api/identity.js";
import { fetchInteraction } from "../api/interactions.js";
import { fetchSession } from "../api/sessions.js";
import { UsageError } from "../errors.js";
import type { PurgeTarget } from "../purge/plan.js";
import { resolveServiceSid } from "../select/service.js";
import { parseSid } from "../sids.js";
import { addCleanupOptions, type RawCleanup, runCleanup } from "./cleanup.js";
import { type CliContext, globalsOf } from "./context.js";
import { sidArg } from "./parsers.js";

export function deleteCommand(context: CliContext): Command {
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
  return command.action(async (sidArgs: string[], raw: RawCleanup & { session?: string }, cmd: Command) => {
    const sids = [...new Set(sidArgs.map((sid) => parseSid(sid, "interaction", "argument")))];
    const sessionSid: string | undefined = raw.session;
    if (!sessionSid) throw new UsageError("delete needs the Interactions' Session: --session KC…");
    let resolvedService: string | null = null;
    await runCleanup({
      context,
      globals: globalsOf(cmd),
      raw,
      describe: () => ({
        command: "delete",
        serviceSid: resolvedService,
        parameters: { session: sessionSid, interactions: sids },
      }),
      async targets(client, configuredService) {
        const serviceSid = await resolveServiceSid(client, configuredService, [sessionSid]);
        resolvedService = serviceSid;
        // A mistyped --session must not read as "every Interaction already gone": 404 here, exit 4.
        await fetchSession(client, serviceSid, sessionSid);
        const session = sessionSid;
        async function* targets(): AsyncGenerator<PurgeTarget> {
          for (const sid of sids) {
            try {
              const interaction = await fetchInteraction(client, serviceSid, session, sid);
              yield { sid, serviceSid, sessionSid: session, interaction };
            } catch (error) {
              // Already gone (e.g. a re-run) only when Twilio says so (20404): a gateway's 404 page is a failure.
              if (!isGone(error)) throw error;
              yield { sid, serviceSid, sessionSid: session, interaction: null };
            }
          }
        }
        return () => ({ targets: targets(), incompleteSessions: [] });
      },
    });
  });
}
