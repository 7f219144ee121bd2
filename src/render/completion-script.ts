/** The completion scripts of `proxy-ix completion` (bash, zsh, fish), written from the command tree. */

export const SHELLS = ["bash", "zsh", "fish"] as const;
export type Shell = (typeof SHELLS)[number];

/** What a shell needs to know of the command tree: names, options, which options take a value. */
export interface CompletionSpec {
  commands: { name: string; description: string; options: OptionSpec[]; args: string[] }[];
  globals: OptionSpec[];
}

export interface OptionSpec {
  flags: string[];
  description: string;
  /** Takes a value; `file` when the value is a file name (completed as one). */
  value: "none" | "any" | "file";
}

export function completionScript(shell: Shell, spec: CompletionSpec): string {
  return shell === "bash" ? bash(spec) : shell === "zsh" ? zsh(spec) : fish(spec);
}

const words = (options: OptionSpec[], kind?: OptionSpec["value"]) =>
  options
    .filter(
      (option) => kind === undefined || (kind === "none" ? option.value === "none" : option.value !== "none"),
    )
    .flatMap((option) => option.flags)
    .join(" ");

function bash(spec: CompletionSpec): string {
  const all = [...spec.globals, ...spec.commands.flatMap((command) => command.options)];
  const cases = spec.commands
    .map(
      (command) =>
        `    ${command.name}) options="${words(command.options)}"; args="${command.args.join(" ")}" ;;`,
    )
    .join("\n");
  const files = words(all.filter((option) => option.value === "file"));
  return `# bash completion for proxy-ix (proxy-ix completion bash)
_proxy_ix() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
  local valued=" ${words(all, "any")} " command="" i word skip=0
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    if ((skip)); then skip=0; continue; fi
    case "$valued" in *" $word "*) skip=1; continue ;; esac
    case "$word" in -*) continue ;; esac
    command="$word"; break
  done
  case " ${files} " in *" $prev "*) COMPREPLY=($(compgen -f -- "$cur")); return ;; esac
  case "$valued" in *" $prev "*) COMPREPLY=(); return ;; esac
  local options="" args=""
  case "$command" in
${cases}
    "") args="${spec.commands.map((command) => command.name).join(" ")}" ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$options ${words(spec.globals)}" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$args" -- "$cur"))
  fi
}
complete -F _proxy_ix proxy-ix
`;
}

/** zsh `_arguments` specs: brackets and colons in a description must be escaped. */
function zshOption(option: OptionSpec): string[] {
  const description = option.description.replace(/[\\[\]:']/g, (c) => (c === "'" ? "'\\''" : `\\${c}`));
  const value = option.value === "none" ? "" : option.value === "file" ? ":file:_files" : ":value: ";
  return option.flags.map((flag) => `'${flag}[${description}]${value}'`);
}

function zsh(spec: CompletionSpec): string {
  // _describe splits "name:description" at the first colon: later colons need no escape.
  const quote = (text: string) => `'${text.replace(/'/g, "'\\''")}'`;
  const globals = spec.globals.flatMap(zshOption).join(" \\\n    ");
  const cases = spec.commands
    .map((command) => {
      const options = command.options.flatMap(zshOption);
      const args = command.args.length > 0 ? [`'1:argument:(${command.args.join(" ")})'`] : [];
      return `    ${command.name}) _arguments -s $globals ${[...options, ...args].join(" ")} ;;`;
    })
    .join("\n");
  return `#compdef proxy-ix
# zsh completion for proxy-ix (proxy-ix completion zsh)
_proxy_ix() {
  local -a globals commands
  globals=(
    ${globals}
  )
  commands=(
    ${spec.commands.map((command) => quote(`${command.name}:${command.description}`)).join("\n    ")}
  )
  local state line
  _arguments -C -s $globals '1:command:->command' '*::argument:->argument'
  case $state in
    command) _describe -t commands 'proxy-ix command' commands ;;
    argument)
      case $line[1] in
${cases}
      esac ;;
  esac
}
if [[ "\${zsh_eval_context[-1]}" == loadautofunc ]]; then _proxy_ix "$@"; else compdef _proxy_ix proxy-ix; fi
`;
}

function fish(spec: CompletionSpec): string {
  const quote = (text: string) => `'${text.replace(/[\\']/g, "\\$&")}'`;
  const line = (option: OptionSpec, condition?: string) => {
    const parts = ["complete -c proxy-ix"];
    if (condition) parts.push(`-n ${quote(condition)}`);
    for (const flag of option.flags)
      parts.push(flag.startsWith("--") ? `-l ${flag.slice(2)}` : `-s ${flag.slice(1)}`);
    if (option.value === "any") parts.push("-x");
    if (option.value === "file") parts.push("-r -F");
    parts.push(`-d ${quote(option.description)}`);
    return parts.join(" ");
  };
  const names = spec.commands.map((command) => command.name).join(" ");
  return [
    "# fish completion for proxy-ix (proxy-ix completion fish)",
    "complete -c proxy-ix -f",
    ...spec.commands.map(
      (command) =>
        `complete -c proxy-ix -n ${quote(`not __fish_seen_subcommand_from ${names}`)} -a ${command.name} -d ${quote(command.description)}`,
    ),
    ...spec.globals.map((option) => line(option)),
    ...spec.commands.flatMap((command) => {
      const condition = `__fish_seen_subcommand_from ${command.name}`;
      const args =
        command.args.length > 0
          ? [`complete -c proxy-ix -n ${quote(condition)} -a ${quote(command.args.join(" "))}`]
          : [];
      return [...command.options.map((option) => line(option, condition)), ...args];
    }),
    "",
  ].join("\n");
}
