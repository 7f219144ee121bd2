import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

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
      else resolve({ code, signal, stdout, stderr });
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
