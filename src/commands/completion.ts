import { Argument, Command, type Option } from "commander";
import type { IOStreams } from "../io.js";
import {
  type CompletionSpec,
  completionScript,
  type OptionSpec,
  SHELLS,
  type Shell,
} from "../render/completion-script.js";
import type { CliContext } from "./context.js";

export interface CompletionOptions {
  io: IOStreams;
  shell: Shell;
  /** The command tree as a shell sees it (names, options, which take values). */
  spec: CompletionSpec;
}

/**
 * `proxy-ix completion bash|zsh|fish`: a completion script generated from the command tree itself
 * (commander has no generator), so a new command or option is completed without editing this file.
 */
export function completionCommand(context: CliContext, runF = runCompletion): Command {
  return new Command("completion")
    .description("Print a shell completion script (bash, zsh or fish)")
    .addArgument(new Argument("<shell>", "the shell").choices(SHELLS))
    .addHelpText(
      "after",
      `
Install:
  bash  proxy-ix completion bash > ~/.local/share/bash-completion/completions/proxy-ix
  zsh   proxy-ix completion zsh > "\${fpath[1]}/_proxy-ix"     (then restart zsh)
  fish  proxy-ix completion fish > ~/.config/fish/completions/proxy-ix.fish`,
    )
    .action(async (shell: Shell, _options: unknown, command: Command) => {
      const io = await context.io();
      return runF({ io, shell, spec: specOf(command.parent as Command) });
    });
}

export async function runCompletion(opts: CompletionOptions): Promise<void> {
  await opts.io.out(completionScript(opts.shell, opts.spec));
}

function optionSpec(option: Option): OptionSpec {
  const flags = [option.short, option.long].filter((flag): flag is string => !!flag);
  const takesValue = option.required || option.optional;
  const value = !takesValue ? "none" : /<file>/.test(option.flags) ? "file" : "any";
  return { flags, description: option.description, value };
}

function specOf(program: Command): CompletionSpec {
  const visible = (option: Option) => !option.hidden;
  const commands: CompletionSpec["commands"] = program.commands.map((command) => ({
    name: command.name(),
    description: command.description().split("\n")[0] ?? "",
    options: [
      ...command.options.filter(visible).map(optionSpec),
      { flags: ["-h", "--help"], description: "show help", value: "none" as const },
    ],
    args: command.name() === "completion" ? [...SHELLS] : [],
  }));
  const names = commands.map((command) => command.name);
  commands.push({ name: "help", description: "show help for a command", options: [], args: names });
  return { commands, globals: program.options.filter(visible).map(optionSpec) };
}
