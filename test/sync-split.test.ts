import { describe, expect, it } from "vitest";
import { DriveError } from "../lib/drives/errors.ts";
import { createMemoryDrive } from "../lib/drives/memory/memory-drive.ts";
import { deleteDeferred, syncDrives } from "../lib/sync/index.ts";
import { options, seed, tree } from "./support/sync/sync-fixtures.ts";

/** The engine's hooks for one run split across workers: `handOff`, `deferDeletes`, `deleteDeferred`. */
describe("syncDrives with deferDeletes", () => {
  it("mirrors without deleting, and hands back the extras with the guards' counts", async () => {
    const source = createMemoryDrive();
    const target = createMemoryDrive();
    await seed(source, { "a.txt": "a", "d/b.txt": "b" });
    await seed(target, { "gone.txt": "g", "old/x.txt": "x" });

    const result = await syncDrives(source, target, options({ mode: "mirror", deferDeletes: true }));

    expect(result).toMatchObject({ status: "SUCCESS", copied: 2, deleted: 0 });
    expect(target.calls.delete).toBe(0);
    expect(result.deferred).toEqual({
      files: expect.arrayContaining([
        { kind: "delete", path: "gone.txt", size: 1 },
        { kind: "delete", path: "old/x.txt", size: 1 },
      ]),
      dirs: ["old"],
      source_files: 2,
      target_files: 2,
    });
    expect(result.deferred?.files).toHaveLength(2);
  });

  it("hands back nothing when the run failed", async () => {
    const source = createMemoryDrive({
      failOn: (op, path) => (op === "read" && path === "a.txt" ? new DriveError("refused", path) : undefined),
    });
    const target = createMemoryDrive();
    await seed(source, { "a.txt": "a", "b.txt": "b" });
    await seed(target, { "gone.txt": "g" });

    const result = await syncDrives(source, target, options({ mode: "mirror", deferDeletes: true }));

    expect(result.status).toBe("FAILURE");
    expect(result.deferred).toBeUndefined();
  });

  it("leaves copy mode without deferred", async () => {
    const source = createMemoryDrive();
    const target = createMemoryDrive();
    await seed(source, { "a.txt": "a" });
    const result = await syncDrives(source, target, options({ mode: "copy", deferDeletes: true }));
    expect(result.deferred).toBeUndefined();
  });
});

describe("syncDrives with handOff", () => {
  it("does not walk a folder it hands off, and counts it finished in its checkpoint", async () => {
    const source = createMemoryDrive();
    const target = createMemoryDrive();
    await seed(source, { "a.txt": "a", "big/1.txt": "1", "big/deep/2.txt": "2", "small/3.txt": "3" });
    await seed(target, { "big/extra.txt": "e" });
    const asked: [string, number][] = [];

    const result = await syncDrives(
      source,
      target,
      options({
        mode: "mirror",
        deferDeletes: true,
        checkers: 1,
        handOff: (dir, listed) => {
          asked.push([dir, listed]);
          return dir === "big";
        },
      }),
    );

    expect(result).toMatchObject({ status: "SUCCESS", copied: 2 });
    expect((await tree(target)).map(([path]) => path)).toEqual(["a.txt", "big/extra.txt", "small/3.txt"]);
    // big's extra is big's new owner's to find: nothing of it is left to delete here.
    expect(result.deferred?.files).toEqual([]);
    expect(result.deferred?.source_files).toBe(2);
    expect(asked.map(([dir]) => dir).sort()).toEqual(["big", "small"]);
    // The counts include the folder's own listing: root (3 source entries) + big (2 + 1) at least.
    expect(Math.max(...asked.map(([, listed]) => listed))).toBeGreaterThanOrEqual(6);
  });

  it("is not asked about a folder only the target has (its files are this run's extras)", async () => {
    const source = createMemoryDrive();
    const target = createMemoryDrive();
    await seed(source, { "a.txt": "a" });
    await seed(target, { "old/x.txt": "x" });
    const asked: string[] = [];

    const result = await syncDrives(
      source,
      target,
      options({
        mode: "mirror",
        deferDeletes: true,
        handOff: (dir) => {
          asked.push(dir);
          return true;
        },
      }),
    );

    expect(asked).toEqual([]);
    expect(result.deferred?.files.map((f) => f.path)).toEqual(["old/x.txt"]);
  });
  it("records a hand-over that failed as the folder's error: the run fails, deletes nothing, never throws", async () => {
    const source = createMemoryDrive();
    const target = createMemoryDrive();
    await seed(source, { "a.txt": "a", "big/1.txt": "1" });
    await seed(target, { "gone.txt": "g" });

    const result = await syncDrives(
      source,
      target,
      options({
        mode: "mirror",
        deferDeletes: true,
        handOff: async () => {
          throw new Error("queue unreachable");
        },
      }),
    );

    expect(result).toMatchObject({ status: "FAILURE", copied: 1, deleted: 0 });
    expect(result.errors).toEqual([
      { path: "big", op: "list", message: "cannot hand big over to another worker: queue unreachable" },
    ]);
    expect(result.deferred).toBeUndefined();
    expect((await tree(target)).map(([path]) => path)).toEqual(["a.txt", "gone.txt"]);
  });
});

describe("deleteDeferred", () => {
  const part = (prefix: string, paths: string[], source_files = 10, target_files = 10) => ({
    prefix,
    deferred: { files: paths.map((path) => ({ path, size: 1 })), dirs: [], source_files, target_files },
  });

  it("deletes every part's extras under its folder", async () => {
    const target = createMemoryDrive();
    await seed(target, { "keep.txt": "k", "x.txt": "x", "p/y.txt": "y", "p/q/z.txt": "z" });

    const result = await deleteDeferred(target, [part("", ["x.txt"]), part("p", ["y.txt", "q/z.txt"])], {
      transfers: 2,
    });

    expect(result).toEqual({ deleted: 3, failed: 0, errors: [] });
    expect((await tree(target)).map(([path]) => path)).toEqual(["keep.txt"]);
  });

  it("deletes nothing when any part did not succeed", async () => {
    const target = createMemoryDrive();
    await seed(target, { "x.txt": "x", "p/y.txt": "y" });

    const result = await deleteDeferred(target, [part("", ["x.txt"]), { prefix: "p", deferred: undefined }], {
      transfers: 2,
    });

    expect(result.deleted).toBe(0);
    expect(result.aborted).toBe("1 of 2 part(s) of the run did not succeed: nothing was deleted");
    expect(target.calls.delete).toBe(0);
  });

  it("applies max-delete to the whole run, not to each part", async () => {
    const target = createMemoryDrive();
    await seed(target, { "a/1": "1", "a/2": "2", "b/3": "3", "b/4": "4" });
    // Each part deletes 2 (within a limit of 3); the run deletes 4.
    const parts = [part("a", ["1", "2"]), part("b", ["3", "4"])];

    const result = await deleteDeferred(target, parts, { transfers: 2, maxDelete: { count: 3 } });

    expect(result.deleted).toBe(0);
    expect(result.aborted).toMatch(/^max-delete: 4 of 20 target file\(s\)/);
    expect(target.calls.delete).toBe(0);
  });

  it("never empties a target when the whole source is empty, though some parts saw files", async () => {
    const target = createMemoryDrive();
    await seed(target, { "a/1": "1" });

    const result = await deleteDeferred(target, [part("a", ["1"], 0, 1), part("b", [], 0, 0)], {
      transfers: 1,
      maxDelete: { percent: 100 },
    });

    expect(result.aborted).toMatch(/the source has no files/);
    expect(target.calls.delete).toBe(0);
  });
});
