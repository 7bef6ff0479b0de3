import { type SyncRunMessage, taskMessage } from "../../queue/message.ts";
import { ConflictError } from "../../store/errors.ts";
import { isFinished, type Run, type RunError } from "../../store/run.ts";
import type { SyncResult } from "../../sync/index.ts";
import type { JobLog } from "../deps.ts";
import { coordinate, fansOut, resumeFannedRun } from "../fan-out/fan-out.ts";
import { claimRun, taskIdOf } from "./dedupe.ts";
import { configsOf, guardRun } from "./guards.ts";
import { leaseOf, releaseLease, settle, takeLease } from "./lease.ts";
import {
  errorOfResult,
  failRun,
  finishRun,
  outcomeDepsOf,
  progressOf,
  summaryOf,
  unlessEndedElsewhere,
  WHILE_STARTED,
} from "./outcome.ts";
import { retryOrFail } from "./retry-policy.ts";
import { type WorkerSettings, workerSettings } from "./settings.ts";
import { syncWithHeartbeat } from "./sync-with-heartbeat.ts";
import type { JobContext, JobOutcome, WorkerDeps } from "./types.ts";

/**
 * Runs one `sync.run` message to its end, or to its next step:
 * - a duplicate delivery of a fire (or of a finished run) changes nothing;
 * - a deleted or disabled config, or refused credentials, end the run as FAILURE with the reason;
 * - a fire that finds the config's lease held is recorded as SKIPPED;
 * - a retryable failure marks the run RETRY and sends the message again with backoff, up to `maxAttempts`;
 * - a sync that reaches the invocation's deadline checkpoints and sends a continuation for the same task;
 * - a run whose cancel was requested stops at its next file boundary (seen by the heartbeat, or by
 *   the continuation's claim), deletes nothing, and ends CANCELLED.
 * Store or queue failures throw, so the message returns to the queue (and, in the end, its DLQ).
 */
export async function runSyncJob(
  message: SyncRunMessage,
  deps: WorkerDeps,
  context: JobContext,
  overrides: Partial<WorkerSettings> = {},
): Promise<JobOutcome> {
  const settings = workerSettings(overrides);
  const run = await claimRun(message, deps);
  if (!run) return { task_id: taskIdOf(message), outcome: "duplicate" };
  const log: JobLog = (level, text, data = {}) =>
    deps.log?.(level, text, {
      config_id: run.config_id,
      task_id: run.task_id,
      trigger: message.trigger,
      ...data,
    });
  // A continuation or retry holds the config's lease: a refused run must free it on its way out.
  const release = () => releaseLease(run, deps, log);
  const owned = (record: () => Promise<JobOutcome>): Promise<JobOutcome> =>
    unlessEndedElsewhere(deps.store.runs, run.task_id, record, (status) =>
      log("warn", "run ended elsewhere meanwhile; this attempt's outcome is not recorded", { status }),
    );
  const cancelled = (stopped?: SyncResult) => {
    // What it did stays in `result`; it never continues, so no checkpoint.
    const { checkpoint: _, interrupted: __, ...result } = stopped ?? ({} as Partial<SyncResult>);
    log("info", "run cancelled", stopped ? summaryOf(stopped) : {});
    const error = { code: "CANCELLED", message: "cancelled on request; stopped at a file boundary" };
    return settle(
      () =>
        owned(() =>
          finishRun(
            run,
            "CANCELLED",
            { ...(stopped ? { result: result as SyncResult } : {}), error },
            outcomeDepsOf(deps),
            WHILE_STARTED,
          ),
        ),
      release,
    );
  };
  // Fanned out already: its partitions carry it on.
  if (run.remaining !== undefined) return resumeFannedRun(run, message, deps, context, log);
  // Cancelled between two invocations: the continuation ends it instead of going on.
  if (run.status === "STARTED" && run.cancel_requested_at !== null) return cancelled();

  const configs = configsOf(run, deps.store.configs);
  const guarded = await guardRun(
    configs,
    run.config_id,
    deps.clock(),
    deps.resolveLocation,
    run.started_as,
    deps.store.drives,
  );
  if ("refusal" in guarded) {
    const error: RunError = guarded.refusal;
    log(
      error.code === "LOCATIONS_OVERLAP" || error.code === "TARGET_SHARED" ? "error" : "warn",
      "run refused",
      {
        code: error.code,
        error: error.message,
      },
    );
    return settle(() => failRun(run, error, outcomeDepsOf(deps)), release);
  }

  const holder = await takeLease(run, deps, settings);
  if (holder !== undefined) {
    log("warn", "run skipped: config busy", { holder });
    const error = {
      code: "CONFIG_BUSY",
      message: `sync config ${run.config_id} was already running (task ${holder})`,
    };
    return finishRun(run, "SKIPPED", { error }, outcomeDepsOf(deps));
  }

  // The claim: of deliveries that read the run alike (status and attempts), exactly one writes this.
  let started: Run;
  try {
    started = await deps.store.runs.update(
      run.task_id,
      {
        status: "STARTED",
        started_at: run.started_at ?? deps.clock().toISOString(),
        attempts: run.attempts + 1,
        error: null,
        started_as: guarded.identity,
      },
      { expectedStatus: run.status, expectedAttempts: run.attempts },
    );
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    // The other delivery has it. If that one has finished already, the lease just taken here is stray.
    const current = await deps.store.runs.get(run.task_id);
    if (!current || isFinished(current.status)) await release();
    return { task_id: run.task_id, outcome: "duplicate" };
  }
  log("info", "run started", { attempt: started.attempts });
  if (fansOut(started, settings)) return coordinate(started, deps, settings, log);

  let result: SyncResult;
  try {
    const synced = await syncWithHeartbeat(guarded, started, deps, context, settings, log);
    result = synced.result;
    if (synced.cancelled) return cancelled(result);
    if (result.interrupted) {
      await deps.store.runs.update(
        run.task_id,
        { checkpoint: result.checkpoint ?? null, progress: progressOf(result) },
        WHILE_STARTED,
      );
      await deps.store.leases.renew(run.config_id, leaseOf(run, settings));
      await deps.queue.send(
        taskMessage("continuation", {
          config_id: run.config_id,
          task_id: run.task_id,
          attempts: started.attempts,
        }),
      );
      log("info", "run checkpointed, continuation sent", { files_checked: result.files_checked });
      return { task_id: run.task_id, outcome: "STARTED" };
    }
  } catch (error) {
    return settle(
      () => owned(() => retryOrFail(started, message, { thrown: error }, deps, settings, log)),
      release,
    );
  }
  if (result.status === "FAILURE" && !result.aborted) {
    // Files or listings failed: transient faults (503, refused connections) retry, permanent ones end it.
    return settle(() => owned(() => retryOrFail(started, message, { result }, deps, settings, log)), release);
  }
  const failure = errorOfResult(result);
  // An ERROR line says why, not only the counts (a max-delete abort, an empty source).
  const reason = failure ? { code: failure.code, error: failure.message } : {};
  log(result.status === "SUCCESS" ? "info" : "error", "run finished", { ...summaryOf(result), ...reason });
  return settle(
    () =>
      owned(() =>
        finishRun(started, result.status, { result, error: failure }, outcomeDepsOf(deps), WHILE_STARTED),
      ),
    release,
  );
}
