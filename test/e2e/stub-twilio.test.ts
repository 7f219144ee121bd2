import { afterEach, describe, expect, it } from "vitest";
import { lines, runCli } from "../helpers/cli.js";
import { type StubTwilio, sidOf, stubTwilio } from "../helpers/stub-twilio.js";

/** The stub itself behaves like Twilio unless scripted otherwise: the other misbehaving-server tests rely on that. */
const stubs: StubTwilio[] = [];
afterEach(async () => {
  await Promise.all(stubs.splice(0).map((stub) => stub.close()));
});

describe("the scriptable stub Twilio", () => {
  it("pages, and deletes Messages before their Interactions, leaving nothing behind", async () => {
    const stub = await stubTwilio(1, 5);
    stubs.push(stub);
    const session = sidOf("KC", 1);
    const listed = await runCli(["list", "--session", session, "--page-size", "2", "--json"], {
      env: stub.env(),
    });
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toHaveLength(5);
    expect(stub.requests.filter((r) => r.path.includes("/Interactions")).length).toBe(3);

    const purged = await runCli(["purge", "--session", session, "--include-resources", "--yes", "--json"], {
      env: stub.env(),
    });
    expect(purged.code).toBe(0);
    expect(JSON.parse(lines(purged.stdout)[0] ?? "{}").interactions.deleted).toBe(5);
    expect(stub.interactions.get(session)).toHaveLength(0);
    expect(stub.resources.size).toBe(0);
  });

  it("answers a scripted request with exactly what the test gave, then falls back to the model", async () => {
    const stub = await stubTwilio(1, 1);
    stubs.push(stub);
    stub.script({
      method: "GET",
      path: /\/Interactions$/,
      times: 1,
      answer: { status: 503, body: "<html>" },
    });
    const listed = await runCli(["list", "--session", sidOf("KC", 1), "--json"], { env: stub.env() });
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toHaveLength(1);
    expect(stub.requests.filter((r) => r.path.includes("/Interactions")).length).toBe(2);
  });
});
