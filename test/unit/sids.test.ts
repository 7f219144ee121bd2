import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/errors.js";
import { isSid, parseSid } from "../../src/sids.js";

const hex32 = fc.stringMatching(/^[0-9a-f]{32}$/);

describe("parseSid", () => {
  it("accepts a prefix and 32 hex digits, either case", () => {
    fc.assert(fc.property(hex32, (body) => parseSid(`KI${body}`, "interaction") === `KI${body}`));
    expect(parseSid(`KC${"AB".repeat(16)}`, "session")).toBe(`KC${"AB".repeat(16)}`);
  });

  it("rejects the wrong prefix, length or digits with a usage error naming the problem", () => {
    expect(() => parseSid(`KC${"a".repeat(32)}`, "interaction")).toThrow(
      /expected KI followed by 32 hex digits/,
    );
    expect(() => parseSid(`KI${"a".repeat(31)}`, "interaction")).toThrow(UsageError);
    expect(() => parseSid(`KI${"g".repeat(32)}`, "interaction")).toThrow(UsageError);
    expect(() => parseSid("", "session")).toThrow(UsageError);
  });

  it("never accepts a string that is not exactly prefix + 32 hex", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (value) => {
        const valid = /^KI[0-9a-fA-F]{32}$/.test(value);
        expect(isSid(value, ["KI"])).toBe(valid);
      }),
    );
  });
});
