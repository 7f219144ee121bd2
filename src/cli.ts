import { Command, CommanderError, Option } from "commander";
import { completionCommand } from "./commands/completion.js";
import { deleteCommand } from "./commands/delete.js";
import { eraseCommand } from "./commands/erase.js";
import { fetchCommand } from "./commands/fetch.js";
import { listCommand } from "./commands/list.js";
import { orphansCommand } from "./commands/orphans.js";
import { credentialSidArg, integerArg, refuseEmptyValues, sidArg } from "./commands/parsers.js";
import { purgeCommand } from "./commands/purge.js";
import { reportCommand } from "./commands/report.js";
import { sessionsCommand } from "./commands/sessions.js";
import { verifyCommand } from "./commands/verify.js";
import type { GlobalFlags } from "./config.js";
import { BrokenPipeError, describeError, ExitCode, exitCodeFor, SilentExit } from "./errors.js";
import { createIO, type IOOptions, type IOStreams } from "./io.js";
import { terminalText } from "./render/terminal-text.js";
import { VERSION } from "./version.js";

export interface MainOptions extends IOOptions {
  env?: NodeJS.ProcessEnv;
}

/**
 * Runs proxy-ix and resolves to its exit code; never calls process.exit. The one place where any error
 * becomes a one-line message and an exit code (stack traces only with --verbose).
 */
export async function main(argv: string[], options: MainOptions = {}): Promise<number> {
  const env = options.env ?? process.env;
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  // `proxy-ix --help | head`: the reader leaving early is not an error (data commands stop quietly too).
  // The same for stderr (`2>&1 | head`): without a listener, EPIPE there would crash a purge mid-run.
  for (const stream of [stdout, stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE") process.exitCode = ExitCode.failure;
    });
  }
  let io: Promise<IOStreams> | undefined;
  const program = buildProgram({
    env,
    io: () => {
      io ??= createIO({
        ...options,
        env,
        noColor: program.opts<GlobalFlags>().color === false,
        quiet: program.opts<GlobalFlags>().quiet,
      });
      return io;
    },
  });
  const output = {
    writeOut: (text: string) => stdout.write(text),
    writeErr: (text: string) => stderr.write(text),
    // One line per error, in our voice: "proxy-ix: unknown command 'lisst' (Did you mean list?)".
    outputError: (text: string, write: (text: string) => void) =>
      write(
        `${text
          .trim()
          .replace(/^error: /, "proxy-ix: ")
          .replace(/\s*\n+\s*/g, " ")}\n`,
      ),
  };
  for (const command of [program, ...program.commands]) {
    command.configureOutput(output);
    // Our help has no colour codes, so its width is its length: commander's ANSI-stripping
    // displayWidth costs ~10 ms per --help, a sixth of node's own start-up (docs/performance.md).
    // Global options in every subcommand's help: they work before or after the command name.
    command.configureHelp({ displayWidth: (text: string) => text.length, showGlobalOptions: true });
  }
  try {
    await program.parseAsync(argv, { from: "user" });
    return ExitCode.ok;
  } catch (error) {
    const code = exitCodeFor(error);
    // commander has printed its own line; a closed pipe and a reported outcome need none.
    if (error instanceof CommanderError || error instanceof BrokenPipeError || error instanceof SilentExit)
      return code;
    stderr.write(`proxy-ix: ${describeError(error)}\n`);
    // A stack trace starts with the message, which may quote a server: escaped line by line.
    if (program.opts<GlobalFlags>().verbose && error instanceof Error)
      stderr.write(`${stackOf(error).split("\n").map(terminalText).join("\n")}\n`);
    return code;
  }
}

function buildProgram(context: Parameters<typeof listCommand>[0]): Command {
  const program = new Command("proxy-ix")
    .description(
      "Audit and clean up Twilio Proxy Interactions, and the Messages and Calls behind them.\n" +
        "Credentials come from TWILIO_ACCOUNT_SID with TWILIO_AUTH_TOKEN or TWILIO_API_KEY + TWILIO_API_SECRET.",
    )
    .version(VERSION, "-V, --version", "print the version")
    .helpOption("-h, --help", "show help")
    .addOption(
      new Option("--account-sid <AC…>", "Account SID (else TWILIO_ACCOUNT_SID)").argParser(
        credentialSidArg("account", "--account-sid"),
      ),
    )
    .addOption(
      new Option(
        "--api-key <SK…>",
        "API Key SID (else TWILIO_API_KEY); its secret only from TWILIO_API_SECRET",
      ).argParser(credentialSidArg("apiKey", "--api-key")),
    )
    .addOption(
      new Option(
        "--profile <name>",
        "twilio-cli profile for credentials, region and edge (else TWILIO_PROFILE)",
      ),
    )
    .addOption(new Option("--region <region>", "Twilio region, e.g. ie1 (else TWILIO_REGION)"))
    .addOption(new Option("--edge <edge>", "Twilio edge, e.g. dublin (else TWILIO_EDGE)"))
    .addOption(
      new Option(
        "--base-url <url>",
        "one origin for all API calls, e.g. the emulator (else PROXY_IX_BASE_URL)",
      ),
    )
    .addOption(
      new Option(
        "--service <KS…>",
        "Proxy Service SID (else PROXY_IX_SERVICE_SID; found when omitted)",
      ).argParser(sidArg("service")),
    )
    .addOption(
      new Option("--timeout <ms>", "per-request timeout in milliseconds").argParser(integerArg(1, 600_000)),
    )
    .option("--verbose", "log every HTTP request on stderr; stack traces on errors")
    .option("-q, --quiet", "no progress or notes on stderr")
    .option("--no-color", "no colour (also NO_COLOR)")
    .exitOverride()
    .showSuggestionAfterError()
    .addCommand(sessionsCommand(context))
    .addCommand(listCommand(context))
    .addCommand(fetchCommand(context))
    .addCommand(deleteCommand(context))
    .addCommand(purgeCommand(context))
    .addCommand(reportCommand(context))
    .addCommand(verifyCommand(context))
    .addCommand(orphansCommand(context))
    .addCommand(eraseCommand(context))
    .addCommand(completionCommand(context))
    .addHelpText("after", ROOT_EXAMPLES);
  for (const command of program.commands) command.exitOverride();
  for (const command of [program, ...program.commands]) refuseEmptyValues(command);
  return program;
}

const ROOT_EXAMPLES = `
Examples:
  proxy-ix sessions --status closed,failed
  proxy-ix list --session KC… --json
  proxy-ix purge --all-sessions --until 30d --include-resources --dry-run
  proxy-ix purge --all-sessions --until 30d --include-resources --yes --json --export removed.ndjson
  proxy-ix --profile my-account sessions        # credentials of a twilio-cli profile
  proxy-ix help purge                           # every option of a command

Docs: docs/commands.md, docs/environment.md, docs/cron.md (in the package and the repository).`;

function stackOf(error: Error): string {
  const parts = [error.stack ?? String(error)];
  let cause = error.cause;
  while (cause instanceof Error) {
    parts.push(`Caused by: ${cause.stack ?? String(cause)}`);
    cause = cause.cause;
  }
  return parts.join("\n");
}
