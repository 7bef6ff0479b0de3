import { buildCli } from "../../scripts/build-cli.ts";

/**
 * vitest globalSetup: rebuilds dist/cli/ before any test spawns bin/syncron.js, so the tests run the
 * bundle users run (not the TypeScript through tsx) and it is never older than the sources under test.
 */
export default async function setup(): Promise<void> {
  await buildCli();
}
