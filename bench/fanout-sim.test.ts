import { describe, expect, it } from "vitest";
import { DriveError } from "../lib/drives/errors.ts";
import { createMemoryDrive, type MemoryDrive } from "../lib/drives/memory/memory-drive.ts";
import { seed, tree } from "../test/support/sync/sync-fixtures.ts";
import { splitRun } from "./support/fanout-sim.ts";

/** `folders` top-level folders of `files` files each, in two subfolders; `big` puts `bigFiles` in p0. */
const files = (folders: number, each: number, big = each): Record<string, string> => {
  const out: Record<string, string> = {};
  for (let p = 0; p < folders; p++)
    for (let f = 0; f < (p === 0 ? big : each); f++) out[`p${p}/d${f % 4}/f${f}.txt`] = `${p}-${f}`;
  out["root.txt"] = "root";
  return out;
};

const drives = async (sourceFiles: Record<string, string>, targetFiles: Record<string, string> = {}) => {
  const failing = new Set<string>();
  const source = createMemoryDrive({
    name: "source",
    failOn: (op, path) =>
      op === "read" && [...failing].some((prefix) => path.startsWith(prefix))
        ? new DriveError(`cannot read ${path}`, path)
        : undefined,
  });
  const target: MemoryDrive = createMemoryDrive({ name: "target" });
  await seed(source, sourceFiles);
  await seed(target, targetFiles);
  return { source, target, failing };
};

describe("splitRun (bench:fanout's simulation)", () => {
  it("mirrors across 4 workers to the same target a single mirror makes, deleting extras once at the end", async () => {
    const { source, target } = await drives(files(6, 8), {
      "p1/d0/extra.txt": "x",
      "p5/extra.txt": "y",
      "only-target/z.txt": "z",
      "stray.txt": "s",
    });

    const result = await splitRun(source, target, {
      workers: 4,
      mode: "mirror",
      splitAbove: Infinity,
      maxDelete: { percent: 100 },
    });

    expect(result).toMatchObject({ partitions: 7, copied: 49, failed: 0, deleted: 4 });
    expect(result.aborted).toBeUndefined();
    expect(await tree(target)).toEqual(await tree(source));
  });

  it("splits a large partition into its folders, so no partition holds half the tree", async () => {
    const sourceFiles = files(4, 4, 64);
    const unsplit = await drives(sourceFiles);
    const whole = await splitRun(unsplit.source, unsplit.target, {
      workers: 4,
      mode: "mirror",
      splitAbove: Infinity,
    });
    const split = await drives(sourceFiles);

    const result = await splitRun(split.source, split.target, { workers: 4, mode: "mirror", splitAbove: 20 });

    expect(whole).toMatchObject({ partitions: 5, largest: 64 });
    expect(result.partitions).toBeGreaterThan(5);
    // p0 keeps the first of its subfolders (16 files) it lists; the next ones go to the queue.
    expect(result.largest).toBeLessThanOrEqual(32);
    expect(result).toMatchObject({ copied: 64 + 12 + 1, failed: 0 });
    // The split costs the handed-off folders' listings again (both sides), nothing per file.
    const requests = (d: MemoryDrive) => Object.values(d.calls).reduce((a, b) => a + b, 0);
    const extra =
      requests(split.source) + requests(split.target) - requests(unsplit.source) - requests(unsplit.target);
    expect(extra).toBe(2 * (result.partitions - whole.partitions));
    expect(await tree(split.target)).toEqual(await tree(split.source));
  });

  it("deletes nothing when one partition fails, though every other one succeeded", async () => {
    const { source, target, failing } = await drives(files(6, 8), {
      "p1/d0/extra.txt": "x",
      "p5/extra.txt": "y",
      "stray.txt": "s",
    });
    failing.add("p3/d1/");

    const result = await splitRun(source, target, { workers: 4, mode: "mirror", splitAbove: Infinity });

    expect(result.deleted).toBe(0);
    expect(result.failed).toBe(2);
    expect(result.aborted).toBe("1 of 7 part(s) of the run did not succeed: nothing was deleted");
    expect(target.calls.delete).toBe(0);
    const paths = (await tree(target)).map(([path]) => path);
    expect(paths).toEqual(expect.arrayContaining(["p1/d0/extra.txt", "p5/extra.txt", "stray.txt"]));
    // The other partitions did their copies.
    expect(paths).toContain("p4/d0/f0.txt");
  });

  it("checks max-delete against the whole run's deletes", async () => {
    const { source, target } = await drives(files(4, 4), {
      "p0/x1": "1",
      "p1/x2": "2",
      "p2/x3": "3",
      "p3/x4": "4",
    });

    const result = await splitRun(source, target, {
      workers: 4,
      mode: "mirror",
      splitAbove: Infinity,
      maxDelete: { count: 3 },
    });

    expect(result.deleted).toBe(0);
    expect(result.aborted).toMatch(/^max-delete: 4 of 4 target file\(s\)/);
    expect(target.calls.delete).toBe(0);
  });

  it("cuts a flat folder into name ranges where drives list from a name on, extras in every range deleted once", async () => {
    const flat: Record<string, string> = { "root.txt": "r" };
    for (let f = 0; f < 50; f++) flat[`p0/f${String(f).padStart(2, "0")}.txt`] = `${f}`;
    // Extras before, between and after the source's names, so every range (the last one open) has its own.
    const extras = { "p0/a.txt": "x", "p0/f10x.txt": "x", "p0/f31x.txt": "x", "p0/zz.txt": "x" };
    const { source, target } = await drives(flat, extras);

    const result = await splitRun(source, target, {
      workers: 4,
      mode: "mirror",
      splitAbove: Infinity,
      nameRanges: 12,
      maxDelete: { percent: 100 },
    });

    // The coordinator, then p0 in ranges of 12: 12, 12, 12, 12, 2.
    expect(result).toMatchObject({ partitions: 6, largest: 12, copied: 51, failed: 0, deleted: 4 });
    expect(await tree(target)).toEqual(await tree(source));
  });

  it("never lets a range's target side list beyond its range when the source listing failed first", async () => {
    const flat: Record<string, string> = {};
    for (let f = 0; f < 30; f++) flat[`p0/f${String(f).padStart(2, "0")}.txt`] = `${f}`;
    const { source, target } = await drives(flat, flat);
    let listings = 0;
    const flaky = {
      ...source,
      // The coordinator lists p0 before handing it over; p0's own first listing fails with a transient
      // fault, and the engine's retry then succeeds.
      list: (dir: string, options?: Parameters<typeof source.list>[1]) =>
        dir === "p0" && ++listings === 2
          ? (async function* () {
              yield* [];
              throw new DriveError("503 Service Unavailable", dir, { retryable: true });
            })()
          : source.list(dir, options),
    };

    const result = await splitRun(flaky, target, {
      workers: 2,
      mode: "mirror",
      splitAbove: Infinity,
      nameRanges: 10,
      maxDelete: { percent: 100 },
    });

    expect(result.deleted).toBe(0);
    expect(target.calls.delete).toBe(0);
    expect(await tree(target)).toEqual(await tree(source));
  });
});
