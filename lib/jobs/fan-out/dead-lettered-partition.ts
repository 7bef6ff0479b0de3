import type { PartitionMessage } from "../../queue/message.ts";
import { isPartitionFinished } from "../../store/partition.ts";
import type { DeadLetterEnd } from "../dead-lettered.ts";
import type { JobLog } from "../deps.ts";
import type { JobContext, WorkerDeps } from "../run-sync-job/types.ts";
import { countPartition, finishPartition } from "./finish-partition.ts";

/** A dead-lettered partition a worker may still be on (its claim lasts): it is looked at again later. */
export class PartitionStillClaimedError extends Error {
  override name = "PartitionStillClaimedError";
}

/**
 * The `failPartition` of the dead-letter paths: the partition of a message SQS gave up on ends failed
 * with `reason` (so its run deletes nothing and ends FAILURE once its other partitions finish; the
 * run ends now when it was the last). A partition that ended stays as it ended (counted, in case its
 * worker died before), a missing one has nothing to end. With `unlessClaimed` (the dead-letter queue's
 * consumer, which runs apart from the worker) a started partition whose claim lasts throws
 * PartitionStillClaimedError instead: a worker may still be on it.
 */
export async function failDeadLetteredPartition(
  message: PartitionMessage,
  reason: string,
  deps: WorkerDeps,
  context: JobContext,
  options: { readonly unlessClaimed?: boolean } = {},
): Promise<DeadLetterEnd> {
  const { task_id, path } = message;
  const log: JobLog = (level, text, data = {}) =>
    deps.log?.(level, text, { config_id: message.config_id, task_id, partition: path, ...data });
  const part = await deps.store.partitions.get(task_id, path);
  if (!part) return "no run";
  if (isPartitionFinished(part.status)) {
    await countPartition(message, deps, context, log);
    return "already ended";
  }
  if (options.unlessClaimed && part.status === "started" && (part.claimed_until ?? 0) > Date.now())
    throw new PartitionStillClaimedError(
      `partition ${JSON.stringify(path)} of run ${task_id} is still claimed`,
    );
  await finishPartition(message, { aborted: reason }, deps, context, log);
  return "ended";
}
