import { createReportWriter } from "../../reports/report-writer.ts";
import type { Partition } from "../../store/partition.ts";
import { isFinished, type Run, type RunError } from "../../store/run.ts";
import {
  DEFAULT_SYNC_OPTIONS,
  type DeleteDeferredResult,
  deleteDeferred,
  deletesExtras,
  parseMaxDelete,
  type SyncError,
  type SyncResult,
} from "../../sync/index.ts";
import type { JobLog } from "../deps.ts";
import { limitedByConfig } from "../run-sync-job/config-limit.ts";
import { guardRun, type Runnable } from "../run-sync-job/guards.ts";
import { releaseLease, settle } from "../run-sync-job/lease.ts";
import {
  errorOfResult,
  finishRun,
  outcomeDepsOf,
  summaryOf,
  unlessEndedElsewhere,
  WHILE_STARTED,
} from "../run-sync-job/outcome.ts";
import type { JobContext, JobOutcome, WorkerDeps } from "../run-sync-job/types.ts";

const MAX_ERRORS = 100;

/**
 * Ends a fanned-out run once its last partition finished, exactly as an unsplit run ends (status,
 * summed result, report, `last_run`, lease released): cancelled → CANCELLED; any partition not done →
 * FAILURE and nothing deleted; else, in a deleting mode, every partition's extras deleted in one step
 * within the run-wide guards (`deleteDeferred`). One worker at a time (`claimEnd`): a finish delivered
 * twice at once ends the run once.
 */
export async function endFannedRun(
  taskId: string,
  deps: WorkerDeps,
  context: JobContext,
  log: JobLog,
): Promise<JobOutcome> {
  const { partitions, runs } = deps.store;
  const now = Date.now();
  if (!(await partitions.claimEnd(taskId, now + context.remainingTimeMs(), now))) {
    const run = await runs.get(taskId);
    return { task_id: taskId, outcome: run && isFinished(run.status) ? run.status : "duplicate" };
  }
  const run = await runs.get(taskId);
  if (!run || isFinished(run.status)) return { task_id: taskId, outcome: run?.status ?? "duplicate" };
  const [parts, fanned] = await Promise.all([partitions.list(taskId), partitions.totals(taskId)]);
  const totals = fanned?.totals ?? {
    copied: 0,
    updated: 0,
    skipped: 0,
    failed: 0,
    bytes_transferred: 0,
    files_checked: 0,
  };
  const result: SyncResult = {
    status: "FAILURE",
    ...totals,
    deleted: 0,
    duration_ms: deps.clock().getTime() - Date.parse(run.started_at ?? run.created_at),
    errors: parts.flatMap((part) => (part.result?.errors ?? []) as SyncError[]).slice(0, MAX_ERRORS),
    retryable: false,
  };
  const end = (status: "SUCCESS" | "FAILURE" | "CANCELLED", error: RunError | null) => {
    log(status === "SUCCESS" ? "info" : "error", "run finished", {
      ...summaryOf(result),
      status,
      partitions: parts.length,
      ...(error ? { code: error.code, error: error.message } : {}),
    });
    return settle(
      () =>
        unlessEndedElsewhere(runs, run.task_id, () =>
          finishRun(run, status, { result, error }, outcomeDepsOf(deps), WHILE_STARTED),
        ),
      () => releaseLease(run, deps, log),
    );
  };
  if (run.cancel_requested_at !== null)
    return end("CANCELLED", { code: "CANCELLED", message: "cancelled on request; nothing was deleted" });
  const failed = parts.filter((part) => part.status !== "done");
  if (failed.length > 0) return end("FAILURE", partitionsFailed(failed, parts.length, result));

  // Edited since the run started: its partitions' extras belong to the old source and target.
  const guarded = await guardRun(
    deps.store.configs,
    run.config_id,
    deps.clock(),
    deps.resolveLocation,
    run.started_as,
    deps.store.drives,
  );
  if ("refusal" in guarded) return end("FAILURE", guarded.refusal);
  if (deletesExtras(guarded.config.mode)) {
    const omitted = parts.filter((part) => part.deferred_omitted !== undefined);
    const first = omitted[0];
    if (first) {
      result.aborted = `partition ${JSON.stringify(first.path)} found ${first.deferred_omitted} extras, more than one partition keeps (${omitted.length} such partition(s)): nothing was deleted`;
    } else {
      const deleted = await deleteExtras(guarded, run, parts, deps, log);
      result.deleted = deleted.deleted;
      result.failed += deleted.failed;
      result.errors = [...result.errors, ...deleted.errors].slice(0, MAX_ERRORS);
      if (deleted.aborted) result.aborted = deleted.aborted;
    }
  }
  if (result.failed === 0 && result.aborted === undefined) result.status = "SUCCESS";
  return end(result.status, errorOfResult(result));
}

/** The run error when partitions failed: how many, and the first one's reason. */
function partitionsFailed(failed: readonly Partition[], total: number, result: SyncResult): RunError {
  const auth = errorOfResult(result);
  if (auth?.code === "AUTH_FAILED") return auth;
  const [first] = failed;
  const firstError = first?.result?.errors[0];
  const reason =
    first?.result?.aborted ??
    (firstError ? `${firstError.op} ${firstError.path}: ${firstError.message}` : `it is ${first?.status}`);
  return {
    code: "SYNC_FAILED",
    message: `${failed.length} of ${total} partition(s) of the run failed, so nothing was deleted; first ${JSON.stringify(first?.path)}: ${reason}`,
  };
}

/** The one delete step over every partition's extras, its items in the run's report. */
async function deleteExtras(
  { config, target }: Runnable,
  run: Run,
  parts: readonly Partition[],
  deps: WorkerDeps,
  log: JobLog,
): Promise<DeleteDeferredResult> {
  const opened = await deps.openDrive(target.location, target.name);
  const [drive] = limitedByConfig(config, [opened, opened]);
  const report = deps.reports && createReportWriter(deps.reports, run.task_id, deps.clock());
  try {
    return await deleteDeferred(
      drive,
      parts.map((part) => ({ prefix: part.path, deferred: part.deferred ?? undefined })),
      {
        transfers: DEFAULT_SYNC_OPTIONS.transfers,
        ...(config.max_delete === null ? {} : { maxDelete: parseMaxDelete(config.max_delete) }),
        ...(report ? { onItem: report.add } : {}),
      },
    );
  } finally {
    await opened.close?.();
    if (report)
      await report.close().then(
        ({ items, key }) => log("info", "run report stored", { items, key }),
        (error) => log("error", "run report not stored", { error: String(error) }),
      );
  }
}
