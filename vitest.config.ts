import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // End-to-end tests spawn the real CLI against a real emulator; give slow shared machines room.
    testTimeout: 60_000,
    hookTimeout: 30_000,
    pool: "forks",
  },
});
