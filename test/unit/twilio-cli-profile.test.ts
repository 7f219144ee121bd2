import { homedir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { twilioCliConfigFile } from "../../src/twilio-cli-profile.js";

describe("twilioCliConfigFile, as twilio-cli-core's env.js resolves the directory", () => {
  it("is TWILIO_CONFIG_DIR, else .twilio-cli in HOME, USERPROFILE or the user's home", () => {
    expect(twilioCliConfigFile({ TWILIO_CONFIG_DIR: "/etc/tw", HOME: "/home/a" })).toBe(
      join("/etc/tw", "config.json"),
    );
    expect(twilioCliConfigFile({ HOME: "/home/a", USERPROFILE: "C:\\Users\\a" })).toBe(
      join("/home/a", ".twilio-cli", "config.json"),
    );
    expect(twilioCliConfigFile({ USERPROFILE: "/users/b" })).toBe(
      join("/users/b", ".twilio-cli", "config.json"),
    );
    expect(twilioCliConfigFile({ HOME: "", TWILIO_CONFIG_DIR: "" })).toBe(
      join(homedir(), ".twilio-cli", "config.json"),
    );
  });
});
