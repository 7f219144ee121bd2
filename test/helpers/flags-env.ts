import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * The environment of a flag-parsing test (a command's constructor with a `runF` spy): credentials that
 * resolve, pointing at a port nothing listens on, and never a developer's twilio-cli profile. Run is
 * never called for real, so nothing is sent.
 */
export const FLAGS_ENV = {
  TWILIO_ACCOUNT_SID: `AC${"1".padStart(32, "0")}`,
  TWILIO_AUTH_TOKEN: "not-a-real-token",
  PROXY_IX_BASE_URL: "http://127.0.0.1:9",
  TWILIO_CONFIG_DIR: join(tmpdir(), "proxy-ix-tests-no-twilio-cli"),
};
