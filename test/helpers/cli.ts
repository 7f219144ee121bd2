import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { lstatSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { exportProblems, REPORT_COMMANDS, reportProblems } from "./schemas.js";

export const BIN = fileURLToPath(new URL("../../bin/proxy-ix.js", import.meta.url));
const EMPTY_HOME = join(tmpdir(), "proxy-ix-tests-have-no-home");

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  /** Written to stdin, then stdin is closed. */
  input?: string;
  /** Behave as on a terminal (PROXY_IX_FORCE_TTY=1). */
  tty?: boolean;
  timeoutMs?: number;
}

/** Runs the real bin/proxy-ix.js in a child process, with only the environment given (plus PATH). */
export function runCli(args: string[], options: RunOptions = {}): Promise<CliResult> {
  return startCli(args, options).result;
}

export interface RunningCli {
  child: ChildProcessWithoutNullStreams;
  /** Everything written to stdout so far. */
  stdout(): string;
  result: Promise<CliResult>;
}

/** Starts the CLI and returns at once, for tests that signal it mid-run. */
export function startCli(args: string[], options: RunOptions = {}): RunningCli {
  // HOME is an empty place unless a test sets it: a developer's twilio-cli profile (~/.twilio-cli) must
  // never give a test run real credentials.
  const env: Record<string, string> = { PATH: process.env.PATH ?? "", NO_COLOR: "1", HOME: EMPTY_HOME };
  for (const [key, value] of Object.entries(options.env ?? {})) if (value !== undefined) env[key] = value;
  if (options.tty) env.PROXY_IX_FORCE_TTY = "1";
  const exports = exportFilesOf(args);
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  const result = new Promise<CliResult>((resolve, reject) => {
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const leaked = secretsIn(env).find((secret) => stdout.includes(secret) || stderr.includes(secret));
      // Every end-to-end run is scanned: a secret in any output fails the test that ran it.
      if (leaked)
        reject(
          new Error(`a secret from the environment appeared in the output of proxy-ix ${args.join(" ")}`),
        );
      else {
        // Every report and every export line the suite makes proxy-ix write must match the published
        // schemas (docs/report.schema.json, docs/export.schema.json).
        const broken = schemaProblems(args, stdout, exports);
        if (broken) reject(new Error(`proxy-ix ${args.join(" ")}: ${broken}`));
        else resolve({ code, signal, stdout, stderr });
      }
    });
    child.stdin.end(options.input ?? "");
  });
  return { child, stdout: () => stdout, result };
}

/** The secret values given to the CLI (Auth Token, API Key secret). */
export function secretsIn(env: Record<string, string | undefined>): string[] {
  return [env.TWILIO_AUTH_TOKEN, env.TWILIO_API_SECRET].filter(
    (value): value is string => !!value && value.length >= 6,
  );
}

export function lines(text: string): string[] {
  return text.split("\n").filter((line) => line.length > 0);
}

/** The `--export` files of a run, with their size before it: only what the run appends is its own. */
function exportFilesOf(args: string[]): { path: string; before: number }[] {
  const paths = args.flatMap((arg, index) =>
    arg === "--export" ? [args[index + 1] ?? ""] : arg.startsWith("--export=") ? [arg.slice(9)] : [],
  );
  return paths
    .filter((path) => path !== "")
    .map((path) => {
      try {
        const stats = statSync(path);
        return { path, before: stats.isFile() ? stats.size : -1 };
      } catch {
        return { path, before: 0 };
      }
    })
    .filter((file) => file.before >= 0);
}

function schemaProblems(
  args: string[],
  stdout: string,
  exports: { path: string; before: number }[],
): string | null {
  const command = args.find((arg) => REPORT_COMMANDS.has(arg));
  if (command && args.includes("--json") && stdout.trimStart().startsWith("{")) {
    let report: unknown;
    try {
      report = JSON.parse(stdout);
    } catch {
      report = undefined;
    }
    if (report !== undefined) {
      const problem = reportProblems(report);
      if (problem) return `the --json report does not match docs/report.schema.json: ${problem}`;
    }
  }
  for (const file of exports) {
    let appended: string;
    try {
      const stats = lstatSync(file.path);
      if (!stats.isFile()) continue;
      const content = readFileSync(file.path);
      // What the run appended, from the first whole line (a torn tail it repaired may shift it).
      let start = Math.min(file.before, content.length);
      if (start > 0 && content[start - 1] !== 0x0a) {
        const newline = content.indexOf(0x0a, start);
        start = newline < 0 ? content.length : newline + 1;
      }
      appended = content.subarray(start).toString("utf8");
    } catch {
      continue;
    }
    const problem = exportProblems(appended);
    if (problem) return `--export ${file.path} does not match docs/export.schema.json: ${problem}`;
  }
  return null;
}
