import { setMaxListeners } from "node:events";
import type { Drive, Entry } from "../drives/drive.ts";
import { DirectoryNotFoundError, isAuthFailure, isRetryable } from "../drives/errors.ts";
import { mapLimit } from "../util/map-limit.ts";
import { CompareUnsupportedError, type ResolvedCompare, resolveCompare } from "./compare.ts";
import { Semaphore, WorkStack } from "./concurrency.ts";
import { CopyError, copyFile } from "./copy-file.ts";
import { deleteExtras } from "./delete-extras.ts";
import { type DirNode, DirTracker, fingerprintOf, type WalkCounts, zeroWalkCounts } from "./dir-tracker.ts";
import { createDirectoryFilter, createPathFilter } from "./filter.ts";
import { deleteGuard } from "./max-delete.ts";
import { planSync } from "./plan.ts";
import { DEFAULT_RETRY, type RetryPolicy, withRetry } from "./retry.ts";
import {
  deletesExtras,
  type SyncAction,
  type SyncCheckpoint,
  type SyncError,
  type SyncItem,
  type SyncOptions,
  type SyncProgress,
  type SyncResult,
} from "./types.ts";

type Transfer = Extract<SyncAction, { kind: "copy" | "update" }>;
type Check = Extract<SyncAction, { kind: "check" }>;
interface WalkItem {
  path: string;
  source: boolean;
  target: boolean;
  parent: DirNode | undefined;
}

const MAX_ERRORS = 100;
const MAX_PLANNED = 10_000;
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Syncs `source` into `target` (see SyncOptions): walks both trees directory by directory with
 * `checkers` listings in flight, streams changed files with `transfers` in flight, and in mirror mode
 * deletes extras last — only when nothing failed and the guards (max-delete, empty source) allow.
 * Stale temporary files of a killed run (Drive.removeStaleTemps) go from each target folder it
 * lists. A dry run writes nothing, on either side.
 * Never throws for file-level failures: they are in `errors`. Throws only for invalid filter patterns.
 * Memory: at most one directory listing (both sides) per checker, the transfers in flight (streamed,
 * never buffered whole), and in mirror mode the paths waiting to be deleted.
 */
export async function syncDrives(source: Drive, target: Drive, options: SyncOptions): Promise<SyncResult> {
  const filter = createPathFilter(options.include, options.exclude);
  let compare: ResolvedCompare;
  try {
    compare = resolveCompare(options.compare, source.features, target.features);
  } catch (error) {
    if (!(error instanceof CompareUnsupportedError)) throw error;
    return {
      ...new SyncRun(source, target, options, filter).result(),
      status: "FAILURE",
      aborted: error.message,
    };
  }
  // Only a resumed run has a checkpoint to check, and its schema brings zod: loaded then, not at
  // every CLI start (7–10 ms of a local `syncron sync`'s ~90 ms start-up, measured with chrt -f).
  const stored =
    options.checkpoint === undefined
      ? undefined
      : (await import("./checkpoint-schema.ts")).readCheckpoint(options.checkpoint);
  return new SyncRun(source, target, options, filter, compare, stored).run();
}

class SyncRun {
  private readonly started = Date.now();
  private readonly stopper = new AbortController();
  /** Aborts in-flight transfers: on stop where writes are atomic, otherwise only at the deadline. */
  private readonly transferAbort = new AbortController();
  private readonly fingerprint: string;
  private readonly directoryFilter: (dir: string) => boolean;
  private readonly caseInsensitive: boolean;
  private readonly tracker: DirTracker;
  private readonly retry: RetryPolicy;
  private readonly slots: Semaphore;
  /** Hash reads in flight across all directories: `checkers`, like rclone's checkers. */
  private readonly hashSlots: Semaphore;
  private readonly inflight = new Set<Promise<void>>();
  private readonly stack = new WorkStack<WalkItem>();
  private readonly deletes: { path: string; size: number }[] = [];
  private readonly extraDirs: string[] = [];
  private readonly planned: SyncAction[] = [];
  private readonly errors: SyncError[] = [];
  private errorCount = 0;
  /** Entries listed by this run (both sides), for `handOff`. */
  private listed = 0;
  /** Errors a retry cannot help (see `isRetryable`). */
  private permanentErrors = 0;
  private aborted: string | undefined;
  private readonly counts = {
    copied: 0,
    updated: 0,
    deleted: 0,
    failed: 0,
    bytes_transferred: 0,
    prior_ms: 0,
  };
  /** Listing counts of the whole run so far (carried ones included), for the result and the guards. */
  private readonly walk: WalkCounts = zeroWalkCounts();
  private readonly progress: SyncProgress = {
    files_done: 0,
    files_planned: 0,
    bytes_done: 0,
    bytes_planned: 0,
  };

