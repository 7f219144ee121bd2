import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, describe, expect, it, vi } from "vitest";
import { completionCommand } from "../../src/commands/completion.js";
import type { CliContext } from "../../src/commands/context.js";
import { deleteCommand } from "../../src/commands/delete.js";
import { fetchCommand } from "../../src/commands/fetch.js";
import { listCommand } from "../../src/commands/list.js";
import { purgeCommand } from "../../src/commands/purge.js";
import { reportCommand } from "../../src/commands/report.js";
import { sessionsCommand } from "../../src/commands/sessions.js";
import { verifyCommand } from "../../src/commands/verify.js";
import { UsageError } from "../../src/errors.js";
import { createTestIO, type TestIOOptions } from "../../src/io.js";
import { FLAGS_ENV as ENV } from "../helpers/flags-env.js";

/**
 * Flag parsing, through each command's constructor with a `runF` spy in place of its run: the typed
 * options it builds, and the usage errors it throws before run (so before any request). No network:
 * the credentials point at a port nothing listens on, and run is never called for real.
 */

const sid = (prefix: string, n: number) => `${prefix}${n.toString(16).padStart(32, "0")}`;

type Factory<O> = (context: CliContext, runF: (opts: O) => Promise<void>) => Command;

/** Parses `args` as `proxy-ix <command> args…` would (with the global flags a test needs) and returns what run got. */
async function parse<O>(
  factory: Factory<O>,
  args: string[],
  options: { io?: TestIOOptions; env?: Record<string, string | undefined> } = {},
  runF = vi.fn(async (_opts: O) => {}),
): Promise<{ opts: O | undefined; calls: number }> {
  const io = createTestIO(options.io).io;
  const context: CliContext = { io: async () => io, env: options.env ?? ENV };
  const command = factory(context, runF);
  const program = new Command("proxy-ix").option("-q, --quiet").addCommand(command);
  for (const each of [program, command]) each.exitOverride().configureOutput({ writeErr: () => {} });
  await program.parseAsync([command.name(), ...args], { from: "user" });
  return { opts: runF.mock.calls[0]?.[0], calls: runF.mock.calls.length };
}

/** The usage error a command's flags give, having checked that run was never called. */
async function usageError<O>(
  factory: Factory<O>,
  args: string[],
  options: { env?: Record<string, string | undefined> } = {},
): Promise<string> {
  const runF = vi.fn(async (_opts: O) => {});
  const error = await parse(factory, args, options, runF).then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(runF).not.toHaveBeenCalled();
  expect(error).toBeInstanceOf(UsageError);
  return (error as UsageError).message;
}

describe("list", () => {
  it("turns the flags into a Selection, a format and columns", async () => {
    const { opts, calls } = await parse(listCommand, [
      "--all-sessions",
      "--session-status",
      "closed,failed",
      "--type",
      "message",
      "--since",
      "2026-01-01T00:00Z",
      "--until",
      "2026-02-01T00:00Z",
      "--limit",
      "5",
      "--columns",
      "sid,type",
    ]);
    expect(calls).toBe(1);
    expect(opts?.selection).toEqual({
      sessionSids: [],
      allSessions: true,
      sessionStatuses: ["closed", "failed"],
      types: ["message"],
      window: { since: new Date("2026-01-01T00:00Z"), until: new Date("2026-02-01T00:00Z") },
      limit: 5,
      pageSize: 100,
    });
    expect(opts?.format).toBe("tsv");
    expect(opts?.columns.map((column) => column.name)).toEqual(["sid", "type"]);
    expect(opts?.quiet).toBe(false);
  });

  it("a table on a terminal, JSON with --json, quiet with the global -q", async () => {
    expect(
      (await parse(listCommand, ["--session", sid("KC", 1)], { io: { stdoutTTY: true } })).opts?.format,
    ).toBe("table");
    const { opts } = await parse(listCommand, [
      "--session",
      `${sid("KC", 1)},${sid("KC", 2)}`,
      "--json",
      "-q",
    ]);
    expect(opts?.format).toBe("json");
    expect(opts?.quiet).toBe(true);
    expect(opts?.selection.sessionSids).toEqual([sid("KC", 1), sid("KC", 2)]);
  });

  it.each([
    [[], "choose the Sessions"],
    [["--session", sid("KC", 1), "--session-status", "open"], "--session-status goes with --all-sessions"],
    [["--all-sessions", "--since", "2d", "--until", "3d"], "--since must be earlier than --until"],
    [["--all-sessions", "--columns", "sid,body"], "unknown column 'body'"],
    [["--all-sessions", "--ndjson", "--columns", "sid"], "--columns applies to table"],
  ])("%j: a usage error before run", async (args, says) => {
    expect(await usageError(listCommand, args)).toContain(says);
  });

  it("missing credentials: a usage error while parsing, before run", async () => {
    const message = await usageError(listCommand, ["--all-sessions"], {
      env: { ...ENV, TWILIO_ACCOUNT_SID: undefined, TWILIO_AUTH_TOKEN: undefined },
    });
    expect(message).toContain("missing credentials");
  });
});

