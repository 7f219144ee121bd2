import { spawn, spawnSync } from "node:child_process";
import { chmod, chown, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BIN, type CliResult, lines, runCli } from "../helpers/cli.js";
import { apiGet, type Emulator, emulator, envFor, reseed, stateOf } from "../helpers/emulator.js";

/**
 * Issue 10, items 9, 10 and 11: the `--export` audit trail. A torn last line (disk full, power loss)
 * is repaired before appending; a short write is reported and leaves no torn line; a file of another
 * user, a symbolic link, or anything but a regular file (a FIFO must not hang) is refused before a
 * request is sent.
 */
let emu: Emulator;
let dir: string;
let session: string;
let env: Record<string, string | undefined>;

beforeAll(async () => {
  emu = await emulator();
  env = envFor(emu);
  dir = await mkdtemp(join(tmpdir(), "proxy-ix-export-"));
});
afterAll(async () => {
  await emu.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  reseed(emu, { sessions: 1, interactions: 6, notFinalRate: 0 });
  session = (await stateOf(emu)).sessions[0]?.sid as string;
});

let files = 0;
const fresh = () => join(dir, `export-${++files}.ndjson`);

function purge(file: string): Promise<CliResult> {
  return runCli(["purge", "--session", session, "--include-resources", "--yes", "--json", "--export", file], {
    env,
    timeoutMs: 15_000,
  });
}