  constructor(
    private readonly source: Drive,
    private readonly target: Drive,
    private readonly options: SyncOptions,
    private readonly filter: (path: string) => boolean,
    private readonly compare?: ResolvedCompare,
    stored?: SyncCheckpoint,
  ) {
    this.directoryFilter = createDirectoryFilter(options.exclude);
    this.caseInsensitive = source.features.caseInsensitive || target.features.caseInsensitive;
    this.fingerprint = fingerprintOf(options);
    const checkpoint = stored?.fingerprint === this.fingerprint ? stored : undefined;
    this.tracker = new DirTracker(checkpoint);
    if (checkpoint) {
      const { copied, updated, bytes_transferred, duration_ms } = checkpoint.counters;
      Object.assign(this.counts, { copied, updated, bytes_transferred, prior_ms: duration_ms });
      const { skipped, files_checked, source_files, target_files } = checkpoint.counters;
      Object.assign(this.walk, { skipped, files_checked, source_files, target_files });
    }
    // Every in-flight listing, read and write listens on these signals: no leak, just many.
    setMaxListeners(0, this.stopper.signal, this.transferAbort.signal);
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.slots = new Semaphore(options.transfers);
    this.hashSlots = new Semaphore(options.checkers);
  }

  private get stopped(): boolean {
    return this.stopper.signal.aborted;
  }

  async run(): Promise<SyncResult> {
    // A target without atomic writes could keep half a file: let in-flight transfers finish there.
    const atomic = this.target.features.atomicWrites === true;
    const stop = (): void => {
      this.stopper.abort();
      if (atomic) this.transferAbort.abort();
      this.stack.close();
    };
    const { signal, deadline } = this.options;
    signal?.addEventListener("abort", stop, { once: true });
    const atDeadline = (): void => {
      stop();
      this.transferAbort.abort();
    };
    const timer =
      // setTimeout fires at once past 2^31-1 ms; a deadline that far away is no deadline.
      deadline === undefined || deadline - Date.now() > MAX_TIMER_MS
        ? undefined
        : setTimeout(atDeadline, Math.max(0, deadline - Date.now()));
    if (signal?.aborted) stop();
    if (deadline !== undefined && deadline <= Date.now()) atDeadline();
    try {
      if (!this.tracker.isDone("")) {
        this.stack.push({ path: "", source: true, target: true, parent: undefined });
        await this.stack.run(this.options.checkers, (item) => this.walkDirectory(item));
      }
      while (this.inflight.size > 0) await Promise.all(this.inflight);
      if (deletesExtras(this.options.mode) && !this.stopped && !this.options.deferDeletes)
        await this.deleteExtras();
      this.options.onProgress?.({ ...this.progress });
      return this.result();
    } finally {
      signal?.removeEventListener("abort", stop);
      clearTimeout(timer);
    }
  }

  result(): SyncResult {
    const walk = this.walk;
    const duration_ms = this.counts.prior_ms + Date.now() - this.started;
    const interrupted = this.stopped;
    const result: SyncResult = {
      status: this.errorCount === 0 && !this.aborted && !interrupted ? "SUCCESS" : "FAILURE",
      copied: this.counts.copied,
      updated: this.counts.updated,
      deleted: this.counts.deleted,
      skipped: walk.skipped,
      failed: this.counts.failed,
      bytes_transferred: this.counts.bytes_transferred,
      files_checked: walk.files_checked,
      duration_ms,
      errors: this.errors,
      retryable: this.errorCount > 0 && this.permanentErrors === 0 && !this.aborted && !interrupted,
    };
    if (this.aborted) result.aborted = this.aborted;
    if (interrupted) {
      result.interrupted = true;
      const { copied, updated, bytes_transferred } = this.counts;
      result.checkpoint = this.tracker.snapshot(
        { copied, updated, bytes_transferred, duration_ms },
        this.fingerprint,
      );
    }
    if (this.options.dryRun) result.planned = this.planned;
    if (this.options.deferDeletes && deletesExtras(this.options.mode) && result.status === "SUCCESS") {
      const { source_files, target_files } = walk;
      result.deferred = { files: this.deletes, dirs: this.extraDirs, source_files, target_files };
    }
    return result;
  }