describe("fetch", () => {
  it("the Interaction, its Session and --json", async () => {
    const { opts } = await parse(fetchCommand, [sid("KI", 7), "--session", sid("KC", 1), "--json"]);
    expect(opts).toMatchObject({ interactionSid: sid("KI", 7), sessionSid: sid("KC", 1), json: true });
  });

  it.each([
    [[sid("KI", 7)], "fetch needs the Interaction's Session"],
    [["KIxyz", "--session", sid("KC", 1)], "'KIxyz' is not a valid Interaction SID"],
  ])("%j: a usage error before run", async (args, says) => {
    expect(await usageError(fetchCommand, args)).toContain(says);
  });
});

describe("delete", () => {
  it("SIDs once each, in order; --dry-run asks nothing", async () => {
    const { opts } = await parse(deleteCommand, [
      sid("KI", 2),
      sid("KI", 1),
      sid("KI", 2),
      "--session",
      sid("KC", 1),
      "--dry-run",
      "--include-resources",
      "--concurrency",
      "8",
    ]);
    expect(opts).toMatchObject({
      interactionSids: [sid("KI", 2), sid("KI", 1)],
      sessionSid: sid("KC", 1),
      dryRun: true,
      confirm: false,
      includeResources: true,
      concurrency: 8,
      export: null,
      json: false,
    });
  });

  it("on a terminal without --yes it will ask; with --yes it will not", async () => {
    const terminal = { stdinTTY: true, stderrTTY: true };
    const args = [sid("KI", 1), "--session", sid("KC", 1)];
    expect((await parse(deleteCommand, args, { io: terminal })).opts?.confirm).toBe(true);
    expect((await parse(deleteCommand, [...args, "--yes"], { io: terminal })).opts?.confirm).toBe(false);
  });

  it.each([
    [[sid("KI", 1), "--session", sid("KC", 1)], "this deletes data: pass --yes"],
    [[sid("KI", 1), "--yes"], "delete needs the Interactions' Session"],
    [[sid("KC", 1), "--session", sid("KC", 1), "--yes"], "expected KI followed by 32 hex digits"],
  ])("%j: a usage error before run", async (args, says) => {
    expect(await usageError(deleteCommand, args)).toContain(says);
  });
});

describe("purge", () => {
  it("--delete-sessions: closed and failed Sessions by default; adaptive concurrency", async () => {
    const { opts } = await parse(purgeCommand, ["--all-sessions", "--delete-sessions", "--yes", "--json"]);
    expect(opts).toMatchObject({
      deleteSessionStatuses: ["closed", "failed"],
      concurrency: null,
      json: true,
    });
    expect(opts?.selection.sessionStatuses).toBeNull();
  });

  it("with --session, --session-status names the statuses a Session may be deleted in", async () => {
    const { opts } = await parse(purgeCommand, [
      "--session",
      sid("KC", 1),
      "--delete-sessions",
      "--session-status",
      "closed",
      "--yes",
      "--export",
      "removed.ndjson",
    ]);
    expect(opts?.deleteSessionStatuses).toEqual(["closed"]);
    expect(opts?.selection.sessionStatuses).toBeNull();
    expect(opts?.export).toBe("removed.ndjson");
  });

  it("without --delete-sessions, --session-status filters the Sessions read", async () => {
    const { opts } = await parse(purgeCommand, ["--all-sessions", "--session-status", "open", "--dry-run"]);
    expect(opts?.deleteSessionStatuses).toBeNull();
    expect(opts?.selection.sessionStatuses).toEqual(["open"]);
  });

  it.each([
    [["--all-sessions"], "this deletes data: pass --yes"],
    [["--yes"], "choose the Sessions"],
    [["--all-sessions", "--since", "1d", "--until", "2d", "--yes"], "--since must be earlier than --until"],
  ])("%j: a usage error before run", async (args, says) => {
    expect(await usageError(purgeCommand, args)).toContain(says);
  });
});

