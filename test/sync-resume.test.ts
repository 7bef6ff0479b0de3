import { describe, expect, it } from "vitest";
import type { Drive } from "../lib/drives/drive.ts";
import { createMemoryDrive } from "../lib/drives/memory/memory-drive.ts";
import { type SyncCheckpoint, type SyncResult, syncDrives } from "../lib/sync/index.ts";
import { options, seed, tree } from "./support/sync/sync-fixtures.ts";

/** d0…d{n-1}, each with `perDir` small files. */
const layout = (dirs: number, perDir: number): Record<string, string> => {
  const files: Record<string, string> = {};
  for (let d = 0; d < dirs; d++) for (let f = 0; f < perDir; f++) files[`d${d}/f${f}.txt`] = `${d}-${f}`;
  return files;
};

/** A JSON round trip, as a checkpoint stored in DynamoDB would make. */
const stored = (result: SyncResult): SyncCheckpoint => {
  expect(result.checkpoint).toBeDefined();
  return JSON.parse(JSON.stringify(result.checkpoint));
};

describe("interrupt and resume", () => {
  it("stops on the signal and resumes without re-sending finished files or re-listing finished directories", async () => {
    const source = createMemoryDrive();
    const target = createMemoryDrive();
    await seed(source, layout(5, 2));
    const stop = new AbortController();

    const first = await syncDrives(
      source,
      target,
      options({
        transfers: 1,
        checkers: 1,
        signal: stop.signal,
        onProgress: (p) => p.files_done === 3 && stop.abort(),
      }),
    );

    expect(first).toMatchObject({ status: "FAILURE", interrupted: true, copied: 3, failed: 0, errors: [] });
    expect(target.calls.write).toBe(3);
    const checkpoint = stored(first);
    expect(checkpoint.done_dirs.length).toBeGreaterThanOrEqual(1);
    const listsBefore = source.calls.list;

    const second = await syncDrives(source, target, options({ checkpoint }));

    expect(second).toMatchObject({ status: "SUCCESS", copied: 10, failed: 0 });
    expect(second.interrupted).toBeUndefined();
    expect(target.calls.write).toBe(10);
    // The root and every directory not finished are listed again; finished ones are not.
    expect(source.calls.list - listsBefore).toBe(6 - checkpoint.done_dirs.length);
    expect(await tree(target)).toEqual(await tree(source));
  });

  it("stops at a deadline already past, writing nothing, and a resumed mirror finishes with its deletes", async () => {
    const source = createMemoryDrive();
    const target = createMemoryDrive();
    await seed(source, layout(3, 3));
    await seed(target, { "extra/x.txt": "x", "d0/old.txt": "o" });

    const first = await syncDrives(source, target, options({ mode: "mirror", deadline: Date.now() - 1 }));
    expect(first).toMatchObject({ interrupted: true, copied: 0, deleted: 0 });
    expect(target.calls.write).toBe(2);

    const second = await syncDrives(source, target, options({ mode: "mirror", checkpoint: stored(first) }));
    expect(second).toMatchObject({ status: "SUCCESS", copied: 9, deleted: 2 });
    expect(await tree(target)).toEqual(await tree(source));
  });

  it("aborts an in-flight transfer on an atomic target without leaving a partial file", async () => {
    const source = createMemoryDrive();
    await seed(source, { "slow.bin": "payload", "fast.txt": "f" });
    const stop = new AbortController();
    const stalling: Drive = {
      ...source,
      list: source.list.bind(source),
      async read(path, readOptions) {
        if (path !== "slow.bin") return source.read(path, readOptions);
        return new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new TextEncoder().encode("pay"));
            stop.abort(); // interrupted mid-file
          },
        });
      },
    };
    const target = createMemoryDrive();

    const first = await syncDrives(
      stalling,
      target,
      options({ transfers: 1, checkers: 1, signal: stop.signal }),
    );

    expect(first).toMatchObject({ interrupted: true, failed: 0, errors: [] });
    expect((await tree(target)).map(([p]) => p)).not.toContain("slow.bin");
    const second = await syncDrives(source, target, options({ checkpoint: stored(first) }));
    expect(second.status).toBe("SUCCESS");
    expect(await tree(target)).toEqual(await tree(source));
  });

  it.each([
    [1, 1],
    [2, 3],
    [4, 8],
  ])("resumes correctly from every cut point (transfers %i, checkers %i)", async (transfers, checkers) => {
    const files = {
      "r1.txt": "1",
      "r2.txt": "22",
      "a/a1.txt": "333",
      "a/b/b1.txt": "4444",
      "a/b/b2.txt": "55555",
      "a/b/c/c1.txt": "666666",
      "d/d1.txt": "7",
      "d/d2.txt": "88",
      "d/e/e1.txt": "999",
      "d/e/e2.txt": "0000",
    };
    const total = Object.keys(files).length;
    for (let cut = 1; cut < total; cut++) {
      const source = createMemoryDrive();
      const target = createMemoryDrive();
      await seed(source, files);
      await seed(target, { "x/extra.txt": "x", "a/extra.txt": "y" });
      const completed = new Map<string, number>(); // completed writes per path
      const base = target.write.bind(target);
      target.write = async (...args) => {
        const entry = await base(...args);
        completed.set(entry.path, (completed.get(entry.path) ?? 0) + 1);
        return entry;
      };
      const stop = new AbortController();
      const first = await syncDrives(
        source,
        target,
        options({
          mode: "mirror",
          transfers,
          checkers,
          signal: stop.signal,
          onProgress: (p) => p.files_done >= cut && stop.abort(),
        }),
      );
      expect(first.interrupted).toBe(true);
      const second = await syncDrives(source, target, options({ mode: "mirror", checkpoint: stored(first) }));
      expect([cut, second.status, second.copied, second.deleted]).toEqual([cut, "SUCCESS", total, 2]);
      expect(second.bytes_transferred).toBe(31);
      // Each file stored exactly once over both runs (an aborted in-flight write stores nothing).
      expect([...completed.values()].every((n) => n === 1) && completed.size === total).toBe(true);
      expect(await tree(target)).toEqual(await tree(source));
    }
  });

  it("keeps the checkpoint small on a wide tree", async () => {
    const source = createMemoryDrive();
    const target = createMemoryDrive();
    await seed(source, layout(1500, 1));
    const stop = new AbortController();
    const first = await syncDrives(
      source,
      target,
      options({ signal: stop.signal, onProgress: (p) => p.files_done === 1000 && stop.abort() }),
    );
    const checkpoint = stored(first);
    expect(JSON.stringify(checkpoint).length).toBeLessThan(100_000);
    const second = await syncDrives(source, target, options({ checkpoint }));
    expect(second).toMatchObject({ status: "SUCCESS", copied: 1500 });
    expect(second.files_checked).toBe(1500);
    expect(target.calls.write).toBe(1500);
  });

  it("ignores a checkpoint taken with other options and starts over safely", async () => {
    const source = createMemoryDrive();
    const target = createMemoryDrive();
    await seed(source, layout(2, 2));
    const first = await syncDrives(source, target, options({ deadline: Date.now() - 1 }));
    const other = await syncDrives(
      source,
      target,
      options({ exclude: ["f0.txt"], checkpoint: stored(first) }),
    );
    expect(other).toMatchObject({ status: "SUCCESS", copied: 2, files_checked: 2 });
  });

  it.each([
    ["garbage", { nonsense: true }],
    ["another version", { version: 2, fingerprint: "x", done_dirs: [""], counters: {} }],
    ["negative counters", { version: 1, fingerprint: "x", done_dirs: [], counters: { copied: -1 } }],
  ])("starts over safely from an unreadable checkpoint (%s)", async (_name, bad) => {
    const source = createMemoryDrive();
    const target = createMemoryDrive();
    await seed(source, layout(2, 2));
    const result = await syncDrives(
      source,
      target,
      options({ checkpoint: bad as unknown as SyncCheckpoint }),
    );
    expect(result).toMatchObject({ status: "SUCCESS", copied: 4, files_checked: 4 });
  });

  it("treats a deadline beyond the timer range as none", async () => {
    const source = createMemoryDrive();
    await seed(source, layout(1, 2));
    const slow: Drive = {
      ...source,
      async *list(dir, listOptions) {
        await new Promise((resolve) => setTimeout(resolve, 20)); // a timer set at once would fire here
        yield* source.list(dir, listOptions);
      },
    };
    const result = await syncDrives(slow, createMemoryDrive(), options({ deadline: Date.now() + 2 ** 32 }));
    expect(result).toMatchObject({ status: "SUCCESS", copied: 2 });
    expect(result.interrupted).toBeUndefined();
  });
});
