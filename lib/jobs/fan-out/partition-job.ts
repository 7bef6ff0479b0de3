import { type PartitionMessage, partitionMessage } from "../../queue/message.ts";
import { ConflictError } from "../../store/errors.ts";
import { isPartitionFinished, type Partition } from "../../store/partition.ts";
import { isFinished } from "../../store/run.ts";
import type { JobLog } from "../deps.ts";
import { configsOf, guardRun } from "../run-sync-job/guards.ts";
import { leaseOf } from "../run-sync-job/lease.ts";
import { retryDelaySeconds } from "../run-sync-job/retry-policy.ts";
import { type WorkerSettings, workerSettings } from "../run-sync-job/settings.ts";
import { syncWithHeartbeat } from "../run-sync-job/sync-with-heartbeat.ts";
import type { JobContext, JobOutcome, WorkerDeps } from "../run-sync-job/types.ts";
import { countPartition, finishPartition } from "./finish-partition.ts";
import { handOverPast } from "./hand-over.ts";

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Runs one `sync.partition` message: one folder of a fanned-out run, synced with its deletes deferred.
 * - a partition that finished already is counted (once) and nothing else happens: a duplicate;
 * - a started one is another delivery's while its claim lasts (unless this is its continuation);
 * - a run ended or cancelled meanwhile ends the partition failed, unsynced;
 * - it claims the partition (pending or started → started at attempts + 1), syncs its folder with
 *   the run's heartbeat (progress, lease, cancel), hands folders over past SYNCRON_FANOUT_ENTRIES,
 *   checkpoints and continues itself near the deadline, gives itself back for a retry after transient
 *   faults (up to maxAttempts), and else ends `done` or `failed`: the last partition ends the run.
 * Store or queue failures throw, so the message returns to the queue (and, at last, its DLQ).
 */
export async function runPartitionJob(
  message: PartitionMessage,
  deps: WorkerDeps,
  context: JobContext,
  overrides: Partial<WorkerSettings> = {},
): Promise<JobOutcome> {
  const settings = workerSettings(overrides);
  const { partitions, runs } = deps.store;
  const { task_id, path } = message;
  const ref = { task_id, config_id: message.config_id, path };
  const log: JobLog = (level, text, data = {}) =>
    deps.log?.(level, text, { config_id: message.config_id, task_id, partition: path, ...data });
  const duplicate: JobOutcome = { task_id, outcome: "duplicate" };
  const [run, part] = await Promise.all([runs.get(task_id), partitions.get(task_id, path)]);
  if (!run || !part) {
    log("warn", "partition message dropped: no such run or partition");
    return duplicate;
  }
  if (isPartitionFinished(part.status)) return countPartition(ref, deps, context, log);
  if (
    part.status === "started" &&
    message.attempts !== part.attempts &&
    (part.claimed_until ?? 0) > Date.now()
  )
    return duplicate;
  if (isFinished(run.status) || run.cancel_requested_at !== null) {
    const aborted = isFinished(run.status) ? `the run ended ${run.status} first` : "cancelled on request";
    return finishPartition(ref, { aborted }, deps, context, log);
  }

  let claimed: Partition;
  try {
    claimed = await partitions.claim(
      task_id,
      path,
      { status: part.status, attempts: part.attempts },
      Date.now() + context.remainingTimeMs(),
    );
  } catch (error) {
    if (error instanceof ConflictError) return duplicate;
    throw error;
  }
  const afterClaim = async (): Promise<JobOutcome> => {
    const finish = (outcome: Parameters<typeof finishPartition>[1]) =>
      finishPartition(ref, outcome, deps, context, log, claimed.attempts);
    const guarded = await guardRun(
      configsOf(run, deps.store.configs),
      run.config_id,
      deps.clock(),
      deps.resolveLocation,
      run.started_as,
      deps.store.drives,
    );
    if ("refusal" in guarded)
      return finish({ aborted: `${guarded.refusal.code}: ${guarded.refusal.message}` });
    log("info", "partition started", { attempt: claimed.attempts });

    let synced: Awaited<ReturnType<typeof syncWithHeartbeat>>;
    try {
      synced = await syncWithHeartbeat(guarded, run, deps, context, settings, log, {
        path,
        checkpoint: claimed.checkpoint,
        handOff: handOverPast(settings.fanoutEntries, run, path, deps),
      });
    } catch (error) {
      log("error", "partition failed", { error: messageOf(error) });
      return finish({ aborted: `the sync failed: ${messageOf(error)}` });
    }
    const { result, cancelled } = synced;
    if (cancelled) return finish({ result, aborted: "cancelled on request" });
    if (result.interrupted) {
      await partitions.saveCheckpoint(task_id, path, claimed.attempts, result.checkpoint ?? null);
      await deps.store.leases.renew(run.config_id, leaseOf(run, settings));
      await deps.queue.send(partitionMessage({ ...ref, attempts: claimed.attempts }));
      log("info", "partition checkpointed, continuation sent", { files_checked: result.files_checked });
      return { task_id, outcome: "STARTED" };
    }
    if (result.status === "FAILURE" && result.retryable && claimed.attempts < settings.maxAttempts) {
      const delaySeconds = retryDelaySeconds(claimed.attempts);
      await partitions.release(task_id, path, claimed.attempts);
      await deps.queue.send(partitionMessage(ref), { delaySeconds });
      log("warn", "partition will retry", { attempt: claimed.attempts, delay_seconds: delaySeconds });
      return { task_id, outcome: "STARTED" };
    }
    return finish({ result });
  };
  // A store or queue failure from here on: the claim is given back, so the message's redelivery
  // finds the partition takeable (not claimed until this invocation's end) and resumes it.
  try {
    return await afterClaim();
  } catch (error) {
    await partitions.release(task_id, path, claimed.attempts).catch(() => undefined);
    throw error;
  }
}
