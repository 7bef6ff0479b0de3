import { ConflictError } from "../../store/errors.ts";
import {
  boundedDeferred,
  isPartitionFinished,
  PARTITION_ERRORS_MAX,
  type PartitionResult,
} from "../../store/partition.ts";
import type { SyncResult } from "../../sync/index.ts";
import type { JobLog } from "../deps.ts";
import type { JobContext, JobOutcome, WorkerDeps } from "../run-sync-job/types.ts";
import { endFannedRun } from "./end-run.ts";

/** A partition of a run, as its message names it. */
export interface PartitionRef {
  readonly task_id: string;
  readonly config_id: string;
  readonly path: string;
}

const prefixed = (prefix: string, path: string) =>
  prefix === "" ? path : path === "" ? prefix : `${prefix}/${path}`;

/** What a partition's sync did, as its item keeps it: counters, first errors (paths from the run's roots). */
export function partitionResultOf(
  path: string,
  result: SyncResult | undefined,
  aborted?: string,
): PartitionResult {
  return {
    copied: result?.copied ?? 0,
    updated: result?.updated ?? 0,
    skipped: result?.skipped ?? 0,
    failed: result?.failed ?? 0,
    bytes_transferred: result?.bytes_transferred ?? 0,
    files_checked: result?.files_checked ?? 0,
    errors: (result?.errors ?? [])
      .slice(0, PARTITION_ERRORS_MAX)
      .map((error) => ({ ...error, path: prefixed(path, error.path) })),
    retryable: result?.retryable ?? false,
    ...((aborted ?? result?.aborted) ? { aborted: aborted ?? result?.aborted } : {}),
  };
}

/**
 * Ends a partition — `done` with its extras when its sync succeeded, else `failed` — then counts it
 * on its run (once, however often this is delivered) and, when it was the last, ends the run. A
 * partition another claim holds (`expectedAttempts` not matching) is left to it.
 */
export async function finishPartition(
  part: PartitionRef,
  outcome: { readonly result?: SyncResult; readonly aborted?: string },
  deps: WorkerDeps,
  context: JobContext,
  log: JobLog,
  expectedAttempts?: number,
): Promise<JobOutcome> {
  const { partitions } = deps.store;
  const done = outcome.result?.status === "SUCCESS" && outcome.aborted === undefined;
  const kept = done && outcome.result?.deferred ? boundedDeferred(outcome.result.deferred) : {};
  try {
    await partitions.finish(
      part.task_id,
      part.path,
      {
        status: done ? "done" : "failed",
        result: partitionResultOf(part.path, outcome.result, outcome.aborted),
        ...kept,
      },
      expectedAttempts,
    );
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    const current = await partitions.get(part.task_id, part.path);
    // Claimed again elsewhere meanwhile: that claim ends it.
    if (!current || !isPartitionFinished(current.status))
      return { task_id: part.task_id, outcome: "duplicate" };
  }
  log(done ? "info" : "warn", "partition finished", {
    path: part.path,
    status: done ? "done" : "failed",
    ...(outcome.aborted ? { reason: outcome.aborted } : {}),
  });
  return countPartition(part, deps, context, log);
}

/**
 * Counts a finished partition on its run (a no-op when it was counted already) and, once none is
 * open, ends the run: the end of a redelivered finish whose worker died before ending it, too.
 */
export async function countPartition(
  part: PartitionRef,
  deps: WorkerDeps,
  context: JobContext,
  log: JobLog,
): Promise<JobOutcome> {
  const { partitions } = deps.store;
  const stored = await partitions.get(part.task_id, part.path);
  const result = stored?.result ?? partitionResultOf(part.path, undefined);
  const counted = await partitions.count(part.task_id, part.path, result);
  if (counted.remaining > 0)
    return { task_id: part.task_id, outcome: counted.counted ? "STARTED" : "duplicate" };
  return endFannedRun(part.task_id, deps, context, log);
}
