import { ConflictError } from "../store/errors.ts";
import { isFinished, isRetryableStatus, RETRYABLE_STATUSES, type Run } from "../store/run.ts";
import type { JobDeps } from "./deps.ts";
import { busyWith, enqueueRun, type QueuedRun } from "./enqueue-run.ts";
import { RunStateError } from "./errors.ts";
import { requireRun } from "./ports.ts";
import { finishRun } from "./run-sync-job/outcome.ts";

/**
 * Runs the config of a failed or cancelled run again: a new manual run with `retry_of` set to it.
 * Throws NotFoundError, RunStateError (RUN_NOT_RETRYABLE) for a run in another state, and what
 * `enqueueRun` throws (the config busy, disabled, ended or gone).
 */
export async function retryRun(taskId: string, deps: JobDeps): Promise<QueuedRun> {
  const run = await requireRun(deps.runs, taskId);
  if (!isRetryableStatus(run.status)) {
    throw new RunStateError(
      "RUN_NOT_RETRYABLE",
      taskId,
      run.status,
      `run ${taskId} is ${run.status}; only a ${RETRYABLE_STATUSES.join(" or ")} run can be retried`,
    );
  }
  return enqueueRun(run.config_id, deps, { retryOf: run.task_id });
}

/** What a cancel did: the run is CANCELLED now, or its worker was asked to stop it at its next file boundary. */
export interface CancelOutcome {
  readonly run: Run;
  readonly cancelled: boolean;
}

/** Writes that lose to a worker's transition are looked at again this many times. */
const CANCEL_TRIES = 3;

/**
 * Cancels a run. One not yet running (PENDING, RETRY), or STARTED with no live worker (its lease
 * lapsed), ends CANCELLED here, so its message is dropped when it arrives. A STARTED run whose
 * worker holds the lease gets `cancel_requested_at`: the worker reads it with its next heartbeat,
 * stops at the next file boundary, deletes nothing, and ends it CANCELLED. A CANCELLED run answers
 * as it is. Throws NotFoundError, RunStateError (RUN_FINISHED) for SUCCESS, FAILURE or SKIPPED.
 */
export async function cancelRun(taskId: string, deps: JobDeps): Promise<CancelOutcome> {
  for (let tries = 1; ; tries++) {
    const run = await requireRun(deps.runs, taskId);
    if (run.status === "CANCELLED") return { run, cancelled: true };
    if (isFinished(run.status)) {
      throw new RunStateError(
        "RUN_FINISHED",
        taskId,
        run.status,
        `run ${taskId} already finished as ${run.status}; only a PENDING, STARTED or RETRY run can be cancelled`,
      );
    }
    try {
      if (run.status === "STARTED" && (await busyWith(run.config_id, deps)) === taskId) {
        const asked = await deps.runs.update(
          taskId,
          { cancel_requested_at: run.cancel_requested_at ?? deps.clock().toISOString() },
          { expectedStatus: "STARTED" },
        );
        deps.log?.("info", "run cancel requested", { config_id: run.config_id, task_id: taskId });
        return { run: asked, cancelled: false };
      }
      const error = { code: "CANCELLED", message: `cancelled on request while ${run.status}` };
      await finishRun(run, "CANCELLED", { error }, deps, { expectedStatus: run.status });
      deps.log?.("info", "run cancelled", { config_id: run.config_id, task_id: taskId, was: run.status });
      return { run: await requireRun(deps.runs, taskId), cancelled: true };
    } catch (error) {
      // A worker moved the run meanwhile (claimed, finished): decide again on what it is now.
      if (!(error instanceof ConflictError) || tries >= CANCEL_TRIES) throw error;
    }
  }
}
