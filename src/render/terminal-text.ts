/**
 * Server text is untrusted: a Twilio field (unique_name, closed_reason, data, an error message) may
 * hold escape sequences that set the window title, clear the screen, move the cursor or write the
 * clipboard (OSC 52). Before any of it reaches a person, every control character is made visible as
 * an escape, as gh does: C0 (tab, newline and ESC included), DEL, C1 (e.g. the one-byte CSI U+009B),
 * and the Unicode format characters that reorder or split what is shown (bidi overrides, line and
 * paragraph separators). An escape sequence loses its ESC and so prints as plain text. Backslashes are
 * left alone, so the function is idempotent. `--json`/`--ndjson` do not use it: JSON escapes these.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Record<string, string> = { "\t": "\\t", "\n": "\\n", "\r": "\\r" };

export function terminalText(text: string): string {
  return text.replace(UNSAFE, (char) => NAMED[char] ?? escapeOf(char));
}

function escapeOf(char: string): string {
  const code = char.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, "0")}`
    : `\\u${code.toString(16).padStart(4, "0")}`;
}

// JSON.stringify escapes only U+0000-U+001F; these it leaves raw, and a terminal may act on them.
const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * JSON for `--json`/`--ndjson`: the exact value (JSON.parse gives back the same strings), with the
 * characters JSON.stringify leaves raw (DEL, C1, bidi controls) written as \u escapes, which is still
 * the same JSON. Such characters can only occur inside strings, where the escape is always valid.
 */
export function jsonText(value: unknown, space?: number): string {
  return JSON.stringify(value, null, space).replace(
    JSON_UNSAFE,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
