import { InvalidArgumentError } from "commander";
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
