/**
 * The simulation behind `bench:fanout` (BENCHMARKS.md, "Beyond one worker"): one run split across N
 * workers in one process, with the engine's own hooks for it — `handOff` (a folder becomes a partition
 * of its own) and `deferDeletes` + `deleteDeferred` (a mirror deletes once, after every partition).
 */
import type { Drive } from "../../lib/drives/drive.ts";
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

const join = (prefix: string, path: string): string =>
  prefix === "" ? path : path === "" ? prefix : `${prefix}/${path}`;

/** The folder `prefix` of `drive` as a drive of its own (one partition's view); `""` is the drive. */
export const under = (drive: Drive, prefix: string): Drive => {
  if (prefix === "") return drive;
  const inner = (path: string) => join(prefix, path);
  const outer = (path: string) => path.slice(prefix.length + 1);
  return {
    ...drive,
    name: `${drive.name}/${prefix}`,
    async *list(dir, options) {
      for await (const entry of drive.list(inner(dir), options)) yield { ...entry, path: outer(entry.path) };
    },
    stat: async (path) => ({ ...(await drive.stat(inner(path))), path }),
    read: (path, options) => drive.read(inner(path), options),
    write: async (path, body, source, options) => ({
      ...(await drive.write(inner(path), body, { ...source, path: inner(path) }, options)),
      path,
    }),
    delete: (path) => drive.delete(inner(path)),
    mkdir: (dir) => drive.mkdir(inner(dir)),
    rmdir: (dir) => drive.rmdir(inner(dir)),
    hash: (path, type) => drive.hash(inner(path), type),
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
  const queue = new WorkStack<string>();
  const parts: RunPart[] = [];
  const result: SplitRunResult = { ms: 0, partitions: 0, largest: 0, copied: 0, failed: 0, deleted: 0 };
  const partition = async (prefix: string): Promise<void> => {
    const synced = await syncDrives(under(source, prefix), under(target, prefix), {
      ...DEFAULT_SYNC_OPTIONS,
      mode: options.mode,
      deferDeletes: true,
      handOff: (dir, listed) => {
        if (prefix !== "" && listed <= options.splitAbove) return false;
        queue.push(join(prefix, dir));
        return true;
      },
    });
    parts.push({ prefix, deferred: synced.deferred });
    result.partitions++;
    result.largest = Math.max(result.largest, synced.files_checked);
    result.copied += synced.copied;
    result.failed += synced.failed;
  };
  queue.push("");
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