  private async walkDirectory(item: WalkItem): Promise<void> {
    const node = this.tracker.start(item.path, item.parent);
    // An extra target folder is removed at the end of the run that deletes; never skip it on resume.
    if (!item.source) node.clean = false;
    try {
      const [sourceEntries, targetEntries] = await Promise.all([
        item.source ? this.list(this.source, item.path, "source") : [],
        item.target ? this.list(this.target, item.path, "target") : [],
      ]);
      // Leftovers of a killed run, in the folders this run writes (never the source, which a sync only reads).
      if (targetEntries && item.target && !this.options.dryRun)
        await this.target.removeStaleTemps?.(item.path).catch(() => 0);
      if (!sourceEntries || !targetEntries) {
        node.clean = false;
        return;
      }
      if (item.parent && item.source && (await this.handedOff(item.path, node))) return;
      const actions = planSync(sourceEntries, targetEntries, {
        mode: this.options.mode,
        ...(this.compare ?? { compare: "size", modTimeWindowMs: Number.POSITIVE_INFINITY }),
        filter: this.filter,
        directoryFilter: this.directoryFilter,
        caseInsensitive: this.caseInsensitive,
      });
      const checks: Check[] = [];
      for (const action of actions) {
        switch (action.kind) {
          case "skip":
            this.count(node, "files_checked", "source_files", "target_files", "skipped");
            await this.item(action.path, "skip", action.size, "done");
            break;
          case "copy":
            this.count(node, "files_checked", "source_files");
            await this.enqueue(action, node);
            break;
          case "update":
            this.count(node, "files_checked", "source_files", "target_files");
            await this.enqueue(action, node);
            break;
          case "check":
            this.count(node, "files_checked", "source_files", "target_files");
            checks.push(action);
            break;
          case "delete":
            this.count(node, "target_files");
            node.clean = false;
            this.deletes.push(action);
            this.plan(action);
            break;
          case "descend":
            if (this.tracker.isDone(action.path)) this.tracker.skipDone(node, action.path);
            else {
              if (!action.source) this.extraDirs.push(action.path);
              node.pendingChildren++;
              this.stack.push({
                path: action.path,
                source: action.source,
                target: action.target,
                parent: node,
              });
            }
            break;
          case "conflict":
            node.clean = false;
            this.fail(action.path, "compare", action.message, undefined);
            break;
        }
      }
      await mapLimit(checks, this.options.checkers, (check) => this.check(check, node));
    } finally {
      node.listed = true;
      this.tracker.settle(node);
    }
  }

  /** Whether `handOff` took the folder over; a hand-over that failed is the folder's error (not walked). */
  private async handedOff(dir: string, node: DirNode): Promise<boolean> {
    if (!this.options.handOff) return false;
    try {
      return await this.options.handOff(dir, this.listed);
    } catch (error) {
      node.clean = false;
      this.fail(dir, "list", `cannot hand ${dir} over to another worker: ${messageOf(error)}`, error, false);
      return true;
    }
  }

  private count(node: DirNode, ...keys: (keyof WalkCounts)[]): void {
    for (const key of keys) {
      node.own[key]++;
      this.walk[key]++;
    }
  }

  /** Lists one directory fully; undefined when it failed (recorded) or the run stopped. */
  private async list(drive: Drive, dir: string, side: "source" | "target"): Promise<Entry[] | undefined> {
    const signal = this.stopper.signal;
    try {
      return await withRetry(
        async () => {
          const entries: Entry[] = [];
          for await (const entry of drive.list(dir, { signal })) entries.push(entry);
          this.listed += entries.length;
          return entries;
        },
        this.retry,
        signal,
      );
    } catch (error) {
      if (side === "target" && error instanceof DirectoryNotFoundError) return [];
      if (!this.stopped)
        this.fail(
          dir || "/",
          "list",
          `cannot list the ${side} ${drive.name}${dir === "" ? "" : ` at ${dir}`}: ${messageOf(error)}`,
          error,
          false,
        );
      return undefined;
    }
  }

  private async check(check: Check, node: DirNode): Promise<void> {
    if (this.stopped) {
      node.clean = false;
      return;
    }
    try {
      await this.hashSlots.acquire();
      const [a, b] = await withRetry(
        () =>
          Promise.all([
            this.source.hash(check.path, check.hash),
            // The target's own spelling: it may be the same name in another Unicode form or case.
            this.target.hash(check.target.path, check.hash),
          ]),
        this.retry,
        this.stopper.signal,
      ).finally(() => this.hashSlots.release());
      if (a === b) {
        this.count(node, "skipped");
        await this.item(check.path, "skip", check.source.size, "done");
      } else {
        const { source } = check;
        const update: Transfer = { kind: "update", path: source.path, size: source.size, reason: "hash" };
        if (source.modTime !== undefined) update.modTime = source.modTime;
        if (source.hashes !== undefined) update.hashes = source.hashes;
        await this.enqueue(update, node);
      }
    } catch (error) {
      node.clean = false;
      if (!this.stopped) this.fail(check.path, "compare", messageOf(error), error);
    }
  }

