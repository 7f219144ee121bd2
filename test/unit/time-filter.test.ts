import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/errors.js";
import { inWindow, parseInstant } from "../../src/time-filter.js";

const NOW = Date.parse("2026-11-27T12:00:00Z");

describe("parseInstant", () => {
  it("reads ages back from now", () => {
    expect(parseInstant("30d", "--until", NOW).toISOString()).toBe("2026-10-28T12:00:00.000Z");
    expect(parseInstant("12h", "--since", NOW).toISOString()).toBe("2026-11-27T00:00:00.000Z");
    expect(parseInstant("2w", "--since", NOW).toISOString()).toBe("2026-11-13T12:00:00.000Z");
    expect(parseInstant("90m", "--since", NOW).toISOString()).toBe("2026-11-27T10:30:00.000Z");
  });

  it("reads ISO-8601 dates and times, UTC unless a zone is given", () => {
    expect(parseInstant("2026-01-31", "--since").toISOString()).toBe("2026-01-31T00:00:00.000Z");
    expect(parseInstant("2026-01-31T10:20", "--since").toISOString()).toBe("2026-01-31T10:20:00.000Z");
    expect(parseInstant("2026-01-31T10:20:30Z", "--since").toISOString()).toBe("2026-01-31T10:20:30.000Z");
    expect(parseInstant("2026-01-31T10:20:30+02:00", "--since").toISOString()).toBe(
      "2026-01-31T08:20:30.000Z",
    );
  });

  it("rejects what is neither, naming the flag", () => {
    for (const bad of ["yesterday", "30", "30x", "2026-02-30", "2026-13-01", "26-01-01", "-5d", ""]) {
      expect(() => parseInstant(bad, "--until", NOW)).toThrow(UsageError);
    }
    expect(() => parseInstant("soon", "--until", NOW)).toThrow(/--until: 'soon'/);
  });

  it("any age in days is exactly that many days before now", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), (days) => {
        expect(NOW - parseInstant(`${days}d`, "--until", NOW).getTime()).toBe(days * 86_400_000);
      }),
    );
  });

  it("any valid calendar date round-trips", () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date("1970-01-01"), max: new Date("9999-12-31"), noInvalidDate: true }),
        (date) => {
          const day = date.toISOString().slice(0, 10);
          expect(parseInstant(day, "--since").toISOString().slice(0, 10)).toBe(day);
        },
      ),
    );
  });
});

/** Every way an offset may be written for one instant: UTC as Z, +00:00, +0000, no zone; others both ways. */
const zoneForms = (minutes: number): string[] => {
  if (minutes === 0) return ["Z", "+00:00", "+0000", "-00:00", ""];
  const sign = minutes < 0 ? "-" : "+";
  const hh = String(Math.trunc(Math.abs(minutes) / 60)).padStart(2, "0");
  const mm = String(Math.abs(minutes) % 60).padStart(2, "0");
  return [`${sign}${hh}:${mm}`, `${sign}${hh}${mm}`];
};
const pad = (n: number, width = 2) => String(n).padStart(width, "0");
const daysIn = (year: number, month: number) =>
  [
    31,
    (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28,
    31,
    30,
    31,
    30,
    31,
    31,
    30,
    31,
    30,
    31,
  ][month - 1] as number;

describe("parseInstant: only real instants (issue 10, items 2 and 3)", () => {
  it("refuses an age past the range of dates instead of switching the filter off", () => {
    for (const bad of ["200000000d", "9999999999999999999999w", "100100000d", `${"9".repeat(400)}s`]) {
      expect(() => parseInstant(bad, "--until", NOW)).toThrow(/is out of range/);
    }
    expect(parseInstant("100000d", "--until", NOW).getTime()).toBe(NOW - 100_000 * 86_400_000);
  });

  it("refuses impossible dates and times in every form", () => {
    for (const date of ["2026-02-29", "2026-02-30", "2026-04-31", "2026-00-10", "2026-01-00", "2100-02-29"]) {
      for (const rest of [
        "",
        "T00:00",
        "T00:00Z",
        "T00:00+00:00",
        "T00:00+0000",
        "T00:00-05:00",
        " 12:00:00",
      ]) {
        expect(() => parseInstant(`${date}${rest}`, "--until", NOW)).toThrow(UsageError);
      }
    }
    for (const bad of [
      "2026-01-31T24:00Z",
      "2026-01-31T23:60",
      "2026-01-31T10:00:60Z",
      "2026-01-31T10:00+24:00",
    ]) {
      expect(() => parseInstant(bad, "--since", NOW)).toThrow(UsageError);
    }
    expect(parseInstant("2024-02-29T00:00+0000", "--since").toISOString()).toBe("2024-02-29T00:00:00.000Z");
  });

  it("any valid date-time means the same instant in every way of writing its offset", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9999 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 31 }),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 }),
        (year, month, dayWanted, hour, minute, offset) => {
          const day = Math.min(dayWanted, daysIn(year, month));
          const local = `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}`;
          // The oracle: the same wall-clock time read as UTC, moved by the offset.
          const utc = new Date(0);
          utc.setUTCFullYear(year, month - 1, day);
          utc.setUTCHours(hour, minute, 0, 0);
          const expected = utc.getTime() - offset * 60_000;
          for (const zone of zoneForms(offset)) {
            expect(parseInstant(`${local}${zone}`, "--since").getTime()).toBe(expected);
          }
        },
      ),
    );
  });

  it("any day past the end of its month is refused in every form", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9999 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 69 }),
        fc.integer({ min: -600, max: 600 }),
        (year, month, beyond, offset) => {
          const day = daysIn(year, month) + beyond;
          if (day > 99) return;
          const date = `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
          for (const form of [
            date,
            `${date}T00:00`,
            ...zoneForms(offset).map((zone) => `${date}T12:30${zone}`),
          ]) {
            expect(() => parseInstant(form, "--until", NOW)).toThrow(UsageError);
          }
        },
      ),
    );
  });

  it("any age is a valid Date or a usage error, never an Invalid Date", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 30n }),
        fc.constantFrom("s", "m", "h", "d", "w"),
        (n, unit) => {
          let parsed: Date | undefined;
          try {
            parsed = parseInstant(`${n}${unit}`, "--until", NOW);
          } catch (error) {
            expect(error).toBeInstanceOf(UsageError);
            return;
          }
          expect(Number.isNaN(parsed.getTime())).toBe(false);
        },
      ),
    );
  });
});

describe("inWindow", () => {
  it("an invalid bound matches nothing, never everything", () => {
    expect(inWindow("2026-01-01T00:00:00Z", { until: new Date(Number.NaN) })).toBe(false);
    expect(inWindow("2026-01-01T00:00:00Z", { since: new Date(Number.NaN) })).toBe(false);
  });

  const since = new Date("2026-01-01T00:00:00Z");
  const until = new Date("2026-02-01T00:00:00Z");
  it("includes since, excludes until", () => {
    expect(inWindow("2026-01-01T00:00:00Z", { since, until })).toBe(true);
    expect(inWindow("2026-02-01T00:00:00Z", { since, until })).toBe(false);
    expect(inWindow("2025-12-31T23:59:59Z", { since })).toBe(false);
    expect(inWindow(null, { until })).toBe(false);
    expect(inWindow(null, {})).toBe(true);
  });
});
