import {
  isPartitionMessage,
  type PartitionMessage,
  type QueueMessage,
  type SyncRunMessage,
} from "../queue/message.ts";
import { ConflictError, NotFoundError } from "../store/errors.ts";
import { newRun } from "../store/run.ts";
import type { RunRepository } from "../store/runs.ts";
import type { JobLog } from "./deps.ts";
import { taskIdOf } from "./run-sync-job/dedupe.ts";
import { failRun, type OutcomeDeps } from "./run-sync-job/outcome.ts";

/** The run error of a message SQS gives up on: it moves to the dead-letter queue after this delivery. */
export const DEAD_LETTERED = "DEAD_LETTERED";

/** What ending a dead-lettered run writes to: a scheduled fire's run may need recording first. */
export type DeadLetterDeps = OutcomeDeps & {
  readonly runs: Pick<RunRepository, "update" | "createScheduled">;
  readonly log?: JobLog | undefined;
  /**
   * Ends a partition of a fanned-out run failed (and the run, when it was the last): the worker's
   * `failPartition` (lib/jobs/fan-out). Without it a dead-lettered `sync.partition` is logged, not marked.
   */
  readonly failPartition?: (
    message: PartitionMessage,
    reason: string,
    options?: { readonly unlessClaimed?: boolean },
  ) => Promise<DeadLetterEnd>;
};

/** How ending a dead-lettered message's run went: ended now, ended before (left as it ended), or no run to end. */
export type DeadLetterEnd = "ended" | "already ended" | "no run";

/**
 * The run of a message SQS gives up on (on its last delivery, or found in the dead-letter queue)
 * ends as FAILURE, DEAD_LETTERED, "gave up after `receives` deliveries: `cause`", unless it has
 * ended already: a run that ended stays as it ended. A scheduled fire no worker ever saw has no run
 * yet: it is recorded first (as the worker would have), so the lost fire shows as a FAILURE too. A
 * manual run that is gone (deleted with its config) has nothing to end. Throws what the store throws
 * otherwise, so the caller can try again.
 */
export async function endDeadLetteredRun(
  message: SyncRunMessage,
  receives: number,
  cause: unknown,
  deps: DeadLetterDeps,
): Promise<DeadLetterEnd> {
  const task_id = taskIdOf(message);
  const reason = cause instanceof Error ? cause.message : String(cause);
  const error = { code: DEAD_LETTERED, message: `gave up after ${receives} deliveries: ${reason}` };
  if (message.trigger === "schedule") {
    const { config_id, scheduled_time } = message;
    const fire = { task_id, config_id, trigger: "schedule", scheduled_time, now: deps.clock() } as const;
    await deps.runs.createScheduled(newRun(fire)); // the run of this fire if one exists already
  }
  try {
    await failRun({ task_id, config_id: message.config_id }, error, deps, {
      expectedStatus: ["PENDING", "STARTED", "RETRY"],
    });
  } catch (failed) {
    if (failed instanceof NotFoundError) return "no run";
    if (failed instanceof ConflictError) return "already ended";
    throw failed;
  }
  deps.log?.("error", "run failed: message dead-lettered", {
    config_id: message.config_id,
    task_id,
    receives,
  });
  return "ended";
}

/**
 * Best effort, never throws: {@link endDeadLetteredRun}, its failure logged. Called by the worker
 * on a message's last delivery when the job threw, and by the sst dev relay when no worker could
 * take the message, so such a run is never left PENDING or STARTED forever.
 */
export async function markDeadLettered(
  message: QueueMessage,
  receives: number,
  cause: unknown,
  deps: DeadLetterDeps,
): Promise<void> {
  if (isPartitionMessage(message)) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    return markPartitionDeadLettered(message, `gave up after ${receives} deliveries: ${reason}`, deps);
  }
  try {
    await endDeadLetteredRun(message, receives, cause, deps);
  } catch (markError) {
    deps.log?.("error", "dead-lettered run not marked failed", {
      task_id: taskIdOf(message),
      error: String(markError),
    });
  }
}

/**
 * A dead-lettered `sync.partition`: its partition ends failed (unless it ended already), so its run
 * deletes nothing and, once its other partitions finish, ends FAILURE. Best effort, never throws.
 */
async function markPartitionDeadLettered(
  message: PartitionMessage,
  reason: string,
  deps: DeadLetterDeps,
): Promise<void> {
  const where = { config_id: message.config_id, task_id: message.task_id, partition: message.path };
  if (!deps.failPartition) {
    deps.log?.("error", "dead-lettered partition not marked failed: nothing here ends partitions", where);
    return;
  }
  try {
    await deps.failPartition(message, `${DEAD_LETTERED}: ${reason}`);
    deps.log?.("error", "partition failed: message dead-lettered", where);
  } catch (markError) {
    deps.log?.("error", "dead-lettered partition not marked failed", { ...where, error: String(markError) });
  }
}
