import { spawn } from "node:child_process";
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_CREDENTIALS } from "../../src/emulator/index.js";
import { type Emulator, emulator, reseed } from "../helpers/emulator.js";

/**
 * The blocks of README.md and docs/ marked runnable, run as a reader would run them, against the
 * emulator. The marker is an HTML comment on the line before a ```sh or ```console fence:
 *
 *   <!-- runnable -->              sh: runs in bash (-e, pipefail) and must exit 0.
 *                                  console: each `$ command` runs, its output (stdout and stderr)
 *                                  must be exactly the lines shown under it.
 *   <!-- runnable: any output -->  console: each command must exit 0; its output is not compared
 *                                  (dates and SIDs that depend on the day the emulator seeds).
 *   <!-- runnable: save as NAME --> sh: a script the docs tell you to install: put on PATH as NAME,
 *                                  for the blocks that call it.
 *
 * The environment is a user's after "Rehearse against the emulator": proxy-ix and proxy-ix-emulator
 * on PATH, TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and PROXY_IX_BASE_URL set, an empty HOME and working
 * directory. The docs' port 4010 becomes a free port (the test's emulator, or a free one for a block
 * that starts its own), and /tmp/ a scratch directory, so parallel runs do not collide.
 */

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const MARKER = /^<!-- runnable(?:: (any output|save as [\w.-]+))? -->$/;

interface Block {
  file: string;
  line: number;
  language: "sh" | "console";
  anyOutput: boolean;
  /** A script to install on PATH under this name rather than run. */
  saveAs?: string;
  text: string;
}

function runnableBlocks(): Block[] {
  const files = [
    "README.md",
    ...readdirSync(join(ROOT, "docs"))
      .filter((name) => name.endsWith(".md"))
      .map((name) => `docs/${name}`),
  ];
  const blocks: Block[] = [];
  for (const file of files) {
    const lines = readFileSync(join(ROOT, file), "utf8").split("\n");
    lines.forEach((line, index) => {
      const marker = MARKER.exec(line.trim());
      if (!marker) return;
      const fence = /^```(sh|console)$/.exec(lines[index + 1] ?? "");
      if (!fence)
        throw new Error(
          `${file}:${index + 1}: a runnable marker must come right before a \`\`\`sh or \`\`\`console block`,
        );
      const end = lines.indexOf("```", index + 2);
      blocks.push({
        file,
        line: index + 1,
        language: fence[1] as Block["language"],
        anyOutput: marker[1] === "any output",
        saveAs: marker[1]?.startsWith("save as ") ? marker[1].slice("save as ".length) : undefined,
        text: lines.slice(index + 2, end).join("\n"),
      });
    });
  }
  return blocks;
}

const all = runnableBlocks();
const blocks = all.filter((block) => block.saveAs === undefined);
let emu: Emulator;
let scratch: string;
let binDir: string;

beforeAll(async () => {
  // The docs' rehearsals use the emulator's documented default credentials.
  emu = await emulator({
    authToken: DEFAULT_CREDENTIALS.authToken,
    apiSecret: DEFAULT_CREDENTIALS.apiSecret,
  });
  scratch = mkdtempSync(join(tmpdir(), "proxy-ix-docs-"));
  binDir = join(scratch, "bin");
  mkdirSync(binDir);
  symlinkSync(join(ROOT, "bin/proxy-ix.js"), join(binDir, "proxy-ix"));
  symlinkSync(join(ROOT, "bin/proxy-ix-emulator.js"), join(binDir, "proxy-ix-emulator"));
  for (const block of all) {
    if (block.saveAs) writeFileSync(join(binDir, block.saveAs), `${block.text}\n`, { mode: 0o755 });
  }
});
afterAll(async () => {
  await emu?.close();
  rmSync(scratch, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Runs a script in bash, in its own process group; whatever it left in the background is stopped. */
function bash(
  script: string,
  cwd: string,
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["--norc", "--noprofile", "-o", "pipefail", "-c", script], {
      cwd,
      env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    const timer = setTimeout(() => process.kill(-(child.pid as number), "SIGKILL"), 60_000);
    child.on("error", reject);
    child.on("exit", (code) => {
      clearTimeout(timer);
      try {
        process.kill(-(child.pid as number), "SIGTERM");
      } catch {
        // nothing was left running
      }
      setTimeout(() => resolve({ code, output }), 50);
    });
  });
}

describe("runnable blocks of README.md and docs/", () => {
  it("are found (a marker that matches nothing would hide every block)", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(5);
  });

  it.each(blocks.map((block) => [`${block.file}:${block.line}`, block] as const))(
    "%s",
    async (_where, block) => {
      reseed(emu);
      const dir = mkdtempSync(join(scratch, "run-"));
      const ownEmulator = block.text.includes("proxy-ix-emulator");
      const port = ownEmulator ? await freePort() : Number(new URL(emu.url).port);
      const text = block.text
        .replaceAll(":4010", `:${port}`)
        .replaceAll("--port 4010", `--port ${port}`)
        .replaceAll("/tmp/", `${dir}/`);
      const env: Record<string, string> = {
        PATH: `${binDir}:${process.env.PATH ?? ""}`,
        HOME: dir,
        TWILIO_ACCOUNT_SID: emu.accountSid,
        TWILIO_AUTH_TOKEN: emu.authToken,
        PROXY_IX_BASE_URL: `http://127.0.0.1:${port}`,
      };
      if (block.language === "sh") {
        const result = await bash(`set -e\n${text}`, dir, env);
        expect(result.output, `${block.file}:${block.line} printed`).not.toMatch(/^proxy-ix: /m);
        expect(result.code, `${block.file}:${block.line} exit code; output:\n${result.output}`).toBe(0);
        return;
      }
      const commands = consoleCommands(text);
      expect(commands.length).toBeGreaterThan(0);
      for (const { command, expected } of commands) {
        const result = await bash(command, dir, env);
        if (block.anyOutput) {
          expect(result.code, `$ ${command}\n${result.output}`).toBe(0);
        } else {
          expect(result.output.replace(/\n$/, ""), `$ ${command}`).toBe(expected.join("\n"));
        }
      }
    },
  );
});

function consoleCommands(text: string): { command: string; expected: string[] }[] {
  const commands: { command: string; expected: string[] }[] = [];
  for (const line of text.split("\n")) {
    if (line.startsWith("$ ")) commands.push({ command: line.slice(2), expected: [] });
    else if (line !== "" || commands.at(-1)?.expected.length) commands.at(-1)?.expected.push(line);
  }
  for (const command of commands) while (command.expected.at(-1) === "") command.expected.pop();
  return commands;
}
