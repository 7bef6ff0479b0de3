/**
 * Temp folders for tests: the one place test code makes them (test/house/temp-dirs.test.ts checks it).
 * Each is removed after its test file by test/support/temp-dir-setup.ts (a vitest setupFile), also
 * when a test failed halfway; `removeTempDirs` removes them earlier. No vitest import here: bench
 * scripts use test kit too (their fixtures remove what they make on stop).
 */
import { mkdtempSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

const made: string[] = [];

/** A new empty folder under the system temp dir, named `<prefix>XXXXXX`. */
export async function tempDir(prefix = "syncron-test-"): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** {@link tempDir}, synchronously (for a folder a module needs at load). */
export function tempDirSync(prefix = "syncron-test-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Removes every folder made so far, with all inside. */
export async function removeTempDirs(): Promise<void> {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}
