import { Option } from "commander";
import { DEFAULT_CEILING } from "../purge/adaptive-limiter.js";
import { DEFAULT_VISIBLE_DAYS, VISIBLE_DAYS_RANGE } from "../purge/plan.js";
import { integerArg } from "./parsers.js";

/** `--concurrency <n>` of every command that sends many requests: a hard cap; without it, adaptive. */
export function concurrencyOption(prefix = ""): Option {
  return new Option(
    "--concurrency <n>",
    `${prefix}a hard cap on requests in flight (default: adaptive, up to ${DEFAULT_CEILING})`,
  ).argParser(integerArg(1, 256));
}

/** `--visible-days <n>` (docs/reliability.md#archived-records), worded for the command that has it. */
export function visibleDaysOption(description: string): Option {
  return new Option("--visible-days <n>", description)
    .argParser(integerArg(...VISIBLE_DAYS_RANGE))
    .default(DEFAULT_VISIBLE_DAYS);
}
