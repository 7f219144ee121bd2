import { readFileSync } from "node:fs";
import { defineConfig } from "vitest/config";

const { version } = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8")) as {
  version: string;
};

export default defineConfig({
  // As scripts/bundle.js does for the bundle (src/version.ts).
  define: { PROXY_IX_VERSION: JSON.stringify(version) },
  test: {
    include: ["test/**/*.test.ts"],
    // End-to-end tests spawn the real CLI against a real emulator; give slow shared machines room.
    testTimeout: 60_000,
    hookTimeout: 30_000,
    pool: "forks",
  },
});
