import { spawn } from "node:child_process";
import { BIN } from "./cli.js";

/**
 * Runs the real bin/proxy-ix.js on a real pseudo-terminal (util-linux `script`), rather than
 * PROXY_IX_FORCE_TTY: colours, the table, the spinner and the confirmation prompt as a user sees them.
 * `out` is everything the terminal received (stdout and stderr together, escape sequences included).
 */
export function inPty(
  args: string[],
  env: Record<string, string | undefined>,
  input = "",
  columns: number | null = 120,
): Promise<{ code: number | null; out: string }> {
  // script's pseudo-terminal has no size of its own when script's stdin is not a terminal.
  const run = ["node", BIN, ...args].map((word) => `'${word}'`).join(" ");
  const command = columns === null ? run : `stty cols ${columns} rows 40; ${run}`;
  return new Promise((resolve, reject) => {
    const child = spawn("script", ["-qfec", command, "/dev/null"], {
      env: { PATH: process.env.PATH, TERM: "xterm", ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, out }));
    // Typed after the prompt has had time to appear, as a person would.
    setTimeout(() => child.stdin.end(input), 1500);
  });
}

/** What the terminal shows once a spinner has cleared its line: each line from its last return to column 1. */
export function screenLines(out: string): string[] {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escape sequences are the point
  const csi = /\u001b\[[0-9;?]*[A-Za-z]/g;
  return out.split(/\r?\n/).map((line) => line.split("\u001b[1G").at(-1)?.replace(csi, "") ?? "");
}