describe("report", () => {
  it("every Session unless --session; --purge-until; JSON with --json", async () => {
    const { opts } = await parse(reportCommand, ["--purge-until", "2026-01-01T00:00Z", "--json"]);
    expect(opts?.selection.allSessions).toBe(true);
    expect(opts?.purgeUntil).toEqual(new Date("2026-01-01T00:00Z"));
    expect(opts?.format).toBe("json");
    const narrowed = await parse(reportCommand, ["--session", sid("KC", 3)], { io: { stdoutTTY: true } });
    expect(narrowed.opts?.selection).toMatchObject({ allSessions: false, sessionSids: [sid("KC", 3)] });
    expect(narrowed.opts?.format).toBe("table");
  });

  it("--purge-until defaults to 30 days ago", async () => {
    const before = Date.now();
    const { opts } = await parse(reportCommand, []);
    const days = (before - (opts?.purgeUntil?.getTime() ?? 0)) / 86_400_000;
    expect(days).toBeGreaterThan(29.99);
    expect(days).toBeLessThan(30.01);
  });

  it.each([
    [["--limit", "5"], "--limit does not apply to report"],
    [["--session", sid("KC", 1), "--session-status", "open"], "--session-status goes with --all-sessions"],
  ])("%j: a usage error before run", async (args, says) => {
    expect(await usageError(reportCommand, args)).toContain(says);
  });
});

describe("sessions", () => {
  it("--status and the columns", async () => {
    const { opts } = await parse(sessionsCommand, ["--status", "closed,failed", "--columns", "sid,status"]);
    expect(opts?.statuses).toEqual(["closed", "failed"]);
    expect(opts?.columns.map((column) => column.name)).toEqual(["sid", "status"]);
    expect((await parse(sessionsCommand, ["--ndjson"])).opts?.statuses).toBeNull();
  });
});

describe("verify", () => {
  const dir = mkdtempSync(join(tmpdir(), "proxy-ix-verify-flags-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const line = JSON.stringify({
    v: 2,
    kind: "interaction",
    account_sid: sid("AC", 1),
    service_sid: sid("KS", 1),
    session_sid: sid("KC", 1),
    sid: sid("KI", 1),
    resources: [],
  });

  it("reads every line while parsing: the count for run", async () => {
    const file = join(dir, "good.ndjson");
    writeFileSync(file, `${line}\n${line.replace(sid("KI", 1), sid("KI", 2))}\n`);
    const { opts } = await parse(verifyCommand, [file, "--concurrency", "4"]);
    expect(opts).toMatchObject({ files: [file], lines: 2, concurrency: 4, json: false });
  });

  it("a line that is not an export line: a usage error before run", async () => {
    const file = join(dir, "bad.ndjson");
    writeFileSync(file, `${line}\nnot json\n`);
    expect(await usageError(verifyCommand, [file])).toContain(`${file}:2: not JSON`);
  });
});

describe("completion", () => {
  it("the shell and the command tree it completes", async () => {
    const { opts } = await parse(completionCommand, ["zsh"]);
    expect(opts?.shell).toBe("zsh");
    expect(opts?.spec.commands.map((command) => command.name)).toEqual(["completion", "help"]);
    expect(opts?.spec.globals.flatMap((option) => option.flags)).toContain("--quiet");
  });
});
