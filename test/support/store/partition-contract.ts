import { describe, expect, it } from "vitest";
import { ConflictError } from "../../../lib/store/errors.ts";
import {
  boundedDeferred,
  PARTITION_DEFERRED_MAX,
  type PartitionResult,
} from "../../../lib/store/partition.ts";
import { MAX_HANDOVER_PATH } from "../../../lib/store/partitions.ts";
import { newRun } from "../../../lib/store/run.ts";
import type { Store } from "../../../lib/store/store.ts";

/** The partitions of fanned-out runs, on every store backend (called by the store contract). */
export function runPartitionContract(newStore: () => Promise<Store>): void {
  const now = new Date("2026-11-28T10:00:00.000Z");
  const startedRun = async (store: Store, taskId = "fan") => {
    await store.runs.create(newRun({ task_id: taskId, config_id: "cfg", trigger: "manual", now }));
    await store.runs.update(taskId, { status: "STARTED", attempts: 1 });
    return { task_id: taskId, config_id: "cfg" };
  };
  const result = (copied: number, bytes = 0): PartitionResult => ({
    copied,
    updated: 0,
    skipped: 1,
    failed: 0,
    bytes_transferred: bytes,
    files_checked: copied + 1,
    errors: [],
    retryable: false,
  });
  const counters = (copied: number, bytes = 0) => {
    const { errors: _, retryable: __, ...rest } = result(copied, bytes);
    return rest;
  };

  describe("partitions", () => {
    it("hands a folder over once however often it is asked, counted once in remaining", async () => {
      const store = await newStore();
      const run = await startedRun(store);
      const asks = await Promise.all([1, 2, 3].map(() => store.partitions.handOver(run, "a/b")));
      for (const part of asks) expect(part).toMatchObject({ path: "a/b", status: "pending", attempts: 0 });
      await store.partitions.handOver(run, "");
      expect(await store.partitions.totals("fan")).toMatchObject({ remaining: 2 });
      expect((await store.runs.get("fan"))?.remaining).toBe(2);
      expect((await store.partitions.list("fan")).map((p) => p.path)).toEqual(["", "a/b"]);
      // Claimed, then asked again (a resumed partition asks again): nothing changes.
      await store.partitions.claim("fan", "a/b", { status: "pending", attempts: 0 }, 1);
      expect(await store.partitions.handOver(run, "a/b")).toMatchObject({ status: "started", attempts: 1 });
      expect(await store.partitions.totals("fan")).toMatchObject({ remaining: 2 });
    });

    it("counts a finished partition once: remaining and the sums by one conditional update", async () => {
      const store = await newStore();
      const run = await startedRun(store);
      await store.partitions.handOver(run, "x");
      await store.partitions.handOver(run, "y");
      const first = await store.partitions.count("fan", "x", counters(3, 30));
      expect(first).toMatchObject({
        counted: true,
        remaining: 1,
        totals: { copied: 3, bytes_transferred: 30 },
      });
      const again = await store.partitions.count("fan", "x", counters(3, 30));
      expect(again).toMatchObject({
        counted: false,
        remaining: 1,
        totals: { copied: 3, bytes_transferred: 30 },
      });
      const both = await Promise.all([1, 2].map(() => store.partitions.count("fan", "y", counters(2, 5))));
      expect(both.filter((c) => c.counted)).toHaveLength(1);
      expect(await store.partitions.totals("fan")).toEqual({
        remaining: 0,
        totals: { copied: 5, updated: 0, skipped: 2, failed: 0, bytes_transferred: 35, files_checked: 7 },
      });
      expect(await store.partitions.totals("other")).toBeUndefined();
    });

    it("lets one worker at a time end a run, and none once it ended", async () => {
      const store = await newStore();
      await startedRun(store);
      const claims = await Promise.all([1, 2, 3].map(() => store.partitions.claimEnd("fan", 1_000, 500)));
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await store.partitions.claimEnd("fan", 2_000, 999)).toBe(false);
      expect(await store.partitions.claimEnd("fan", 3_000, 1_001)).toBe(true); // the holder's time ran out
      await store.runs.update("fan", { status: "SUCCESS", finished_at: now.toISOString() });
      expect(await store.partitions.claimEnd("fan", 9_000, 5_000)).toBe(false);
    });

    it("lets exactly one of several claims of a partition win, and ends it once", async () => {
      const store = await newStore();
      const run = await startedRun(store);
      await store.partitions.handOver(run, "p");
      const claims = await Promise.allSettled(
        [1, 2, 3].map(() => store.partitions.claim("fan", "p", { status: "pending", attempts: 0 }, 99)),
      );
      expect(claims.filter((c) => c.status === "fulfilled")).toHaveLength(1);
      for (const c of claims.filter((c) => c.status === "rejected"))
        expect((c as PromiseRejectedResult).reason).toBeInstanceOf(ConflictError);
      expect(await store.partitions.saveCheckpoint("fan", "p", 1, { done_dirs: ["q"] })).toMatchObject({
        checkpoint: { done_dirs: ["q"] },
        claimed_until: 99,
      });
      await expect(store.partitions.saveCheckpoint("fan", "p", 0, {})).rejects.toBeInstanceOf(ConflictError);
      // Given back for a retry, then claimed again; a continuation takes it over at its attempt count.
      await expect(store.partitions.release("fan", "p", 0)).rejects.toBeInstanceOf(ConflictError);
      expect(await store.partitions.release("fan", "p", 1)).toMatchObject({ status: "pending", attempts: 1 });
      await store.partitions.claim("fan", "p", { status: "pending", attempts: 1 }, 100);
      await store.partitions.claim("fan", "p", { status: "started", attempts: 2 }, 100);
      const deferred = { files: [{ path: "old.txt", size: 3 }], dirs: [], source_files: 1, target_files: 2 };
      const done = await store.partitions.finish(
        "fan",
        "p",
        { status: "done", result: result(1), deferred },
        3,
      );
      expect(done).toMatchObject({ status: "done", deferred, checkpoint: null, claimed_until: null });
      await expect(
        store.partitions.finish("fan", "p", { status: "failed", result: result(0) }),
      ).rejects.toBeInstanceOf(ConflictError);
      expect(await store.partitions.get("fan", "p")).toMatchObject({ status: "done", result: result(1) });
    });

    it("hands nothing over into a run that is not STARTED, nor a path past the length limit", async () => {
      const store = await newStore();
      const run = await startedRun(store);
      expect(await store.partitions.handOver(run, "x".repeat(MAX_HANDOVER_PATH + 1))).toBeUndefined();
      await store.runs.update("fan", { status: "CANCELLED", finished_at: now.toISOString() });
      await expect(store.partitions.handOver(run, "late")).rejects.toBeInstanceOf(ConflictError);
      expect(await store.partitions.list("fan")).toEqual([]);
    });

    it("keeps a partition's extras whole within the limit, else only their count", () => {
      const files = (n: number) => Array.from({ length: n }, (_, i) => ({ path: `f${i}`, size: 1 }));
      const within = { files: files(PARTITION_DEFERRED_MAX), dirs: [], source_files: 0, target_files: 9 };
      expect(boundedDeferred(within)).toEqual({ deferred: within });
      const past = { ...within, dirs: ["d"] };
      expect(boundedDeferred(past)).toEqual({ deferred: null, deferred_omitted: PARTITION_DEFERRED_MAX + 1 });
      const long = {
        files: [{ path: "x".repeat(300 * 1024), size: 1 }],
        dirs: [],
        source_files: 0,
        target_files: 1,
      };
      expect(boundedDeferred(long)).toEqual({ deferred: null, deferred_omitted: 1 });
    });

    it("stores the most extras a partition keeps in one item (far below 400 KB)", async () => {
      const store = await newStore();
      const run = await startedRun(store);
      await store.partitions.handOver(run, "big");
      await store.partitions.claim("fan", "big", { status: "pending", attempts: 0 }, 1);
      const files = Array.from({ length: PARTITION_DEFERRED_MAX }, (_, i) => ({
        path: `${"deep/".repeat(10)}file-${i}.txt`,
        size: i,
      }));
      const kept = boundedDeferred({ files, dirs: [], source_files: 0, target_files: files.length });
      expect(kept.deferred).not.toBeNull();
      await store.partitions.finish("fan", "big", { status: "done", result: result(0), ...kept });
      expect((await store.partitions.get("fan", "big"))?.deferred?.files).toHaveLength(
        PARTITION_DEFERRED_MAX,
      );
    });
  });
}
