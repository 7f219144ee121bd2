import { type Command, Option } from "commander";
import { UsageError } from "../errors.js";
import type { Selection } from "../select/selection.js";
import { choiceListArg, instantArg, integerArg, sidListArg } from "./parsers.js";

export const SESSION_STATUSES = ["open", "in-progress", "closed", "failed", "unknown"] as const;
export const INTERACTION_TYPES = ["message", "voice", "unknown"] as const;

interface RawSelection {
  session?: string[];
  allSessions?: boolean;
  sessionStatus?: string[];
  type?: string[];
  since?: Date;
  until?: Date;
  limit?: number;
  pageSize: number;
}

/** The flags `list` and `purge` share to choose Interactions (docs/commands.md). */
export function addSelectionOptions(command: Command): Command {
  return command
    .addOption(
      new Option("--session <KC…>", "a Session to read (repeatable, or comma-separated)").argParser(
        sidListArg("session"),
      ),
    )
    .addOption(new Option("--all-sessions", "every Session of the Service").conflicts("session"))
    .addOption(
      new Option("--session-status <list>", `with --all-sessions: only Sessions in these statuses`).argParser(
        choiceListArg(SESSION_STATUSES),
      ),
    )
    .addOption(
      new Option("--type <list>", "only Interactions of these types (message, voice, unknown)").argParser(
        choiceListArg(INTERACTION_TYPES),
      ),
    )
    .addOption(
      new Option(
        "--since <when>",
        "only Interactions created at or after: ISO-8601 date/time or age (30d, 12h)",
      ).argParser(instantArg("--since")),
    )
    .addOption(
      new Option(
        "--until <when>",
        "only Interactions created before: ISO-8601 date/time or age (30d, 12h)",
      ).argParser(instantArg("--until")),
    )
    .addOption(
      new Option("--limit <n>", "at most n Interactions").argParser(integerArg(1, Number.MAX_SAFE_INTEGER)),
    )
    .addOption(
      new Option("--page-size <n>", "Interactions per API page (1-1000; Twilio sends at most 100)")
        .argParser(integerArg(1, 1000))
        .default(100),
    );
}

export function parseSelection(raw: RawSelection): Selection {
  const sessionSids = raw.session ?? [];
  const allSessions = raw.allSessions === true;
  if (!allSessions && sessionSids.length === 0) {
    throw new UsageError("choose the Sessions: --session KC… (repeatable) or --all-sessions");
  }
  if (raw.sessionStatus && !allSessions) {
    throw new UsageError("--session-status goes with --all-sessions");
  }
  if (raw.since && raw.until && raw.since.getTime() >= raw.until.getTime()) {
    throw new UsageError("--since must be earlier than --until: no Interaction could match");
  }
  return {
    sessionSids,
    allSessions,
    sessionStatuses: raw.sessionStatus ?? null,
    types: raw.type ?? null,
    window: { since: raw.since, until: raw.until },
    limit: raw.limit ?? null,
    pageSize: raw.pageSize,
  };
}