  /** Starts a transfer once a slot is free (so listing never runs far ahead of the transfers). */
  private async enqueue(action: Transfer, node: DirNode): Promise<void> {
    this.progress.files_planned++;
    this.progress.bytes_planned += action.size;
    if (this.options.dryRun) {
      this.counts[action.kind === "copy" ? "copied" : "updated"]++;
      this.plan(action);
      await this.item(action.path, action.kind, action.size, "planned");
      return;
    }
    node.pendingFiles++;
    await this.slots.acquire();
    const done = this.transfer(action, node).finally(() => {
      this.slots.release();
      this.inflight.delete(done);
      node.pendingFiles--;
      this.tracker.settle(node);
    });
    this.inflight.add(done);
  }

  private async transfer(action: Transfer, node: DirNode): Promise<void> {
    if (this.stopped) {
      node.clean = false;
      return;
    }
    // With a listener, bytes are reported as they stream (a big file shows progress, and keeps a
    // worker's lease fresh); `streamed` is what this file has added to bytes_done so far.
    let streamed = 0;
    const report = this.options.onProgress;
    const onBytes = report
      ? (delta: number) => {
          streamed += delta;
          this.progress.bytes_done += delta;
          report({ ...this.progress });
        }
      : undefined;
    try {
      await copyFile(
        this.source,
        this.target,
        action,
        this.retry,
        { abort: this.transferAbort.signal, stop: this.stopper.signal },
        onBytes,
      );
      this.counts[action.kind === "copy" ? "copied" : "updated"]++;
      this.counts.bytes_transferred += action.size;
      this.progress.bytes_done += action.size - streamed;
      await this.item(action.path, action.kind, action.size, "done");
    } catch (error) {
      this.progress.bytes_done -= streamed;
      node.clean = false;
      if (this.stopped) return;
      this.fail(action.path, error instanceof CopyError ? error.op : "write", messageOf(error), error);
      await this.item(action.path, action.kind, action.size, "failed", messageOf(error));
    }
    this.progress.files_done++;
    this.options.onProgress?.({ ...this.progress });
  }

  private async deleteExtras(): Promise<void> {
    const deletes = this.deletes;
    if (deletes.length === 0 || this.errorCount > 0) return;
    this.aborted = deleteGuard(deletes.length, this.walk, this.options.maxDelete);
    if (this.aborted) return;
    if (this.options.dryRun) {
      this.counts.deleted = deletes.length;
      for (const { path, size } of deletes) await this.item(path, "delete", size, "planned");
      return;
    }
    await deleteExtras(
      this.target,
      { files: deletes, dirs: this.extraDirs },
      {
        transfers: this.options.transfers,
        retry: this.retry,
        signal: this.stopper.signal,
        removeDirs: this.target.features.keepsEmptyDirectories,
        onDeleted: async (path, size) => {
          this.counts.deleted++;
          await this.item(path, "delete", size, "done");
        },
        onFailed: async (path, size, error) => {
          this.fail(path, "delete", messageOf(error), error);
          await this.item(path, "delete", size, "failed", messageOf(error));
        },
      },
    );
  }

  private item(
    path: string,
    op: SyncItem["op"],
    size: number,
    status: SyncItem["status"],
    error?: string,
  ): void {
    this.options.onItem?.(
      error === undefined ? { path, op, size, status } : { path, op, size, status, error },
    );
  }

  private plan(action: SyncAction): void {
    if (this.options.dryRun && this.planned.length < MAX_PLANNED) this.planned.push(action);
  }

  /** Records an error; `cause` (the drive's error, if any) says whether a later attempt may succeed. */
  private fail(
    path: string,
    op: SyncError["op"],
    message: string,
    cause: unknown,
    countsAsFile = true,
  ): void {
    if (countsAsFile) this.counts.failed++;
    this.errorCount++;
    if (cause === undefined || !isRetryable(cause)) this.permanentErrors++;
    if (this.errors.length < MAX_ERRORS) {
      this.errors.push(
        isAuthFailure(cause) ? { path, op, message, code: "AUTH_FAILED" } : { path, op, message },
      );
    }
  }
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
