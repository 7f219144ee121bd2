import { describe, expect, it } from "vitest";
import type { CliContext } from "../../src/commands/context.js";
import { type EraseOptions, eraseCommand } from "../../src/commands/erase.js";
import { createTestIO } from "../../src/io.js";
import { FLAGS_ENV as ENV } from "../helpers/flags-env.js";

/** Flag parsing of `erase`, without a network: the runF spy gets the typed options. */
function parse(args: string[], stdinTTY = false): Promise<EraseOptions> {
  const { io } = createTestIO({ stdinTTY, stderrTTY: stdinTTY });
  const context: CliContext = { env: ENV, io: async () => io };
  return new Promise((resolve, reject) => {
    const command = eraseCommand(context, async (opts) => resolve(opts)).exitOverride();
    command.configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
    command.parseAsync(args, { from: "user" }).catch(reject);
  });
}

describe("eraseCommand", () => {
  it("turns the flags into EraseOptions, the number normalised", async () => {
    const opts = await parse([
      "--participant",
      "+1 415-555-0300",
      "--dry-run",
      "--json",
      "--concurrency",
      "8",
    ]);
    expect(opts).toMatchObject({
      participant: "+14155550300",
      dryRun: true,
      confirm: false,
      includeResources: true,
      export: null,
      concurrency: 8,
      json: true,
    });
  });

  it("defaults: no export, adaptive concurrency", async () => {
    const opts = await parse(["--participant", "+447700900123", "-y", "--export", "erased.ndjson"]);
    expect(opts).toMatchObject({
      confirm: false,
      dryRun: false,
      export: "erased.ndjson",
      concurrency: null,
      json: false,
    });
  });

  it("refuses a number that is not E.164 before running anything", async () => {
    await expect(parse(["--participant", "415-555-0300"])).rejects.toThrow(/not an E\.164 phone number/);
  });

  it("asks on a terminal without --yes; refuses to run without one", async () => {
    expect(await parse(["--participant", "+447700900123"], true)).toMatchObject({ confirm: true });
    await expect(parse(["--participant", "+447700900123"])).rejects.toThrow(/pass --yes/);
  });

  it("hides --include-resources (always on) from the help", () => {
    const context: CliContext = { env: {}, io: () => Promise.reject(new Error("unused")) };
    expect(eraseCommand(context).helpInformation()).not.toContain("--include-resources");
  });
});