/** Runs proxy-ix with a file-size limit (`ulimit -f`, 1024-byte blocks): writes past it are cut short (EFBIG). */
function purgeWithFileSizeLimit(file: string, blocks: number): Promise<CliResult> {
  const args = ["purge", "--session", session, "--include-resources", "--yes", "--json", "--export", file];
  const child = spawn("bash", ["-c", `ulimit -f ${blocks}; exec "$0" "$@"`, process.execPath, BIN, ...args], {
    env: { PATH: process.env.PATH ?? "", NO_COLOR: "1", ...env } as NodeJS.ProcessEnv,
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  return new Promise((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
}

/** Every line parses as JSON and the file ends with a newline: what any NDJSON reader needs. */
function wholeLines(text: string): { sid: string }[] {
  expect(text === "" || text.endsWith("\n")).toBe(true);
  return lines(text).map((line) => JSON.parse(line) as { sid: string });
}

/** The SIDs of the Session's Interactions on the emulator, read directly. */
async function interactionSids(): Promise<string[]> {
  const serviceSid = (await stateOf(emu)).sessions[0]?.service_sid as string;
  const { body } = await apiGet(
    emu,
    `/v1/Services/${serviceSid}/Sessions/${session}/Interactions?PageSize=1000`,
  );
  return (body as { interactions: { sid: string }[] }).interactions.map((interaction) => interaction.sid);
}

async function unchanged(): Promise<void> {
  const state = await stateOf(emu);
  expect(state.requests.total).toBe(0);
  expect(state.counts.interactions).toBe(6);
}

describe("--export: a torn line is never extended (item 9)", () => {
  it("a torn last line from an earlier run is removed, reported, and the file stays NDJSON", async () => {
    const file = fresh();
    const earlier = '{"sid":"KI00000000000000000000000000000001","data":"kept"}\n';
    await writeFile(file, `${earlier}{"sid":"KI0000000000000000000000000000000`, { mode: 0o600 });
    const result = await purge(file);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/--export: removed a torn last line \(\d+ bytes\)/);
    const text = await readFile(file, "utf8");
    expect(text.startsWith(earlier)).toBe(true);
    const exported = wholeLines(text);
    expect(exported).toHaveLength(7);
    expect((await stateOf(emu)).counts.interactions).toBe(0);
  });

  it("a file that is one torn line is emptied before appending", async () => {
    const file = fresh();
    await writeFile(file, '{"sid":"KI', { mode: 0o600 });
    const result = await purge(file);
    expect(result.code).toBe(0);
    expect(wholeLines(await readFile(file, "utf8"))).toHaveLength(6);
  });

  it("a file that is not an export is never repaired (truncated) or appended to: refused untouched", async () => {
    for (const content of [
      "notes\nnot a JSON line, no newline",
      "-----BEGIN KEY-----\nabc\n-----END KEY-----\n",
      `{"sid":"KI1"}\n${"x".repeat(100_000)}`,
    ]) {
      const file = fresh();
      await writeFile(file, content, { mode: 0o600 });
      const result = await purge(file);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("does not look like an export file");
      expect(await readFile(file, "utf8")).toBe(content);
    }
    await unchanged();
  });

  it("a write cut short (file too large / disk full) is reported, leaves no torn line, and nothing unexported is deleted", async () => {
    const file = fresh();
    const before = await interactionSids();
    const result = await purgeWithFileSizeLimit(file, 2);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as {
      stopped: string | null;
      failures: { message: string }[];
      interactions: { deleted: number };
    };
    expect(report.failures.map((failure) => failure.message).join("\n")).toMatch(
      /short write to .* bytes; disk full\?\); the partial line was removed/,
    );
    const exported = wholeLines(await readFile(file, "utf8"));
    expect(exported.length).toBeLessThan(6);
    expect(report.interactions.deleted).toBeLessThanOrEqual(exported.length);
    // Whatever is gone from the server is in the file.
    const after = new Set(await interactionSids());
    const inFile = new Set(exported.map((interaction) => interaction.sid));
    const gone = before.filter((sid) => !after.has(sid));
    expect(gone.length).toBeGreaterThan(0);
    for (const sid of gone) expect(inFile.has(sid)).toBe(true);
  });

  it("a file that cannot take a single byte stops the run before any DELETE", async () => {
    const file = fresh();
    await writeFile(file, "", { mode: 0o600 });
    const result = await purgeWithFileSizeLimit(file, 0);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { stopped: string; interactions: { deleted: number } };
    expect(report.stopped).toBe("error");
    expect(report.interactions.deleted).toBe(0);
    expect((await stateOf(emu)).requests.by_method?.DELETE ?? 0).toBe(0);
    expect(await readFile(file, "utf8")).toBe("");
  });
});

describe("--export: only the user's own regular file (items 10 and 11)", () => {
  it("a file owned by another user is refused, even at mode 0600", async () => {
    const file = fresh();
    await writeFile(file, "", { mode: 0o600 });
    const asRoot = process.getuid?.() === 0;
    // As root the test makes the file nobody's; otherwise a root-owned file stands in.
    const target = asRoot ? file : "/etc/passwd";
    if (asRoot) await chown(file, 65534, 65534);
    const result = await purge(target);
    expect(result.code).toBe(2);
    expect(lines(result.stderr)).toHaveLength(1);
    if (asRoot) {
      expect(result.stderr).toContain("belongs to another user (uid 65534)");
      expect((await stat(file)).size).toBe(0);
    }
    await unchanged();
  });

  it("a symbolic link is refused, even to the user's own file", async () => {
    const own = fresh();
    await writeFile(own, "", { mode: 0o600 });
    const link = `${own}.link`;
    await symlink(own, link);
    const result = await purge(link);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("is a symbolic link");
    expect((await stat(own)).size).toBe(0);
    await unchanged();
  });

  it("a FIFO is refused at once, not waited on", async () => {
    const fifo = join(dir, `fifo-${++files}`);
    expect(spawnSync("mkfifo", ["-m", "600", fifo]).status).toBe(0);
    const result = await purge(fifo);
    expect(result.signal).toBeNull();
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("is not a regular file");
    await unchanged();
  });

  it("a directory is refused", async () => {
    const sub = join(dir, `dir-${++files}`);
    await mkdir(sub, { mode: 0o700 });
    const result = await purge(sub);
    expect(result.code).toBe(2);
    expect(lines(result.stderr)).toHaveLength(1);
    await unchanged();
  });

  it("a new file is created with mode 0600", async () => {
    const file = fresh();
    const result = await purge(file);
    expect(result.code).toBe(0);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(wholeLines(await readFile(file, "utf8"))).toHaveLength(6);
  });

  it("an existing file of the user's at 0600 is appended to, never truncated", async () => {
    const file = fresh();
    await writeFile(file, '{"sid":"KIold"}\n', { mode: 0o600 });
    await chmod(file, 0o600);
    const result = await purge(file);
    expect(result.code).toBe(0);
    const exported = wholeLines(await readFile(file, "utf8"));
    expect(exported[0]?.sid).toBe("KIold");
    expect(exported).toHaveLength(7);
  });
});
