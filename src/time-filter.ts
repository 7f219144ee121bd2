import { UsageError } from "./errors.js";

const AGE = /^(\d+)([smhdw])$/;
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
// ISO-8601 as users write it: a date, or a date and time with optional seconds, fraction and zone.
const ISO = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Parses `--since`/`--until`: an ISO-8601 date/time (a bare date or a time without zone is UTC, as
 * Twilio's date_created is) or an age such as `30d`, `12h`, `90m`, `2w`, counted back from `now`.
 */
export function parseInstant(value: string, flag: string, now: number = Date.now()): Date {
  const age = AGE.exec(value);
  if (age) {
    const amount = Number(age[1]);
    const unit = age[2] as keyof typeof UNIT_MS;
    return new Date(now - amount * UNIT_MS[unit]);
  }
  if (ISO.test(value)) {
    const hasZone = /(?:Z|[+-]\d{2}:?\d{2})$/.test(value) && value.length > 10;
    const normalised = value.replace(" ", "T");
    const date = new Date(hasZone ? normalised : `${normalised}${normalised.length === 10 ? "" : "Z"}`);
    if (!Number.isNaN(date.getTime()) && sameCalendarDate(value, date)) return date;
  }
  throw new UsageError(
    `${flag}: '${value}' is not a date or an age (use e.g. 2026-01-31, 2026-01-31T12:00:00Z, 30d, 12h)`,
  );
}

/** Rejects dates that JavaScript would silently roll over, such as 2026-02-30. */
function sameCalendarDate(input: string, date: Date): boolean {
  if (/[+-]\d{2}:?\d{2}$/.test(input) && input.length > 10) return true;
  return date.toISOString().slice(0, 10) === input.slice(0, 10);
}

export interface DateWindow {
  since?: Date | undefined;
  until?: Date | undefined;
}

/** `since` is inclusive, `until` exclusive: `--until 30d` means "created more than 30 days ago". */
export function inWindow(dateCreated: string | null, window: DateWindow): boolean {
  if (!window.since && !window.until) return true;
  if (dateCreated === null) return false;
  const t = Date.parse(dateCreated);
  if (Number.isNaN(t)) return false;
  if (window.since && t < window.since.getTime()) return false;
  if (window.until && t >= window.until.getTime()) return false;
  return true;
}
