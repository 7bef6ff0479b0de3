/**
 * Overlap is judged on real locations: a source that reaches into its target through a symlink or a
 * bind mount is refused before anything is written (the mirror would delete what it reads).
 */
import { execFile } from "node:child_process";
import { chmod, mkdir, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { giveToRunner, isRoot, runCliUnprivileged } from "./support/sync/unprivileged.ts";
import { tempDir } from "./support/temp-dir.ts";

const BIN = join(import.meta.dirname, "..", "bin", "syncron.js");
let dir: string;

beforeEach(async () => {
  dir = await tempDir("syncron-overlap-");
  await chmod(dir, 0o755);
  await mkdir(join(dir, "data", "photos"), { recursive: true });
  await writeFile(join(dir, "data", "photos", "a.jpg"), "jpeg a");
  await writeFile(join(dir, "data", "photos", "b.jpg"), "jpeg b");
  await writeFile(join(dir, "data", "notes.txt"), "notes");
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const everything = async (root: string): Promise<string[]> =>
  (await readdir(root, { recursive: true })).sort();

describe("syncron sync on overlapping real locations", { timeout: 60_000 }, () => {
  it("refuses `sync link/photos data --mode mirror` where link points into data, changing nothing", async () => {
    await symlink(join(dir, "data"), join(dir, "link"));
    await giveToRunner(dir);
    const before = await everything(join(dir, "data"));

    const { code, stderr } = await runCliUnprivileged(
      ["sync", "link/photos", "data", "--mode", "mirror"],
      dir,
    );

    expect(code).toBe(2);
    expect(stderr).toMatch(/link\/photos and .*data overlap/);
    expect(await everything(join(dir, "data"))).toEqual(before);
  });

  it("refuses a target that is the source's folder seen through a bind mount", async () => {
    await mkdir(join(dir, "mnt"));
    const before = await everything(join(dir, "data"));
    // A private mount namespace: the bind mount lives and dies with this one command.
    const namespace = isRoot()
      ? ["--mount", "--propagation", "private"]
      : ["--user", "--map-root-user", "--mount", "--propagation", "private"];
    const script = 'mount --bind "$1" "$2" && shift 2 && exec "$@"';
    const { code, stderr } = await promisify(execFile)("unshare", [
      ...namespace,
      "sh",
      "-c",
      script,
      "sh",
      join(dir, "data"),
      join(dir, "mnt"),
      process.execPath,
      BIN,
      "sync",
      join(dir, "data", "photos"),
      join(dir, "mnt"),
      "--mode",
      "mirror",
    ]).then(
      () => ({ code: 0, stderr: "" }),
      (error: { code: number; stderr: string }) => error,
    );

    expect(stderr).toMatch(/overlap: one is inside the other/);
    expect(code).toBe(2);
    expect(await everything(join(dir, "data"))).toEqual(before);
  });
});
