import { type Command, InvalidArgumentError } from "commander";
import { parseConfigSid } from "../config.js";
import { UsageError } from "../errors.js";
import { parseSid, type SidKind } from "../sids.js";
import { parseInstant } from "../time-filter.js";

/**
 * commander argument parsers: a bad value becomes commander's one-line "option … argument … is invalid"
 * error, exit 2, before anything is sent.
 */
export function integerArg(min: number, max: number): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value))
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}.`);
    const number = Number(value);
    if (number < min || number > max)
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}.`);
    return number;
  };
}

/**
 * `--account-sid`/`--api-key`: a bad value is reported without being echoed (commander's own message
 * would repeat it whole), since a secret given in the wrong place must not reach a log.
 */
export function credentialSidArg(kind: "account" | "apiKey", flag: string): (value: string) => string {
  return (value) => parseConfigSid(value, kind, flag);
}

export function sidArg(kind: SidKind): (value: string) => string {
  return (value) => rethrow(() => parseSid(value, kind, "value"));
}

/** A repeatable SID option (`--session KC… --session KC…`), also accepting comma-separated lists. */
export function sidListArg(kind: SidKind): (value: string, previous: string[] | undefined) => string[] {
  return (value, previous = []) => [
    ...previous,
    ...value.split(",").map((part) => rethrow(() => parseSid(part.trim(), kind, "value"))),
  ];
}

export function choiceListArg(
  allowed: readonly string[],
): (value: string, previous: string[] | undefined) => string[] {
  return (value, previous = []) => {
    const items = value
      .split(",")
      .map((item) => item.trim())
      .filter(Boolean);
    const unknown = items.filter((item) => !allowed.includes(item));
    if (items.length === 0 || unknown.length > 0) {
      throw new InvalidArgumentError(`'${unknown.join(",") || value}' is not one of ${allowed.join(", ")}.`);
    }
    return [...new Set([...previous, ...items])];
  };
}

export function instantArg(flag: string): (value: string) => Date {
  return (value) => rethrow(() => parseInstant(value, flag));
}

function rethrow<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof UsageError)
      throw new InvalidArgumentError(`${error.message.replace(/^[^:]*: /, "")}.`);
    throw error;
  }
}

/**
 * Refuses an empty (or blank) value for every option of `command` that takes one, present or future:
 * `--export ""` from a cron script whose variable was unset must not mean "no audit trail", nor
 * `--base-url ""` "the real Twilio". Wraps each option's own parser, so the check runs first.
 */
export function refuseEmptyValues(command: Command): void {
  for (const option of command.options) {
    if (!option.required && !option.optional) continue;
    const parse = option.parseArg;
    option.argParser((value: string, previous: unknown) => {
      if (value.trim() === "") throw new InvalidArgumentError("expected a value, not an empty string.");
      return parse ? parse(value, previous) : value;
    });
  }
}
