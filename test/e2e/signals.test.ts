import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lines, runCli, startCli } from "../helpers/cli.js";
import { type Emulator, emulator, envFor, reseed, stateOf, waitFor } from "../helpers/emulator.js";
import { expectNoPersonalData, personalData } from "../helpers/personal-data.js";

/** Ctrl-C and SIGTERM during a purge: in-flight work finishes, the report is printed, exit 130. */
let emu: Emulator;
let env: Record<string, string | undefined>;
let dir: string;

beforeAll(async () => {
  emu = await emulator();
  env = envFor(emu);
  dir = await mkdtemp(join(tmpdir(), "proxy-ix-signals-"));
});
afterAll(() => emu.close());

describe("Ctrl-C", () => {
  it("SIGINT stops new work, prints the summary and exits 130; a re-run completes", async () => {
    reseed(emu, { sessions: 1, interactions: 400, notFinalRate: 0 });
    emu.setFaults({ latency: 20 });
    try {
      const session = (await stateOf(emu)).sessions[0]?.sid as string;
      const secrets = await personalData(emu);
      const file = join(dir, "sigint.ndjson");
      await writeFile(file, "", { mode: 0o600 });
      const run = startCli(
        [
          "purge",
          "--session",
          session,
          "--include-resources",
          "--yes",
          "--json",
          "--export",
          file,
          "--concurrency",
          "4",
        ],
        { env },
      );
      await waitFor(async () => (await stateOf(emu)).counts.interactions < 380);
      run.child.kill("SIGINT");
      const result = await run.result;
      expect(result.code).toBe(130);
      const report = JSON.parse(result.stdout) as { stopped: string; interactions: { deleted: number } };
      expect(report.stopped).toBe("interrupted");
      expect(report.interactions.deleted).toBeGreaterThan(0);
      expect(report.interactions.deleted).toBeLessThan(400);
      expect((await stateOf(emu)).counts.orphans).toBe(0);

      const rerun = await runCli(
        ["purge", "--session", session, "--include-resources", "--yes", "--json", "--export", file],
        {
          env,
        },
      );
      expect(rerun.code).toBe(0);
      expect((await stateOf(emu)).counts.interactions).toBe(0);
      expect((await stateOf(emu)).counts.orphans).toBe(0);
      const exported = new Set(lines(await readFile(file, "utf8")).map((line) => JSON.parse(line).sid));
      expect(exported.size).toBe(400);
      await expectNoPersonalData(file, secrets);
    } finally {
      emu.setFaults({ latency: 0 });
    }
  });
});

describe("SIGTERM", () => {
  it("is handled like Ctrl-C: in-flight work finishes, the report is printed, exit 130", async () => {
    reseed(emu, { sessions: 1, interactions: 300, notFinalRate: 0 });
    emu.setFaults({ latency: 20 });
    try {
      const session = (await stateOf(emu)).sessions[0]?.sid as string;
      const run = startCli(["purge", "--session", session, "--include-resources", "--yes", "--json"], {
        env,
      });
      await waitFor(async () => (await stateOf(emu)).counts.interactions < 290);
      run.child.kill("SIGTERM");
      const result = await run.result;
      expect(result.code).toBe(130);
      expect(JSON.parse(result.stdout).stopped).toBe("interrupted");
      expect((await stateOf(emu)).counts.orphans).toBe(0);
    } finally {
      emu.setFaults({ latency: 0 });
    }
  });
});
