/**
 * The v2010 list filters proxy-ix relies on: `To`, `From` (exact E.164), and the date families
 * `DateSent`/`StartTime`/`EndTime` with their `<` and `>` forms. As Twilio documents them, a value is a UTC
 * day (`2026-01-05`: `X=` that day, `X<=` on or before it, `X>=` on or after it) or an instant
 * (`2026-01-05T10:00:00Z`). A record without that date (a Message not sent yet) matches no date filter.
 * A malformed date is 400/20001 rather than a filter silently dropped, which would widen the list.
 */
import { invalidParameter } from "./errors.js";

const DAY_MS = 86_400_000;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:\d{2})$/;

/** A half-open range [from, until) of epoch ms; either end may be open. */
interface Range {
  from: number;
  until: number;
}

function validDay(y: string, m: string, d: string): number | null {
  const ms = Date.UTC(Number(y), Number(m) - 1, Number(d));
  const back = new Date(ms);
  return back.getUTCFullYear() === Number(y) &&
    back.getUTCMonth() === Number(m) - 1 &&
    back.getUTCDate() === Number(d)
    ? ms
    : null;
}

/** The instants a value covers: a whole day, or one second. */
function parseWhen(name: string, value: string): Range {
  const day = DAY.exec(value);
  if (day) {
    const start = validDay(day[1] as string, day[2] as string, day[3] as string);
    if (start !== null) return { from: start, until: start + DAY_MS };
  }
  const instant = INSTANT.exec(value);
  if (instant && validDay(instant[1] as string, instant[2] as string, instant[3] as string) !== null) {
    const ms = Date.parse(value);
    if (Number.isFinite(ms)) return { from: ms, until: ms + 1000 };
  }
  throw invalidParameter(`Invalid ${name} '${value}': expected YYYY-MM-DD or an ISO 8601 date-time`);
}

/** `X`, `X<` and `X>` of one date family, combined into one range; null when none is given. */
function dateRange(query: URLSearchParams, name: string): Range | null {
  let range: Range | null = null;
  const narrow = (from: number, until: number) => {
    range = {
      from: Math.max(range?.from ?? -Infinity, from),
      until: Math.min(range?.until ?? Infinity, until),
    };
  };
  const exact = query.get(name);
  if (exact !== null) {
    const r = parseWhen(name, exact);
    narrow(r.from, r.until);
  }
  const before = query.get(`${name}<`);
  if (before !== null) narrow(-Infinity, parseWhen(`${name}<`, before).until);
  const after = query.get(`${name}>`);
  if (after !== null) narrow(parseWhen(`${name}>`, after).from, Infinity);
  return range;
}

type Test<T> = (record: T) => boolean;

function inRange<T>(range: Range | null, at: (record: T) => number | null): Test<T> | null {
  if (!range) return null;
  const { from, until } = range;
  return (record) => {
    const ms = at(record);
    return ms !== null && ms >= from && ms < until;
  };
}

function equals<T>(value: string | null, field: (record: T) => string | null): Test<T> | null {
  return value === null ? null : (record) => field(record) === value;
}

function all<T>(tests: (Test<T> | null)[]): Test<T> {
  const active = tests.filter((t): t is Test<T> => t !== null);
  return (record) => active.every((test) => test(record));
}

export interface Filterable {
  from: string;
  to: string;
}

export function messageFilter<T extends Filterable & { sentMs: number | null }>(
  query: URLSearchParams,
): Test<T> {
  return all<T>([
    equals(query.get("To"), (m) => m.to),
    equals(query.get("From"), (m) => m.from),
    inRange(dateRange(query, "DateSent"), (m) => m.sentMs),
  ]);
}

export function callFilter<
  T extends Filterable & { status: string; startMs: number | null; endMs: number | null },
>(query: URLSearchParams): Test<T> {
  return all<T>([
    equals(query.get("To"), (c) => c.to),
    equals(query.get("From"), (c) => c.from),
    equals(query.get("Status"), (c) => c.status),
    // The emulator seeds no child calls, so a ParentCallSid filter matches nothing.
    equals(query.get("ParentCallSid"), () => null),
    inRange(dateRange(query, "StartTime"), (c) => c.startMs),
    inRange(dateRange(query, "EndTime"), (c) => c.endMs),
  ]);
}
