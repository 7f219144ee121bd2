import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jsonText, terminalText } from "../../src/render/terminal-text.js";

// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for raw control characters is the point.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
/** Strings rich in the characters that matter: controls, ESC sequences, bidi overrides, plain text. */
const hostile = fc
  .array(
    fc.oneof(
      fc.integer({ min: 0, max: 0x9f }).map((code) => String.fromCharCode(code)),
      fc.constantFrom(
        "\x1b[2J",
        "\x1b]0;title\x07",
        "\x1b]52;c;ZXZpbA==\x07",
        "\u202e",
        "\u2028",
        "é",
        "日本",
        "\\x1b",
      ),
      fc.string(),
    ),
    { maxLength: 20 },
  )
  .map((parts) => parts.join(""));

describe("terminalText", () => {
  it("leaves no control character and is idempotent", () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const shown = terminalText(text);
        expect(shown).not.toMatch(UNSAFE);
        expect(terminalText(shown)).toBe(shown);
      }),
    );
  });

  it("changes nothing in text without control characters", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme" }).filter((text) => !UNSAFE.test(text)),
        (text) => {
          expect(terminalText(text)).toBe(text);
        },
      ),
    );
  });

  it("names the common ones", () => {
    expect(terminalText("a\tb\nc\rd\x1b[2J\x9b\u202e")).toBe("a\\tb\\nc\\rd\\x1b[2J\\x9b\\u202e");
  });
});

describe("jsonText", () => {
  it("is the exact value, with nothing a terminal acts on", () => {
    fc.assert(
      fc.property(fc.dictionary(hostile, fc.oneof(hostile, fc.integer(), fc.constant(null))), (value) => {
        const text = jsonText(value);
        expect(text).not.toMatch(UNSAFE);
        expect(JSON.parse(text)).toEqual(value);
      }),
    );
  });
});
