import { configDefaults, defineConfig } from "vitest/config";

/** Where tests live; a file's name says its tier (README, "Tests"; test/house/tiers.test.ts checks it). */
const ROOTS = ["lib", "functions", "test", "bench", "infra"];
const files = (suffix: string) => ROOTS.map((root) => `${root}/**/*${suffix}`);

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // One fixed fast-check seed unless FC_SEED says otherwise (README, "Tests"); each test file's temp
    // folders removed after it (test/support/temp-dir.ts).
    setupFiles: ["test/support/fast-check-setup.ts", "test/support/temp-dir-setup.ts"],
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: files(".test.ts"),
          exclude: [...configDefaults.exclude, "**/*.int.test.ts", "**/*.e2e.test.ts"],
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: files(".int.test.ts"),
          // One dynalite and one fauxqs for the whole tier, handed to the files by `provide`.
          globalSetup: ["test/support/emulators/emulators-setup.ts"],
        },
      },
      {
        extends: true,
        test: {
          name: "e2e",
          include: files(".e2e.test.ts"),
          // These spawn bin/syncron.js, which runs the CLI bundle: build it from the sources under test first.
          globalSetup: ["test/support/build-cli-setup.ts"],
        },
      },
    ],
  },
});
