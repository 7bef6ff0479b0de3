import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "lib/**/*.test.ts",
      "functions/**/*.test.ts",
      "test/**/*.test.ts",
      "bench/**/*.test.ts",
      "infra/**/*.test.ts",
    ],
    // Tests spawn bin/syncron.js, which runs the CLI bundle: build it from the sources under test first.
    globalSetup: ["test/support/build-cli-setup.ts"],
    // One fixed fast-check seed unless FC_SEED says otherwise (README, "Tests").
    setupFiles: ["test/support/fast-check-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
