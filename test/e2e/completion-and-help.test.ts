import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lines, runCli } from "../helpers/cli.js";

const SUBCOMMANDS = [
  "sessions",
  "list",
  "fetch",
  "delete",
  "purge",
  "report",
  "orphans",
  "erase",
  "verify",
  "completion",
];
let bashScript: string;
let dir: string;

beforeAll(async () => {
  const result = await runCli(["completion", "bash"]);
  expect(result.code).toBe(0);
  expect(result.stderr).toBe("");
  bashScript = result.stdout;
  dir = mkdtempSync(join(tmpdir(), "proxy-ix-completion-"));
  writeFileSync(join(dir, "removed.ndjson"), "");
  writeFileSync(join(dir, "report.json"), "");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Sources the generated script in a real bash and asks it to complete `line` (the cursor at its end). */
function complete(line: string): string[] {
  const words = line.split(" ");
  const program = `${bashScript}
COMP_WORDS=(${words.map((word) => `'${word}'`).join(" ")})
COMP_CWORD=${words.length - 1}
COMP_LINE='${line}'
COMP_POINT=${line.length}
_proxy_ix
printf '%s\\n' "\${COMPREPLY[@]}"`;
  const result = spawnSync("bash", ["--norc", "--noprofile", "-c", program], { cwd: dir, encoding: "utf8" });
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
  return lines(result.stdout).sort();
}

describe("proxy-ix completion bash", () => {
  it("completes the commands", () => {
    expect(complete("proxy-ix ")).toEqual([...SUBCOMMANDS, "help"].sort());
    expect(complete("proxy-ix pu")).toEqual(["purge"]);
  });

  it("completes a command's own options and the global ones, after global options with values", () => {
    const options = complete("proxy-ix --region ie1 purge --");
    expect(options).toContain("--include-resources");
    expect(options).toContain("--dry-run");
    expect(options).toContain("--region");
    expect(options).toContain("--profile");
    expect(options).not.toContain("--ndjson"); // list's, not purge's
    expect(complete("proxy-ix list --since 30d --n")).toEqual(["--ndjson", "--no-color"]);
  });

  it("completes file names after --export, nothing after other options with a value, shells after completion", () => {
    expect(complete("proxy-ix purge --export rem")).toEqual(["removed.ndjson"]);
    expect(complete("proxy-ix purge --session ")).toEqual([]);
    expect(complete("proxy-ix completion ")).toEqual(["bash", "fish", "zsh"]);
    expect(complete("proxy-ix help p")).toEqual(["purge"]);
  });

  it("is registered for proxy-ix", () => {
    expect(bashScript).toMatch(/^complete -F _proxy_ix proxy-ix$/m);
  });
});

describe("proxy-ix completion zsh and fish", () => {
  it("name every command and every option of the tree", async () => {
    for (const shell of ["zsh", "fish"]) {
      const result = await runCli(["completion", shell]);
      expect(result.code).toBe(0);
      for (const name of SUBCOMMANDS) expect(result.stdout).toContain(name);
      for (const option of ["include-resources", "dry-run", "profile", "export", "no-color"]) {
        expect(result.stdout).toContain(option);
      }
    }
    const zsh = await runCli(["completion", "zsh"]);
    expect(zsh.stdout.split("\n")[0]).toBe("#compdef proxy-ix");
    const fish = await runCli(["completion", "fish"]);
    expect(fish.stdout).toContain(
      "complete -c proxy-ix -n '__fish_seen_subcommand_from purge' -l export -r -F",
    );
  });

  it("refuses another shell: usage error, exit 2", async () => {
    const result = await runCli(["completion", "powershell"]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(/^proxy-ix: .*powershell/);
  });
});

describe("--help", () => {
  it("of every subcommand shows the global options", async () => {
    for (const name of SUBCOMMANDS) {
      const result = await runCli([name, "--help"]);
      expect(result.code).toBe(0);
      const global = result.stdout.slice(result.stdout.indexOf("Global Options:"));
      expect(result.stdout).toContain("Global Options:");
      for (const option of [
        "--account-sid",
        "--profile",
        "--region",
        "--base-url",
        "--verbose",
        "--no-color",
      ]) {
        expect(global).toContain(option);
      }
    }
  });

  it("of the root has examples", async () => {
    const result = await runCli(["--help"]);
    expect(result.code).toBe(0);
    const examples = result.stdout.slice(result.stdout.indexOf("Examples:"));
    expect(examples).toContain("proxy-ix purge --all-sessions --until 30d --include-resources --dry-run");
    expect(examples).toContain("proxy-ix --profile my-account sessions");
  });
});
