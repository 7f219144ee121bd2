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

describe("inWindow", () => {
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
