/**
 * The simulation behind `bench:fanout` (BENCHMARKS.md, "Beyond one worker"): one run split across N
 * workers in one process, with the engine's own hooks for it — `handOff` (a folder becomes a partition
 * of its own) and `deferDeletes` + `deleteDeferred` (a mirror deletes once, after every partition).
 */
import type { Drive, Entry } from "../../lib/drives/drive.ts";
import { joinPath } from "../../lib/drives/drive.ts";
import { under } from "../../lib/drives/subtree.ts";
import { WorkStack } from "../../lib/sync/concurrency.ts";
import {
  DEFAULT_SYNC_OPTIONS,
  deleteDeferred,
  type MaxDelete,
  type RunPart,
  type SyncMode,
  syncDrives,
} from "../../lib/sync/index.ts";

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A drive whose every request waits `ms` first (a listing once, not per entry), on `sleep` (a
 * VirtualClock's, for figures that do not depend on this machine's load).
 */
export const withLatency = (
  drive: Drive,
  ms: number,
  sleep: (ms: number) => Promise<void> = realSleep,
): Drive => ({
  ...drive,
  async *list(dir, options) {
    await sleep(ms);
    yield* drive.list(dir, options);
  },
  stat: async (path) => {
    await sleep(ms);
    return drive.stat(path);
  },
  read: async (path, options) => {
    await sleep(ms);
    return drive.read(path, options);
  },
  write: async (path, body, source, options) => {
    await sleep(ms);
    return drive.write(path, body, source, options);
  },
  delete: async (path) => {
    await sleep(ms);
    return drive.delete(path);
  },
  mkdir: async (dir) => {
    await sleep(ms);
    return drive.mkdir(dir);
  },
  rmdir: async (dir) => {
    await sleep(ms);
    return drive.rmdir(dir);
  },
  hash: async (path, type) => {
    await sleep(ms);
    return drive.hash(path, type);
  },
});

const FAILED = Symbol("source listing failed");

/**
 * The root folders of a partition's two views cut to one name range, as a drive that can list from a
 * name on (S3's `StartAfter`) could: the source's names after `after`, at most `size` of them; when
 * more follow, `onRest(last)` is told the range's last name (the rest is another partition's) and the
 * target's listing keeps to the same range. Deeper folders are listed whole.
 */
export const nameRange = (
  views: { source: Drive; target: Drive },
  after: string | undefined,
  size: number,
  onRest: (last: string) => void,
): { source: Drive; target: Drive } => {
  // The range's last name; undefined: to the end; FAILED: the source's listing failed first, and the
  // target then lists nothing (so no extras), even if a retry of the source's listing succeeds.
  let settle: (last: string | undefined | typeof FAILED) => void = () => {};
  const cut = new Promise<string | undefined | typeof FAILED>((resolve) => {
    settle = resolve;
  });
  let decided: Promise<Entry[]> | undefined;
  const page = async (options: Parameters<Drive["list"]>[1]): Promise<Entry[]> => {
    const entries: Entry[] = [];
    try {
      for await (const entry of views.source.list("", options))
        if (after === undefined || entry.path > after) entries.push(entry);
    } catch (error) {
      settle(FAILED);
      decided = undefined; // a retry lists again
      throw error;
    }
    entries.sort((a, b) => (a.path < b.path ? -1 : 1));
    const last = entries.length > size ? entries[size - 1]?.path : undefined;
    if (last !== undefined) onRest(last);
    settle(last);
    return entries.slice(0, size);
  };
  const inRange = (path: string, last: string | undefined) =>
    (after === undefined || path > after) && (last === undefined || path <= last);
  return {
    source: {
      ...views.source,
      async *list(dir, options) {
        if (dir !== "") return yield* views.source.list(dir, options);
        decided ??= page(options);
        yield* await decided;
      },
    },
    target: {
      ...views.target,
      async *list(dir, options) {
        if (dir !== "") return yield* views.target.list(dir, options);
        const last = await cut;
        if (last === FAILED) return;
        for await (const entry of views.target.list("", options)) if (inRange(entry.path, last)) yield entry;
      },
    },
  };
};

export interface SplitRunOptions {
  workers: number;
  mode: SyncMode;
  /**
   * A partition that has listed more than this many entries (both sides) hands every further folder
   * it lists to the queue as a partition of its own. `Infinity`: partitions are the top-level folders.
   */
  splitAbove: number;
  /**
   * Where the drives can list from a name on (S3): a partition's own folder with more entries than
   * this is cut into name ranges of this size, each a partition (see `nameRange`). Absent: never.
   */
  nameRanges?: number;
  maxDelete?: MaxDelete;
  /** The clock `ms` is read on (default: real time). */
  now?: () => number;
}

export interface SplitRunResult {
  /** Wall time on `now`. */
  ms: number;
  /** Partitions run, the coordinator's (the root's own files) included. */
  partitions: number;
  /** Files checked by the largest partition: the part of the run no worker count shortens. */
  largest: number;
  copied: number;
  failed: number;
  deleted: number;
  /** Why the mirror deleted nothing (a failed partition, a guard). */
  aborted?: string;
}

/**
 * One run split across `workers`: the coordinator syncs the root's own files and hands every top-level
 * folder to a queue; workers take partitions from it, each syncing its folder with the engine's
 * defaults (4 transfers, 8 checkers) in `mode` with deletes deferred, and handing folders on past
 * `splitAbove`. Once the queue is drained, a deleting mode deletes every partition's extras in one
 * step — none if any partition failed, and only within the run-wide guards.
 */
export async function splitRun(
  source: Drive,
  target: Drive,
  options: SplitRunOptions,
): Promise<SplitRunResult> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const queue = new WorkStack<{ prefix: string; after?: string }>();
  const parts: RunPart[] = [];
  const result: SplitRunResult = { ms: 0, partitions: 0, largest: 0, copied: 0, failed: 0, deleted: 0 };
  const partition = async ({ prefix, after }: { prefix: string; after?: string }): Promise<void> => {
    const whole = { source: under(source, prefix), target: under(target, prefix) };
    const views =
      options.nameRanges === undefined
        ? whole
        : nameRange(whole, after, options.nameRanges, (last) => queue.push({ prefix, after: last }));
    const synced = await syncDrives(views.source, views.target, {
      ...DEFAULT_SYNC_OPTIONS,
      mode: options.mode,
      deferDeletes: true,
      handOff: (dir, listed) => {
        if (prefix !== "" && listed <= options.splitAbove) return false;
        queue.push({ prefix: joinPath(prefix, dir) });
        return true;
      },
    });
    parts.push({ prefix, deferred: synced.deferred });
    result.partitions++;
    result.largest = Math.max(result.largest, synced.files_checked);
    result.copied += synced.copied;
    result.failed += synced.failed;
  };
  queue.push({ prefix: "" });
  await queue.run(options.workers, partition);
  if (options.mode !== "copy") {
    const deleted = await deleteDeferred(target, parts, {
      transfers: DEFAULT_SYNC_OPTIONS.transfers,
      ...(options.maxDelete ? { maxDelete: options.maxDelete } : {}),
    });
    result.deleted = deleted.deleted;
    result.failed += deleted.failed;
    if (deleted.aborted) result.aborted = deleted.aborted;
  }
  result.ms = now() - started;
  return result;
}
