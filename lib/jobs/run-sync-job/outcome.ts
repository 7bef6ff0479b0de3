import type { ConfigRepository } from "../../store/configs.ts";
import { ConflictError } from "../../store/errors.ts";
import { isFinished, RUN_RESULT_MAX_BYTES, type RunError, type RunStatus } from "../../store/run.ts";
import type { RunRepository } from "../../store/runs.ts";
import type { SyncProgress, SyncResult } from "../../sync/index.ts";
import type { FinishedRun, JobOutcome, WorkerDeps } from "./types.ts";

/** What ending a run writes to: the run, its config's `last_run`, and the finished-run hook (metrics). */
export interface OutcomeDeps {
  readonly runs: Pick<RunRepository, "update">;
  readonly configs: Pick<ConfigRepository, "setLastRun">;
  readonly clock: () => Date;
  readonly onRunFinished?: (run: FinishedRun) => void;
}

export const outcomeDepsOf = (deps: WorkerDeps): OutcomeDeps => ({
  runs: deps.store.runs,
  configs: deps.store.configs,
  clock: deps.clock,
  ...(deps.onRunFinished ? { onRunFinished: deps.onRunFinished } : {}),
});

/** An attempt's writes land only while the run is still the attempt's: STARTED, not ended elsewhere meanwhile. */
export const WHILE_STARTED = { expectedStatus: "STARTED" } as const;

/**
 * Records an attempt's outcome unless the run ended elsewhere meanwhile (cancelled by the API after
 * the lease lapsed, while this worker was stalled): a write conditional on STARTED that loses to a
 * finished run leaves that end as it is, never overwritten, and resolves its status (`onEnded` told).
 */
export async function unlessEndedElsewhere(
  runs: Pick<RunRepository, "get">,
  taskId: string,
  record: () => Promise<JobOutcome>,
  onEnded?: (status: RunStatus) => void,
): Promise<JobOutcome> {
  try {
    return await record();
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    const current = await runs.get(taskId);
    if (!current || !isFinished(current.status)) throw error;
    onEnded?.(current.status);
    return { task_id: taskId, outcome: current.status };
  }
}

/** The run a final state is written to. */
export interface RunRef {
  readonly task_id: string;
  readonly config_id: string;
}

/**
 * Ends a run: its final status, `finished_at`, error and result on the run (checkpoint cleared),
 * then the config's `last_run`, then `onRunFinished`. With `expectedStatus` the run is ended only
 * while in those states. Throws what the store throws (NotFoundError, ConflictError, …); nothing
 * after the run's write happens when it fails.
 */
export async function finishRun(
  run: RunRef,
  status: FinishedRun["status"],
  outcome: { result?: SyncResult; error?: RunError | null },
  deps: OutcomeDeps,
  options: { expectedStatus?: RunStatus | readonly RunStatus[] } = {},
): Promise<JobOutcome> {
  const finished_at = deps.clock().toISOString();
  const ended = await deps.runs.update(
    run.task_id,
    {
      status,
      finished_at,
      error: outcome.error ?? null,
      checkpoint: null,
      ...(outcome.result
        ? {
            result: boundedResult(outcome.result),
            progress: progressOf(outcome.result),
          }
        : {}),
    },
    options,
  );
  await deps.configs.setLastRun(run.config_id, { task_id: run.task_id, status, finished_at });
  deps.onRunFinished?.({
    config_id: run.config_id,
    task_id: run.task_id,
    trigger: ended.trigger,
    status,
    ...(outcome.result ? { result: outcome.result } : {}),
  });
  return { task_id: run.task_id, outcome: status };
}

/**
 * The one way a run ends as FAILURE (refused, failed, retries exhausted, dead-lettered, never
 * queued): the run, the config's `last_run` and the failure metric all say so.
 */
export const failRun = (
  run: RunRef,
  error: RunError,
  deps: OutcomeDeps,
  options: { expectedStatus?: RunStatus | readonly RunStatus[] } = {},
): Promise<JobOutcome> => finishRun(run, "FAILURE", { error }, deps, options);

const bytesOf = (value: unknown): number => Buffer.byteLength(JSON.stringify(value));
const clip = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max)}…` : text);

/**
 * The result as stored on the run, within RUN_RESULT_MAX_BYTES (a run with many long errors, or a
 * dry run's 10,000 planned actions, exceeded DynamoDB's 400 KB item and could never be recorded):
 * error paths and messages are clipped, then planned actions and errors dropped from the end as
 * needed, each drop counted (`planned_omitted`, `errors_omitted`). The counts are always whole.
 */
export function boundedResult(result: SyncResult, maxBytes = RUN_RESULT_MAX_BYTES): Record<string, unknown> {
  const errors = result.errors.map((e) => ({
    ...e,
    path: clip(e.path, 1024),
    message: clip(e.message, 2048),
  }));
  const bounded: Record<string, unknown> = { ...result, errors };
  const shrink = (key: "planned" | "errors", omittedKey: string) => {
    const list = bounded[key] as unknown[] | undefined;
    if (!list || bytesOf(bounded) <= maxBytes) return;
    // Keep the longest prefix that fits, found by halving.
    let [lo, hi] = [0, list.length];
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (bytesOf({ ...bounded, [key]: list.slice(0, mid), [omittedKey]: list.length }) <= maxBytes) lo = mid;
      else hi = mid - 1;
    }
    bounded[omittedKey] = list.length - lo;
    bounded[key] = list.slice(0, lo);
  };
  shrink("planned", "planned_omitted");
  shrink("errors", "errors_omitted");
  return bounded;
}

export const progressOf = (result: SyncResult): SyncProgress => {
  const files = result.copied + result.updated + result.deleted + result.skipped + result.failed;
  return {
    files_done: files,
    files_planned: files,
    bytes_done: result.bytes_transferred,
    bytes_planned: result.bytes_transferred,
  };
};

/**
 * The run error of a finished sync: null on SUCCESS; AUTH_FAILED when a drive refused its
 * credentials (whatever else failed: that is what the user must fix); else why it aborted or its
 * first failed file.
 */
export const errorOfResult = (result: SyncResult): RunError | null => {
  if (result.status === "SUCCESS") return null;
  const refused = result.errors.find((error) => error.code === "AUTH_FAILED");
  if (refused) {
    return {
      code: "AUTH_FAILED",
      message: `a drive refused its credentials (${refused.op} ${refused.path}): ${refused.message}`,
    };
  }
  if (result.aborted) return { code: "SYNC_ABORTED", message: result.aborted };
  const first = result.errors[0];
  const detail = first ? `: first error ${first.op} ${first.path}: ${first.message}` : "";
  return { code: "SYNC_FAILED", message: `${whatFailed(result)}${detail}` };
};

/** "2 file(s) failed", "1 folder listing(s) failed", both, or "the sync failed": never "0 file(s) failed". */
function whatFailed(result: SyncResult): string {
  const listings = result.errors.filter((error) => error.op === "list").length;
  const parts = [
    ...(result.failed > 0 ? [`${result.failed} file(s)`] : []),
    ...(listings > 0 ? [`${listings} folder listing(s)`] : []),
  ];
  return parts.length > 0 ? `${parts.join(" and ")} failed` : "the sync failed";
}

/** A finished sync's figures for the "run finished" log line. */
export const summaryOf = (result: SyncResult) => ({
  status: result.status,
  copied: result.copied,
  updated: result.updated,
  deleted: result.deleted,
  failed: result.failed,
  bytes: result.bytes_transferred,
  duration_ms: result.duration_ms,
});
