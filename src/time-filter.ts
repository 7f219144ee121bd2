import { UsageError } from "./errors.js";

const AGE = /^(\d+)([smhdw])$/;
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
// ISO-8601 as users write it: a date, or a date and time with optional seconds, fraction and zone.
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|([+-])(\d{2}):?(\d{2}))?)?$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/** ECMAScript's Date range: ±8.64e15 ms around 1970. Anything outside it is no instant at all. */
const MAX_TIME = 8.64e15;

/**
 * Parses `--since`/`--until`: an ISO-8601 date/time (a bare date or a time without zone is UTC, as
 * Twilio's date_created is) or an age such as `30d`, `12h`, `90m`, `2w`, counted back from `now`.
 * Only a real instant is accepted: an impossible calendar date or time (2026-02-30, 24:00, +25:00)
 * is refused in every form rather than rolled over, and an age that reaches past the range of dates
 * is refused rather than becoming an Invalid Date, which would switch the filter off.
 */
export function parseInstant(value: string, flag: string, now: number = Date.now()): Date {
  const age = AGE.exec(value);
  if (age) {
    const time = now - Number(age[1]) * UNIT_MS[age[2] as keyof typeof UNIT_MS];
    if (Number.isFinite(time) && Math.abs(time) <= MAX_TIME) return new Date(time);
    throw new UsageError(`${flag}: '${value}' is out of range: an age must reach back to a real date`);
  }
  const time = isoTime(value);
  if (time !== null) return new Date(time);
  throw new UsageError(
    `${flag}: '${value}' is not a date or an age (use e.g. 2026-01-31, 2026-01-31T12:00:00Z, 30d, 12h)`,
  );
}

/**
 * The instant an ISO-8601 string names, from its own fields (not Date.parse, which rolls 02-30 over
 * to 03-02 for some forms and rejects it for others); null when any field is out of its range.
 */
function isoTime(value: string): number | null {
  const m = ISO.exec(value);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const millis = Number((m[7] ?? "").padEnd(3, "0").slice(0, 3));
  const offsetHours = Number(m[10] ?? 0);
  const offsetMinutes = Number(m[11] ?? 0);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) return null;
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0-99 as 1900-1999.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millis);
  const offset = (m[9] === "-" ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  const time = date.getTime() - offset;
  return Number.isFinite(time) && Math.abs(time) <= MAX_TIME ? time : null;
}

function daysIn(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] as number);
}

export interface DateWindow {
  since?: Date | undefined;
  until?: Date | undefined;
}

/**
 * `since` is inclusive, `until` exclusive: `--until 30d` means "created more than 30 days ago".
 * Written so that an invalid bound (NaN) matches nothing rather than everything.
 */
export function inWindow(dateCreated: string | null, window: DateWindow): boolean {
  if (!window.since && !window.until) return true;
  if (dateCreated === null) return false;
  const t = Date.parse(dateCreated);
  if (Number.isNaN(t)) return false;
  if (window.since && !(t >= window.since.getTime())) return false;
  if (window.until && !(t < window.until.getTime())) return false;
  return true;
}
