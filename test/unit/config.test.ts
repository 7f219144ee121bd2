import { describe, expect, it } from "vitest";
import {
  parseBaseUrl,
  resolveConfig,
  resolveCredentials,
  resolveOrigins,
  twilioHost,
} from "../../src/config.js";
import { UsageError } from "../../src/errors.js";

const AC = `AC${"1".repeat(32)}`;
const SK = `SK${"2".repeat(32)}`;

describe("twilioHost", () => {
  it("builds hosts the way Twilio's SDKs do", () => {
    expect(twilioHost("proxy")).toBe("proxy.twilio.com");
    expect(twilioHost("proxy", "ie1")).toBe("proxy.ie1.twilio.com");
    expect(twilioHost("api", "ie1", "dublin")).toBe("api.dublin.ie1.twilio.com");
    expect(twilioHost("proxy", undefined, "sydney")).toBe("proxy.sydney.us1.twilio.com");
  });

  it("takes region and edge from flags before the environment", () => {
    const env = { TWILIO_REGION: "au1", TWILIO_EDGE: "sydney" };
    expect(resolveOrigins({}, env)).toEqual({
      proxyOrigin: "https://proxy.sydney.au1.twilio.com",
      apiOrigin: "https://api.sydney.au1.twilio.com",
    });
    expect(resolveOrigins({ region: "ie1", edge: "dublin" }, env).proxyOrigin).toBe(
      "https://proxy.dublin.ie1.twilio.com",
    );
    expect(() => resolveOrigins({ region: "ie1/../x" }, {})).toThrow(UsageError);
  });
});

describe("parseBaseUrl", () => {
  it("accepts https anywhere and http only on loopback", () => {
    expect(parseBaseUrl("http://127.0.0.1:4010", "--base-url")).toBe("http://127.0.0.1:4010");
    expect(parseBaseUrl("http://localhost:4010/", "--base-url")).toBe("http://localhost:4010");
    expect(parseBaseUrl("http://[::1]:4010", "--base-url")).toBe("http://[::1]:4010");
    expect(parseBaseUrl("https://proxy.example.com", "--base-url")).toBe("https://proxy.example.com");
    expect(() => parseBaseUrl("http://example.com", "--base-url")).toThrow(
      /plain http is allowed only for loopback/,
    );
    expect(() => parseBaseUrl("ftp://127.0.0.1", "--base-url")).toThrow(UsageError);
    expect(() => parseBaseUrl("not a url", "--base-url")).toThrow(UsageError);
    expect(() => parseBaseUrl("https://u:p@example.com", "--base-url")).toThrow(/credentials/);
    expect(() => parseBaseUrl("https://example.com/v1", "--base-url")).toThrow(/without a path/);
  });
});

describe("resolveCredentials", () => {
  it("prefers an API Key and secret when both kinds are set", () => {
    const creds = resolveCredentials(
      {},
      { TWILIO_ACCOUNT_SID: AC, TWILIO_AUTH_TOKEN: "token", TWILIO_API_KEY: SK, TWILIO_API_SECRET: "secret" },
    );
    expect(creds).toEqual({ accountSid: AC, username: SK, password: "secret", kind: "api-key" });
  });

  it("uses the Auth Token otherwise, and flags for the SIDs", () => {
    expect(resolveCredentials({ accountSid: AC }, { TWILIO_AUTH_TOKEN: "t" })).toEqual({
      accountSid: AC,
      username: AC,
      password: "t",
      kind: "auth-token",
    });
  });

  it("says which variables to set when something is missing", () => {
    expect(() => resolveCredentials({}, {})).toThrow(/TWILIO_ACCOUNT_SID/);
    expect(() => resolveCredentials({}, { TWILIO_ACCOUNT_SID: AC })).toThrow(/TWILIO_AUTH_TOKEN/);
    expect(() => resolveCredentials({}, { TWILIO_ACCOUNT_SID: AC, TWILIO_API_KEY: SK })).toThrow(
      /TWILIO_API_SECRET/,
    );
    expect(() => resolveCredentials({}, { TWILIO_ACCOUNT_SID: AC, TWILIO_API_SECRET: "s" })).toThrow(
      /TWILIO_API_KEY/,
    );
    expect(() => resolveCredentials({}, { TWILIO_ACCOUNT_SID: "AC1", TWILIO_AUTH_TOKEN: "t" })).toThrow(
      UsageError,
    );
  });

  it("never puts the secret in an error message", () => {
    try {
      resolveConfig({ service: "KSbad" }, { TWILIO_ACCOUNT_SID: AC, TWILIO_AUTH_TOKEN: "s3cr3t-token" });
      expect.unreachable();
    } catch (error) {
      expect(String(error)).not.toContain("s3cr3t-token");
    }
  });
});

describe("a value that fails validation is never echoed whole (issue 10, item 14)", () => {
  const secret = "fedcba9876543210fedcba9876543210";
  const cases: [string, () => unknown][] = [
    [
      "TWILIO_API_KEY",
      () =>
        resolveCredentials({}, { TWILIO_ACCOUNT_SID: AC, TWILIO_API_KEY: secret, TWILIO_API_SECRET: "s" }),
    ],
    [
      "TWILIO_ACCOUNT_SID",
      () => resolveCredentials({}, { TWILIO_ACCOUNT_SID: secret, TWILIO_AUTH_TOKEN: "t" }),
    ],
    ["--account-sid", () => resolveCredentials({ accountSid: secret }, { TWILIO_AUTH_TOKEN: "t" })],
    ["--api-key", () => resolveCredentials({ accountSid: AC, apiKey: secret }, { TWILIO_API_SECRET: "s" })],
    [
      "PROXY_IX_SERVICE_SID",
      () =>
        resolveConfig({}, { TWILIO_ACCOUNT_SID: AC, TWILIO_AUTH_TOKEN: "t", PROXY_IX_SERVICE_SID: secret }),
    ],
    ["PROXY_IX_BASE_URL", () => resolveOrigins({}, { PROXY_IX_BASE_URL: secret })],
    ["TWILIO_REGION", () => resolveOrigins({}, { TWILIO_REGION: `${secret}/x` })],
    ["TWILIO_EDGE", () => resolveOrigins({}, { TWILIO_EDGE: `${secret}/x` })],
  ];
  it.each(cases)("%s: two characters and the length", (source, resolve) => {
    expect(resolve).toThrow(UsageError);
    try {
      resolve();
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain(`${source}: 'fe…' (`);
      expect(message).not.toContain(secret.slice(0, 3));
    }
  });
});
