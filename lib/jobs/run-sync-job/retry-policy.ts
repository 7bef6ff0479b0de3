import { isAuthFailure, isRetryable } from "../../drives/errors.ts";
import { LocalPathRefusedError } from "../../drives/local-roots.ts";
import type { SyncRunMessage } from "../../queue/message.ts";
import type { Run } from "../../store/run.ts";
import type { SyncResult } from "../../sync/index.ts";
import type { JobLog } from "../deps.ts";
import { errorOfResult, failRun, finishRun, outcomeDepsOf, summaryOf, WHILE_STARTED } from "./outcome.ts";
import type { WorkerSettings } from "./settings.ts";
import type { JobOutcome, WorkerDeps } from "./types.ts";

/** Backoff before retry `attempt` (1-based): 10 s, 20 s, 40 s … capped at SQS's 15 minutes, with jitter. */
export const retryDelaySeconds = (attempt: number, random: () => number = Math.random): number =>
  Math.min(900, Math.round(10 * 2 ** (attempt - 1) * (0.5 + random() / 2)));

/** How one attempt of a sync failed: it threw, or it ran and some of its files or listings failed. */
export type AttemptFailure = { readonly thrown: unknown } | { readonly result: SyncResult };

const retryableFailure = (failure: AttemptFailure): boolean =>
  "thrown" in failure ? isRetryable(failure.thrown) : failure.result.retryable;

const messageOf = (failure: AttemptFailure): string => {
  if ("result" in failure) return errorOfResult(failure.result)?.message ?? "the sync failed";
  const { thrown } = failure;
  return thrown instanceof Error ? thrown.message : String(thrown);
};

/**
 * Whether a failed attempt goes back to the queue, else the FAILURE code. Transient faults (see
 * `isRetryable`; for a sync result, every error transient) retry until `maxAttempts`. Pure.
 */
function retryDecision(
  failure: AttemptFailure,
  attempts: number,
  maxAttempts: number,
): { readonly retry: true } | { readonly retry: false; readonly code: string } {
  const retryable = retryableFailure(failure);
  if (retryable && attempts < maxAttempts) return { retry: true };
  if (retryable) return { retry: false, code: "RETRIES_EXHAUSTED" };
  if ("result" in failure)
    return { retry: false, code: errorOfResult(failure.result)?.code ?? "SYNC_FAILED" };
  if (isAuthFailure(failure.thrown)) return { retry: false, code: "AUTH_FAILED" };
  if (failure.thrown instanceof LocalPathRefusedError) return { retry: false, code: "LOCATION_REFUSED" };
  return { retry: false, code: "SYNC_ERROR" };
}

/**
 * An attempt failed: mark the run RETRY and send its message again with backoff, or end it as
 * FAILURE (with the sync's result, when it ran).
 */
export async function retryOrFail(
  run: Run,
  message: SyncRunMessage,
  failure: AttemptFailure,
  deps: WorkerDeps,
  settings: WorkerSettings,
  log: JobLog,
): Promise<JobOutcome> {
  const text = messageOf(failure);
  const decision = retryDecision(failure, run.attempts, settings.maxAttempts);
  const figures = "result" in failure ? summaryOf(failure.result) : {};
  if (decision.retry) {
    const delaySeconds = retryDelaySeconds(run.attempts);
    await deps.store.runs.update(
      run.task_id,
      { status: "RETRY", error: { code: "RETRYABLE_ERROR", message: text } },
      WHILE_STARTED,
    );
    await deps.queue.send(message, { delaySeconds });
    log("warn", "run will retry", {
      attempt: run.attempts,
      delay_seconds: delaySeconds,
      error: text,
      ...figures,
    });
    return { task_id: run.task_id, outcome: "RETRY" };
  }
  log("error", "run failed", { code: decision.code, error: text, ...figures });
  const error = { code: decision.code, message: text };
  return "result" in failure
    ? finishRun(run, "FAILURE", { result: failure.result, error }, outcomeDepsOf(deps), WHILE_STARTED)
    : failRun(run, error, outcomeDepsOf(deps), WHILE_STARTED);
}
