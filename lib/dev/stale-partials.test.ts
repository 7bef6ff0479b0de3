import { mkdir, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { tempDir } from "../../test/support/temp-dir.ts";
import { removeStalePartials } from "./stale-partials.ts";

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});
const temp = async () => {
  const dir = await tempDir("syncron-partials-");
  dirs.push(dir);
  return dir;
};

describe("removeStalePartials", () => {
  it("removes the local drive's temporary files at any depth and keeps everything else", async () => {
    const root = await temp();
    await mkdir(join(root, "a", "b"), { recursive: true });
    await writeFile(join(root, ".x.bin.syncron-0123abcd.partial"), "half");
    await writeFile(join(root, "a", "b", ".y.txt.syncron-89ef.partial"), "half");
    await writeFile(join(root, "a", "keep.txt"), "whole");
    await writeFile(join(root, "a", ".hidden"), "kept");
    await writeFile(join(root, "a", "x.syncron-1.partial"), "not ours: no leading dot");
    expect(await removeStalePartials(root)).toBe(2);
    expect((await readdir(root, { recursive: true })).sort()).toEqual(
      ["a", "a/.hidden", "a/b", "a/keep.txt", "a/x.syncron-1.partial"].sort(),
    );
  });

  it("does not follow symlinks out of the root", async () => {
    const root = await temp();
    const outside = await temp();
    await writeFile(join(outside, ".o.syncron-00.partial"), "outside");
    await symlink(outside, join(root, "link"));
    expect(await removeStalePartials(root)).toBe(0);
    expect(await readdir(outside)).toEqual([".o.syncron-00.partial"]);
  });

  it("has one implementation with the engine's cleanup: the local drive's, no file-system code of its own", async () => {
    const source = await readFile(join(import.meta.dirname, "stale-partials.ts"), "utf8");
    expect(source).not.toMatch(/from "node:fs/);
    expect(source).toMatch(/removeStaleTemps/);
  });

  it("leaves non-local and missing locations alone", async () => {
    expect(await removeStalePartials("s3://bucket/prefix")).toBe(0);
    expect(await removeStalePartials(join(tmpdir(), "syncron-does-not-exist-42"))).toBe(0);
  });
});
