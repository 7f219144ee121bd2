import { describe, expect, it } from "vitest";
import { type OrphansOptions, orphansCommand } from "../../src/commands/orphans.js";
import { UsageError } from "../../src/errors.js";
import { createTestIO } from "../../src/io.js";
import { FLAGS_ENV as ENV } from "../helpers/flags-env.js";

/**
 * The command's flags turned into OrphansOptions (gh's anatomy): a `runF` spy stands in for the run,
 * so these checks send nothing. What the run does is tested end to end (test/e2e/orphans*.test.ts).
 */
async function parse(args: string[]): Promise<OrphansOptions | UsageError> {
  const { io } = createTestIO();
  let got: OrphansOptions | undefined;
  const command = orphansCommand({ io: async () => io, env: ENV }, async (opts) => {
    got = opts;
  });
  command.exitOverride();
  try {
    await command.parseAsync(args, { from: "user" });
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  if (!got) throw new Error("runF was not called");
  return got;
}

describe("orphans flags", () => {
  it("the listing: no deletion, the default window of 395 days", async () => {
    const opts = await parse([]);
    if (opts instanceof UsageError) throw opts;
    expect(opts.deletion).toBeNull();
    expect(opts.until.getTime() - opts.since.getTime()).toBe(395 * 86_400_000);
  });

  it("--delete with its window and flags", async () => {
    const opts = await parse([
      "--delete",
      "--since",
      "2026-01-01",
      "--until",
      "2026-02-01",
      "--yes",
      "--export",
      "out.ndjson",
      "--concurrency",
      "4",
    ]);
    if (opts instanceof UsageError) throw opts;
    expect(opts.since.toISOString()).toBe("2026-01-01T00:00:00.000Z");
    expect(opts.until.toISOString()).toBe("2026-02-01T00:00:00.000Z");
    expect(opts.deletion).toEqual({ dryRun: false, yes: true, exportPath: "out.ndjson", concurrency: 4 });
  });

  it.each([
    [["--delete"], "--delete needs an explicit window"],
    [["--delete", "--until", "2026-02-01"], "--delete needs an explicit window"],
    [["--yes"], "--yes goes with --delete"],
    [["--concurrency", "3"], "--concurrency goes with --delete"],
    [["--delete", "--since", "1d", "--columns", "sid"], "only to --dry-run's list"],
  ])("%j is a usage error before the run", async (args, message) => {
    const result = await parse(args);
    expect(result).toBeInstanceOf(UsageError);
    expect((result as UsageError).message).toContain(message);
  });
});
