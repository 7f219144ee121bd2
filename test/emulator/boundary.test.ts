/**
 * The emulator shares no code with the client it tests (STYLE.md): a misreading of Twilio shared by both
 * would pass every test. Its modules may import only each other, node: built-ins and commander.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../src/emulator");

describe("src/emulator imports", () => {
  it("reach only sibling modules, node: built-ins and commander", () => {
    const files = readdirSync(dir).filter((f) => f.endsWith(".ts"));
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const source = readFileSync(path.join(dir, file), "utf8");
      const specifiers = [...source.matchAll(/(?:^|\n)\s*(?:import|export)[^;]*?from\s+"([^"]+)"/g)].map(
        (m) => m[1],
      );
      for (const specifier of specifiers) {
        const allowed =
          /^\.\/[\w-]+\.js$/.test(specifier ?? "") ||
          specifier?.startsWith("node:") ||
          specifier === "commander";
        expect(allowed, `${file} imports ${specifier}`).toBe(true);
      }
    }
  });
});
