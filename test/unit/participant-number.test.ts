import { describe, expect, it } from "vitest";
import {
  last2,
  maskedNumber,
  maskNumberIn,
  parseParticipantNumber,
} from "../../src/erase/participant-number.js";
import { UsageError } from "../../src/errors.js";

describe("parseParticipantNumber", () => {
  it("accepts E.164, dropping spaces and hyphens between digits", () => {
    expect(parseParticipantNumber("+14155550300")).toBe("+14155550300");
    expect(parseParticipantNumber(" +1 415-555-0300 ")).toBe("+14155550300");
    expect(parseParticipantNumber("+44 7700 900123")).toBe("+447700900123");
    expect(parseParticipantNumber("+12345678")).toBe("+12345678");
    expect(parseParticipantNumber("+123456789012345")).toBe("+123456789012345");
  });

  it.each([
    "14155550300",
    "+1234567",
    "+1234567890123456",
    "+04155550300",
    "+1 (415) 555-0300",
    "+1--415",
    "+1 415  555 0300",
    "+1415555030O",
    "+ 14155550300",
    "",
  ])("refuses %j without echoing it", (value) => {
    expect(() => parseParticipantNumber(value)).toThrow(UsageError);
    try {
      parseParticipantNumber(value);
    } catch (error) {
      const digits = value.replace(/\D/g, "");
      if (digits.length >= 6) expect((error as Error).message).not.toContain(digits.slice(0, 6));
    }
  });
});

describe("masking", () => {
  it("shows only the last 2 digits", () => {
    expect(last2("+14155550300")).toBe("00");
    expect(maskedNumber("+14155550300")).toBe("+…00");
  });

  it("masks the number whole or URL-encoded, and leaves longer numbers that start with it alone", () => {
    const n = "+14155550300";
    expect(maskNumberIn("GET /Messages.json?To=%2B14155550300&PageSize=1000", n)).toBe(
      "GET /Messages.json?To=+…00&PageSize=1000",
    );
    expect(maskNumberIn("from +14155550300 to %2b14155550300", n)).toBe("from +…00 to +…00");
    expect(maskNumberIn("+141555503001 KC14155550300", n)).toBe("+141555503001 KC14155550300");
    expect(maskNumberIn("Invalid 'To' Phone Number: 14155550300", n)).toBe("Invalid 'To' Phone Number: +…00");
  });
});
