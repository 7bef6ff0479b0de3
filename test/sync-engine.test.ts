import { describe, expect, it } from "vitest";
import type { Drive } from "../lib/drives/drive.ts";
import { DriveError } from "../lib/drives/errors.ts";
import { createMemoryDrive, type MemoryDriveOp } from "../lib/drives/memory/memory-drive.ts";
import { type SyncProgress, syncDrives } from "../lib/sync/index.ts";
import { listAll, readBytes, streamOf } from "./support/drives/streams.ts";
import { options, seed, T0, tree } from "./support/sync/sync-fixtures.ts";

const MIXED_TREE = {
  "readme.txt": "hello",
  "empty.bin": "",
  "with space/a file.txt": "spaces",
  "unicode/日本語/naïve café.md": "ünïcödé",
  "deep/1/2/3/4/5/6/7/8/9/10/leaf.txt": "deep",
  "deep/1/sibling.txt": "sib",
};

const failing = (op: MemoryDriveOp, path: string, error: () => Error, times = Number.POSITIVE_INFINITY) => {
  let left = times;
  return (o: MemoryDriveOp, p: string) => (o === op && p === path && left-- > 0 ? error() : undefined);
};

describe("syncDrives (memory drives)", () => {
  it("mirrors a tree: the target equals the source, extras and their directories are gone", async () => {
    const source = createMemoryDrive();
    const target = createMemoryDrive();
    await seed(source, MIXED_TREE);
    await seed(target, {
      "readme.txt": "old content",
      "stale/x.txt": "x",
      "stale/y/z.txt": "z",
      "gone.txt": "g",
    });

    // 3 of the target's 4 files go: more than the default half, so the mirror says it may.
    const result = await syncDrives(source, target, options({ mode: "mirror", maxDelete: { percent: 100 } }));

    expect(result).toMatchObject({
      status: "SUCCESS",
      copied: 5,
      updated: 1,
      deleted: 3,
      failed: 0,
      errors: [],
    });
    const bytes = Object.values(MIXED_TREE).reduce((sum, data) => sum + Buffer.byteLength(data), 0);
    expect(result.bytes_transferred).toBe(bytes);
    expect(await tree(target)).toEqual(await tree(source));
    expect((await listAll(target, "")).map((e) => e.path)).not.toContain("stale");
  });

  it("transfers nothing on a second run", async () => {
    const source = createMemoryDrive();
    const target = createMemoryDrive();
    await seed(source, MIXED_TREE);
    await syncDrives(source, target, options({ mode: "mirror" }));
    const writes = target.calls.write;

    const again = await syncDrives(source, target, options({ mode: "mirror" }));

    expect(again).toMatchObject({
      status: "SUCCESS",
      copied: 0,
      updated: 0,
      deleted: 0,
      bytes_transferred: 0,
    });
    expect(again.skipped).toBe(6);
    expect(again.files_checked).toBe(6);
    expect(target.calls.write).toBe(writes);
    expect(source.calls.read).toBe(6);
  });

  it("catches a same-size edit with a new mod time", async () => {
    const source = createMemoryDrive();
    const target = createMemoryDrive();
    await seed(source, { "a.txt": "aaaa" });
    await syncDrives(source, target, options());
    await seed(source, { "a.txt": { data: "bbbb", modTime: T0 + 60_000 } });

    const result = await syncDrives(source, target, options());

    expect(result).toMatchObject({ updated: 1, bytes_transferred: 4 });
    expect(await tree(target)).toEqual(await tree(source));
  });

  it("catches a same-size, same-mod-time edit only with compare checksum", async () => {
    const source = createMemoryDrive();
    const target = createMemoryDrive();
    await seed(source, { "a.txt": "aaaa" });
    await seed(target, { "a.txt": "bbbb" });

    expect(await syncDrives(source, target, options())).toMatchObject({ updated: 0, skipped: 1 });
    const result = await syncDrives(source, target, options({ compare: "checksum" }));
    expect(result).toMatchObject({ status: "SUCCESS", updated: 1, skipped: 0 });
    expect(await tree(target)).toEqual(await tree(source));
  });

  it("fails clearly when checksum has no hash type in common, touching nothing", async () => {
    const source = createMemoryDrive({ features: { hashes: new Set(["md5"]) } });
    const target = createMemoryDrive({ features: { hashes: new Set(["sha1"]) } });
    await seed(source, { a: "1" });
    const result = await syncDrives(source, target, options({ compare: "checksum" }));
    expect(result.status).toBe("FAILURE");
    expect(result.aborted).toMatch(/source has md5, the target has sha1/);
    expect(target.calls.write).toBe(0);
  });

  it("compares by size where the target cannot keep mod times", async () => {
    const source = createMemoryDrive();
    const target = createMemoryDrive({ features: { canSetModTime: false } });
    await seed(source, { "a.txt": "aaaa", "b.txt": "bb" });
    await syncDrives(source, target, options());
    const again = await syncDrives(source, target, options());
    expect(again).toMatchObject({ copied: 0, updated: 0, skipped: 2 });
  });

  it("copy never deletes", async () => {
    const source = createMemoryDrive();
    const target = createMemoryDrive();
    await seed(source, { "a.txt": "a" });
    await seed(target, { "extra.txt": "e", "d/extra2.txt": "e" });

    const result = await syncDrives(source, target, options({ mode: "copy" }));

    expect(result).toMatchObject({ status: "SUCCESS", copied: 1, deleted: 0 });
    expect((await tree(target)).map(([path]) => path)).toEqual(["a.txt", "d/extra2.txt", "extra.txt"]);
    expect(target.calls.delete).toBe(0);
  });

  it.each([
    ["a count", { count: 1 }],
    ["a percentage", { percent: 40 }],
  ])("aborts a mirror over max-delete (%s) before deleting anything", async (_name, maxDelete) => {
    const source = createMemoryDrive();
    const target = createMemoryDrive();
    await seed(source, { "keep.txt": "k", "new.txt": "n" });
    await seed(target, { "keep.txt": "k", "x1.txt": "1", "x2.txt": "2" });
    const before = await tree(target);

    const result = await syncDrives(source, target, options({ mode: "mirror", maxDelete }));

    expect(result.status).toBe("FAILURE");
    expect(result.aborted).toMatch(/max-delete: 2 of 3 target file\(s\) would be deleted/);
    expect(result.deleted).toBe(0);
    expect(target.calls.delete).toBe(0);
    // Copies happen before the deletes are judged; the files that would be deleted are all still there.
    expect(await tree(target)).toEqual(
      [...before, ...(await tree(source)).filter(([p]) => p === "new.txt")].sort(),
    );
  });

  it("allows deletes within max-delete", async () => {
    const source = createMemoryDrive();
    const target = createMemoryDrive();
    await seed(source, { "keep.txt": "k" });
    await seed(target, { "keep.txt": "k", "x1.txt": "1" });
    const result = await syncDrives(source, target, options({ mode: "mirror", maxDelete: { percent: 50 } }));
    expect(result).toMatchObject({ status: "SUCCESS", deleted: 1 });
  });

  describe("without max-delete (the default cap)", () => {
    const targetOf = async (count: number) => {
      const target = createMemoryDrive();
      await seed(target, Object.fromEntries(Array.from({ length: count }, (_, i) => [`f${i}.txt`, "x"])));
      return target;
    };

    it("refuses to delete more than half of the target's files (a source shrunk to one stray file)", async () => {
      const source = createMemoryDrive();
      await seed(source, { "stray.txt": "s" });
      const target = await targetOf(206);
      const result = await syncDrives(source, target, options({ mode: "mirror" }));
      expect(result.status).toBe("FAILURE");
      expect(result.aborted).toMatch(
        /206 of 206 target file\(s\) would be deleted, more than half.*--max-delete 100%.*"max_delete": "100%"/,
      );
      expect(result.deleted).toBe(0);
      expect(target.calls.delete).toBe(0);
    });

    it("deletes exactly half", async () => {
      const source = createMemoryDrive();
      await seed(source, { "f0.txt": "x", "f1.txt": "x" });
      const result = await syncDrives(source, await targetOf(4), options({ mode: "mirror" }));
      expect(result).toMatchObject({ status: "SUCCESS", deleted: 2 });
    });

    it("lets a 3-file target lose 2 (the floor), not 3 of 4", async () => {
      const source = createMemoryDrive();
      await seed(source, { "f0.txt": "x" });
      expect(await syncDrives(source, await targetOf(3), options({ mode: "mirror" }))).toMatchObject({
        status: "SUCCESS",
        deleted: 2,
      });
      const refused = await syncDrives(source, await targetOf(4), options({ mode: "mirror" }));
      expect(refused).toMatchObject({ status: "FAILURE", deleted: 0 });
    });

    it("is lifted by an explicit 100%", async () => {
      const source = createMemoryDrive();
      await seed(source, { "stray.txt": "s" });
      const target = await targetOf(206);
      const result = await syncDrives(
        source,
        target,
        options({ mode: "mirror", maxDelete: { percent: 100 } }),
      );
      expect(result).toMatchObject({ status: "SUCCESS", deleted: 206 });
    });
  });

  it("never empties a target from an empty source", async () => {
    const source = createMemoryDrive();
    const target = createMemoryDrive();
    await seed(target, { "a.txt": "a", "b/c.txt": "c" });
    const before = await tree(target);

    const result = await syncDrives(source, target, options({ mode: "mirror" }));

    expect(result.status).toBe("FAILURE");
    expect(result.aborted).toMatch(/source has no files/);
    expect(await tree(target)).toEqual(before);
  });

  it("fails without deleting when the source cannot be listed", async () => {
    const source = createMemoryDrive({
      failOn: failing("list", "", () => new DriveError("permission denied", "")),
    });
    const target = createMemoryDrive();
    await seed(target, { "a.txt": "a" });
    const result = await syncDrives(source, target, options({ mode: "mirror" }));
    expect(result).toMatchObject({ status: "FAILURE", deleted: 0 });
    expect(result.errors).toEqual([
      { path: "/", op: "list", message: expect.stringMatching(/permission denied/) },
    ]);
    expect(target.calls.delete).toBe(0);
  });

  it("dry run plans everything and writes nothing", async () => {
    const source = createMemoryDrive();
    const target = createMemoryDrive();
    await seed(source, { "new.txt": "n", "changed.txt": "changed!", "same.txt": "s" });
    await seed(target, { "changed.txt": "old", "same.txt": "s", "extra/x.txt": "x" });
    const before = await tree(target);
    const [writes, deletes] = [target.calls.write, target.calls.delete];

    const result = await syncDrives(source, target, options({ mode: "mirror", dryRun: true }));

    expect(result).toMatchObject({ status: "SUCCESS", copied: 1, updated: 1, deleted: 1, skipped: 1 });
    expect(result.bytes_transferred).toBe(0);
    expect(result.planned?.map((a) => `${a.kind} ${a.path}`).sort()).toEqual([
      "copy new.txt",
      "delete extra/x.txt",
      "update changed.txt",
    ]);
    expect([target.calls.write, target.calls.delete, target.calls.rmdir]).toEqual([writes, deletes, 0]);
    expect(source.calls.read).toBe(0);
    expect(await tree(target)).toEqual(before);
  });

  it("says a failed run is retryable only when every error was a transient fault", async () => {
    const busy = () => new DriveError("503 Service Unavailable", "", { retryable: true });
    const transient = createMemoryDrive({ failOn: failing("read", "b.txt", busy) });
    await seed(transient, { "a.txt": "a", "b.txt": "b" });
    const quick = { retry: { attempts: 2, baseDelayMs: 1 } };
    const once = await syncDrives(transient, createMemoryDrive(), options(quick));
    expect(once).toMatchObject({ status: "FAILURE", failed: 1, retryable: true });

    const mixed = createMemoryDrive({
      failOn: (op, path) =>
        op === "read" && path === "b.txt"
          ? busy()
          : op === "read" && path === "c.txt"
            ? new DriveError("denied", path)
            : undefined,
    });
    await seed(mixed, { "a.txt": "a", "b.txt": "b", "c.txt": "c" });
    expect(await syncDrives(mixed, createMemoryDrive(), options(quick))).toMatchObject({
      failed: 2,
      retryable: false,
    });
    const fine = createMemoryDrive();
    await seed(fine, { "a.txt": "a" });
    expect((await syncDrives(fine, createMemoryDrive(), options())).retryable).toBe(false);
  });

  it("fails one unreadable file alone, copies the others, and deletes nothing", async () => {
    const source = createMemoryDrive({
      failOn: failing("read", "b/locked.txt", () => new DriveError("permission denied", "b/locked.txt")),
    });
    const target = createMemoryDrive();
    await seed(source, { "a.txt": "a", "b/locked.txt": "l", "b/c.txt": "c" });
    await seed(target, { "extra.txt": "e" });

    const result = await syncDrives(source, target, options({ mode: "mirror" }));

    expect(result).toMatchObject({ status: "FAILURE", copied: 2, failed: 1, deleted: 0 });
    expect(result.errors).toEqual([{ path: "b/locked.txt", op: "read", message: "permission denied" }]);
    expect(source.calls.read).toBe(3); // not retried: not retryable
    expect((await tree(target)).map(([p]) => p)).toEqual(["a.txt", "b/c.txt", "extra.txt"]);
  });

  it("retries retryable failures with backoff and succeeds", async () => {
    const source = createMemoryDrive({
      failOn: failing("read", "flaky.txt", () => new DriveError("503", "flaky.txt", { retryable: true }), 2),
    });
    const target = createMemoryDrive({
      failOn: failing("list", "", () => new DriveError("429", "", { retryable: true }), 1),
    });
    await seed(source, { "flaky.txt": "f", "ok.txt": "o" });

    const result = await syncDrives(source, target, options({ mode: "mirror" }));

    expect(result).toMatchObject({ status: "SUCCESS", copied: 2, failed: 0 });
    expect(source.calls.read).toBe(4);
    expect(target.calls.list).toBe(2);
  });

  it("reads a file again when its body ended early, and copies it whole", async () => {
    const memory = createMemoryDrive();
    await seed(memory, { "cut.txt": "all of it", "ok.txt": "o" });
    let cuts = 1;
    const source: Drive = {
      ...memory,
      list: memory.list.bind(memory),
      // The first read ends at 0 bytes without an error, as a fetch body undici cancelled did.
      read: async (path, readOptions) =>
        path === "cut.txt" && cuts-- > 0 ? streamOf(new Uint8Array(0)) : memory.read(path, readOptions),
    };
    const target = createMemoryDrive();

    const result = await syncDrives(source, target, options({ mode: "mirror" }));

    expect(result).toMatchObject({ status: "SUCCESS", copied: 2, failed: 0, errors: [] });
    expect(cuts).toBe(-1); // read twice
    expect(await tree(target)).toEqual(await tree(memory));
  });

  it("gives up after the configured attempts", async () => {
    const source = createMemoryDrive({
      failOn: failing("read", "flaky.txt", () => new DriveError("503", "flaky.txt", { retryable: true })),
    });
    await seed(source, { "flaky.txt": "f" });
    const result = await syncDrives(
      source,
      createMemoryDrive(),
      options({ retry: { attempts: 4, baseDelayMs: 1 } }),
    );
    expect(result).toMatchObject({ status: "FAILURE", failed: 1 });
    expect(source.calls.read).toBe(4);
  });

  it("leaves excluded target files alone and copies only included files", async () => {
    const source = createMemoryDrive();
    const target = createMemoryDrive();
    await seed(source, { "a.txt": "a", "b.log": "b", "sub/c.txt": "c" });
    await seed(target, { "keep.tmp": "t", "sub/old.tmp": "t", "gone.txt": "g" });

    const result = await syncDrives(
      source,
      target,
      options({ mode: "mirror", include: ["*.txt", "*.tmp"], exclude: ["*.tmp"] }),
    );

    expect(result).toMatchObject({ status: "SUCCESS", copied: 2, deleted: 1 });
    expect((await tree(target)).map(([p]) => p)).toEqual(["a.txt", "keep.tmp", "sub/c.txt", "sub/old.tmp"]);
  });

  it("does not walk a directory a subtree exclude covers, and keeps it on the target", async () => {
    const source = createMemoryDrive();
    const target = createMemoryDrive();
    await seed(source, { "a.txt": "a", "node_modules/x/y.js": "y", "sub/node_modules/z.js": "z" });
    await seed(target, { "node_modules/old.js": "o", "gone.txt": "g" });

    const result = await syncDrives(
      source,
      target,
      options({ mode: "mirror", exclude: ["node_modules/**"] }),
    );

    expect(result).toMatchObject({ status: "SUCCESS", copied: 1, deleted: 1, files_checked: 1 });
    expect((await tree(target)).map(([p]) => p)).toEqual(["a.txt", "node_modules/old.js"]);
    expect(source.calls.list).toBe(2); // the root and sub/, never node_modules
  });

  it("applies the seed's rule kinds to both sides: excluded files and folders are neither copied nor deleted", async () => {
    const source = createMemoryDrive();
    const target = createMemoryDrive();
    await seed(source, { "a.txt": "a", "b.TMP": "b", "@eaDir/thumb.jpg": "t", "docs/c.txt": "c" });
    await seed(target, { "old.tmp": "o", "@eaDir/old.jpg": "o", "gone.txt": "g" });

    const result = await syncDrives(
      source,
      target,
      options({
        mode: "mirror",
        exclude: [
          { kind: "regex", on: "name", pattern: "\\.tmp$", items: "file", ignore_case: true },
          { kind: "exact", pattern: "@eaDir", items: "folder" },
        ],
      }),
    );

    expect(result).toMatchObject({ status: "SUCCESS", copied: 2, deleted: 1 });
    expect((await tree(target)).map(([p]) => p)).toEqual([
      "@eaDir/old.jpg",
      "a.txt",
      "docs/c.txt",
      "old.tmp",
    ]);
    expect(source.calls.list).toBe(2); // the root and docs/, never @eaDir
  });

  it("reports each file it copied, updated, deleted, found equal or failed on, through onItem", async () => {
    const source = createMemoryDrive({
      failOn: failing("read", "locked.txt", () => new DriveError("permission denied", "locked.txt")),
    });
    const target = createMemoryDrive();
    await seed(source, { "new.txt": "n", "same.txt": "s", "changed.txt": "2", "locked.txt": "l" });
    await seed(target, { "same.txt": "s", "changed.txt": "1!", "extra.txt": "x" });
    const items: unknown[] = [];

    await syncDrives(source, target, options({ mode: "mirror", onItem: (item) => void items.push(item) }));

    expect(items).toEqual(
      expect.arrayContaining([
        { path: "new.txt", op: "copy", size: 1, status: "done" },
        { path: "same.txt", op: "skip", size: 1, status: "done" },
        { path: "changed.txt", op: "update", size: 1, status: "done" },
        {
          path: "locked.txt",
          op: "copy",
          size: 1,
          status: "failed",
          error: expect.stringContaining("permission denied"),
        },
      ]),
    );
    // The failure blocks deletes: extra.txt is neither deleted nor reported.
    expect(items).toHaveLength(4);

    const planned: unknown[] = [];
    const [small, big] = [createMemoryDrive(), createMemoryDrive()];
    await seed(small, { "same.txt": "s" });
    await seed(big, { "same.txt": "s", "extra.txt": "x" });
    await syncDrives(
      small,
      big,
      options({ mode: "mirror", dryRun: true, onItem: (item) => void planned.push(item) }),
    );
    expect(planned).toEqual(
      expect.arrayContaining([
        { path: "extra.txt", op: "delete", size: 1, status: "planned" },
        { path: "same.txt", op: "skip", size: 1, status: "done" },
      ]),
    );
  });

  it("overwrite re-copies every file, even equal ones, then deletes extras like a mirror", async () => {
    const source = createMemoryDrive();
    const target = createMemoryDrive();
    await seed(source, { "a.txt": "same", "sub/b.txt": "new" });
    await seed(target, { "a.txt": "same", "sub/b.txt": "old", "extra.txt": "x" });

    const writesBefore = target.calls.write;

    const result = await syncDrives(source, target, options({ mode: "overwrite" }));

    expect(result).toMatchObject({ status: "SUCCESS", copied: 0, updated: 2, deleted: 1, skipped: 0 });
    expect(target.calls.write - writesBefore).toBe(2);
    expect((await tree(target)).map(([p]) => p)).toEqual(["a.txt", "sub/b.txt"]);
  });

  it("overwrite deletes nothing when a transfer fails", async () => {
    const source = createMemoryDrive({
      failOn: failing("read", "b.txt", () => new DriveError("permission denied", "b.txt")),
    });
    const target = createMemoryDrive();
    await seed(source, { "a.txt": "a", "b.txt": "b" });
    await seed(target, { "a.txt": "a", "extra.txt": "x" });

    const result = await syncDrives(source, target, options({ mode: "overwrite" }));

    expect(result).toMatchObject({ status: "FAILURE", failed: 1, deleted: 0 });
    expect((await tree(target)).map(([p]) => p)).toEqual(["a.txt", "extra.txt"]);
  });

  it("mirrors onto a case-insensitive target without deleting the file it just wrote", async () => {
    const source = createMemoryDrive();
    const target = createMemoryDrive({ features: { caseInsensitive: true } });
    await seed(source, { "Docs/Report.TXT": "new!" });
    await seed(target, { "docs/report.txt": "old" });

    const result = await syncDrives(source, target, options({ mode: "mirror" }));

    expect(result).toMatchObject({ status: "SUCCESS", updated: 1, deleted: 0 });
    expect((await tree(target)).map(([, v]) => v)).toEqual((await tree(source)).map(([, v]) => v));
  });

  it("reports progress up to the planned totals", async () => {
    const source = createMemoryDrive();
    await seed(source, { a: "12", b: "345", "c/d": "6" });
    const seen: SyncProgress[] = [];
    await syncDrives(source, createMemoryDrive(), options({ onProgress: (p) => seen.push(p) }));
    expect(seen.at(-1)).toEqual({ files_done: 3, files_planned: 3, bytes_done: 6, bytes_planned: 6 });
    expect(seen.length).toBeGreaterThanOrEqual(3);
  });

  it("reports bytes while a big file streams, and takes back a failed attempt's bytes", async () => {
    const size = 1024 * 1024;
    const memory = createMemoryDrive();
    await memory.write("big.bin", streamOf(new Uint8Array(size)), { path: "big.bin", size, modTime: T0 });
    let failures = 1;
    const source: Drive = {
      ...memory,
      list: memory.list.bind(memory),
      async read(path) {
        const data = await readBytes(await memory.read(path));
        if (failures-- <= 0) return streamOf(data, 64 * 1024);
        // The first attempt dies half way with a retryable error.
        const half = streamOf(data.slice(0, size / 2), 64 * 1024).getReader();
        return new ReadableStream<Uint8Array>({
          async pull(controller) {
            const { done, value } = await half.read();
            if (done) controller.error(new DriveError("connection reset", path, { retryable: true }));
            else controller.enqueue(value);
          },
        });
      },
    };
    const seen: number[] = [];

    const result = await syncDrives(
      source,
      createMemoryDrive(),
      options({ onProgress: (p) => seen.push(p.bytes_done) }),
    );

    expect(result).toMatchObject({ status: "SUCCESS", copied: 1, bytes_transferred: size });
    expect(seen.filter((bytes) => bytes > 0 && bytes < size).length).toBeGreaterThan(10);
    expect(Math.max(...seen)).toBe(size); // never more than the file: the failed half was taken back
    expect(seen.at(-1)).toBe(size);
  });

  it("reports a file where the target has a directory, and leaves both", async () => {
    const source = createMemoryDrive();
    const target = createMemoryDrive();
    await seed(source, { x: "file", y: "y" });
    await seed(target, { "x/inner.txt": "i" });
    const result = await syncDrives(source, target, options({ mode: "mirror" }));
    expect(result).toMatchObject({ status: "FAILURE", copied: 1, failed: 1, deleted: 0 });
    expect(result.errors[0]).toMatchObject({ path: "x", op: "compare" });
  });
});
