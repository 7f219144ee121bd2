import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { lines, runCli } from "../helpers/cli.js";
import { type Emulator, emulator, envFor, stateOf } from "../helpers/emulator.js";

/**
 * Issue 10, items 4 and 15: an empty value for any option that takes one is exit 2 with nothing sent,
 * for every option `--help` lists (so an option added later is covered without a new row). `--export ""`
 * must never mean "no audit trail", nor `--base-url ""` "the real Twilio".
 */
const COMMANDS = ["sessions", "list", "fetch", "delete", "purge"];
let emu: Emulator;

beforeAll(async () => {
  emu = await emulator();
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

async function valueOptions(command: string | null): Promise<string[]> {
  const help = await runCli(command ? [command, "--help"] : ["--help"]);
  const options = [...help.stdout.matchAll(/^\s+(?:-\w, )?(--[a-z-]+) <[^>]+>/gm)].map((m) => m[1] as string);
  return options;
}

describe("an empty option value is a usage error (issue 10, items 4 and 15)", () => {
  it("every option that takes a value, of every command, refuses an empty one", async () => {
    const global = await valueOptions(null);
    expect(global).toEqual(expect.arrayContaining(["--base-url", "--service", "--account-sid", "--timeout"]));
    let tried = 0;
    for (const command of COMMANDS) {
      const own = (await valueOptions(command)).filter((option) => !global.includes(option));
      if (command === "purge")
        expect(own).toEqual(expect.arrayContaining(["--export", "--since", "--until"]));
      // Global options once (they are parsed the same way under every command), each command's own.
      const options = command === "sessions" ? [...global, ...own] : own;
      tried += options.length;
      // `--x ""`, `--x=` and a blank value, in turn.
      for (const [n, option] of options.entries()) {
        const args = [
          [command, option, ""],
          [command, `${option}=`],
          [command, option, "  "],
        ][n % 3] as string[];
        const result = await runCli(args, { env: envFor(emu) });
        expect(result.code, args.join(" ")).toBe(2);
        expect(lines(result.stderr)).toHaveLength(1);
        expect(result.stderr).toContain("expected a value, not an empty string");
      }
    }
    expect(tried).toBeGreaterThan(15);
    expect((await stateOf(emu)).requests.total).toBe(0);
  });
});
