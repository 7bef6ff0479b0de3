import { AuthenticationError, isRetryable } from "../../drives/errors.ts";
import type { SyncRunMessage } from "../../queue/message.ts";
import type { Run } from "../../store/run.ts";
import type { JobLog } from "../deps.ts";
import { failRun, outcomeDepsOf } from "./outcome.ts";
import type { WorkerSettings } from "./settings.ts";
import type { JobOutcome, WorkerDeps } from "./types.ts";

/** Backoff before retry `attempt` (1-based): 10 s, 20 s, 40 s … capped at SQS's 15 minutes, with jitter. */
export const retryDelaySeconds = (attempt: number, random: () => number = Math.random): number =>
  Math.min(900, Math.round(10 * 2 ** (attempt - 1) * (0.5 + random() / 2)));

/** Whether a sync that threw after `attempts` attempts goes back to the queue, else the FAILURE code. Pure. */
export function retryDecision(
  error: unknown,
  attempts: number,
  maxAttempts: number,
): { readonly retry: true } | { readonly retry: false; readonly code: string } {
  if (isRetryable(error) && attempts < maxAttempts) return { retry: true };
  if (error instanceof AuthenticationError) return { retry: false, code: "AUTHENTICATION_FAILED" };
  return { retry: false, code: isRetryable(error) ? "RETRIES_EXHAUSTED" : "SYNC_ERROR" };
}

/** A sync threw: mark the run RETRY and send its message again with backoff, or end it as FAILURE. */
export async function retryOrFail(
  run: Run,
  message: SyncRunMessage,
  error: unknown,
  deps: WorkerDeps,
  settings: WorkerSettings,
  log: JobLog,
): Promise<JobOutcome> {
  const text = error instanceof Error ? error.message : String(error);
  const decision = retryDecision(error, run.attempts, settings.maxAttempts);
  if (decision.retry) {
    const delaySeconds = retryDelaySeconds(run.attempts);
    await deps.store.runs.update(run.task_id, {
      status: "RETRY",
      error: { code: "RETRYABLE_ERROR", message: text },
    });
    await deps.queue.send(message, { delaySeconds });
    log("warn", "run will retry", { attempt: run.attempts, delay_seconds: delaySeconds, error: text });
    return { task_id: run.task_id, outcome: "RETRY" };
  }
  log("error", "run failed", { code: decision.code, error: text });
  return failRun(run, { code: decision.code, message: text }, outcomeDepsOf(deps));
}
