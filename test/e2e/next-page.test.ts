import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { type CountingServer, countingServer } from "../helpers/counting-server.js";
import { emulator, envFor, stateOf } from "../helpers/emulator.js";
import { type StubTwilio, sidOf, stubTwilio } from "../helpers/stub-twilio.js";

/**
 * Issue #11 item 8: a next page is read for its path and query only, always from the configured
 * origin, and only when the server named the configured origin or a Twilio API host.
 */
const closers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c.close()));
});

const KC1 = sidOf("KC", 1);

async function start(perSession: number): Promise<StubTwilio> {
  const stub = await stubTwilio(1, perSession);
  closers.push(stub);
  return stub;
}

function interactionPages(stub: StubTwilio): string[] {
  return stub.requests
    .filter((r) => r.method === "GET" && r.path.includes("/Interactions?"))
    .map((r) => r.path);
}

describe("next_page_url on a Twilio host", () => {
  for (const host of ["https://proxy.twilio.com", "https://proxy.dublin.ie1.twilio.com"]) {
    it(`${host}: every page is read from the configured origin, to the end`, async () => {
      const stub = await start(7);
      stub.nextPageOrigin = host;
      const result = await runCli(["list", "--session", KC1, "--page-size", "2", "--json"], {
        env: stub.env(),
      });
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toHaveLength(7);
      expect(interactionPages(stub)).toHaveLength(4);
      expect(interactionPages(stub).slice(1)).toEqual([
        expect.stringMatching(/PageToken=PO2$/),
        expect.stringMatching(/PageToken=PO4$/),
        expect.stringMatching(/PageToken=PO6$/),
      ]);
    });
  }

  it("purge --dry-run plans every page", async () => {
    const stub = await start(5);
    stub.nextPageOrigin = "https://proxy.twilio.com";
    const result = await runCli(
      ["purge", "--session", KC1, "--page-size", "2", "--include-resources", "--dry-run", "--json"],
      { env: stub.env() },
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).would_delete).toMatchObject({ interactions: 5, resources: 10 });
    expect(interactionPages(stub)).toHaveLength(3);
  });
});

describe("next_page_url on any other host", () => {
  for (const host of [
    "https://proxy.twilio.com.evil.example",
    "https://twilio.com.example",
    "http://proxy.twilio.com",
    "https://eviltwilio.com",
  ]) {
    it(`${host}: refused, exit 1, one line`, async () => {
      const stub = await start(3);
      stub.nextPageOrigin = host;
      const result = await runCli(["list", "--session", KC1, "--page-size", "2"], { env: stub.env() });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^proxy-ix: refusing to send credentials to /);
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
      expect(interactionPages(stub)).toHaveLength(1);
    });
  }

  it("another loopback server: refused with 0 requests there", async () => {
    const stub = await start(3);
    const other: CountingServer = await countingServer();
    closers.push(other);
    stub.nextPageOrigin = other.url;
    const result = await runCli(
      ["purge", "--session", KC1, "--page-size", "2", "--include-resources", "--yes"],
      {
        env: stub.env(),
      },
    );
    expect(result.code).toBe(1);
    expect(other.requests).toHaveLength(0);
  });
});

describe("the emulator with --twilio-hosts (bodies name proxy.twilio.com, as the real API does)", () => {
  it("purge --include-resources of 350 Interactions reads every page from the configured origin: only deferred ones left, 0 orphans", async () => {
    const emu = await emulator({ sessions: 1, interactions: 350, twilioHosts: true });
    closers.push(emu);
    const session = (await stateOf(emu)).sessions[0]?.sid as string;
    const result = await runCli(["purge", "--session", session, "--include-resources", "--yes", "--json"], {
      env: envFor(emu),
    });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.interactions.matched).toBe(350);
    const state = await stateOf(emu);
    expect(state.counts.interactions).toBe(report.interactions.deferred);
    expect(state.counts.orphans).toBe(0);
  });
});
