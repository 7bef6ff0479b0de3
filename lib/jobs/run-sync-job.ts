import type { Drive } from "../drives/drive.ts";
import { AuthenticationError, isRetryable } from "../drives/errors.ts";
import { LocationError, parseLocation } from "../drives/location.ts";
import { locationsOverlap } from "../drives/overlap.ts";
import type { SyncRunMessage } from "../queue/message.ts";
import type { SqsProducer } from "../queue/sqs-producer.ts";
import { ConflictError } from "../store/errors.ts";
import { scheduledTaskId } from "../store/ids.ts";
import { isFinished, newRun, type Run, type RunError, type RunStatus } from "../store/run.ts";
import type { Store } from "../store/store.ts";
import type { SyncConfig } from "../store/sync-config.ts";
import {
  DEFAULT_SYNC_OPTIONS,
  parseMaxDelete,
  type SyncCheckpoint,
  type SyncProgress,
  type SyncResult,
  syncDrives,
} from "../sync/index.ts";
import type { JobLog } from "./deps.ts";

/** What the worker needs. Built once per cold start (functions/worker.ts, the dev stack). */
export interface WorkerDeps {
  readonly store: Store;
  readonly queue: Pick<SqsProducer, "send">;
  /** Opens a drive for a config's location (credentials from the location or the environment). */
  readonly openDrive: (location: string) => Drive | Promise<Drive>;
  readonly clock: () => Date;
  readonly log?: JobLog;
  /** Called once per finished run (SUCCESS, FAILURE, SKIPPED): the worker turns it into metrics. */
  readonly onRunFinished?: (run: FinishedRun) => void;
  /** Attempts before a retryable failure becomes FAILURE (default 5). */
  readonly maxAttempts?: number;
  /** How often progress is written to the run and the lease renewed (default 5 s). */
  readonly progressIntervalMs?: number;
  /** Stop the sync this long before the invocation's deadline, to checkpoint (default 30 s). */
  readonly safetyMarginMs?: number;
  /** How long a lease lasts without renewal (default 20 min: longer than one Lambda invocation). */
  readonly leaseTtlMs?: number;
}

/** A run that reached a final state, with its sync result when a sync ran. */
export interface FinishedRun {
  readonly config_id: string;
  readonly task_id: string;
  readonly status: "SUCCESS" | "FAILURE" | "SKIPPED";
  readonly result?: SyncResult;
}

/** The invocation the job runs in: the time it has left, and an optional outside stop (SIGTERM locally). */
export interface JobContext {
  remainingTimeMs(): number;
  readonly signal?: AbortSignal;
}

/** What became of a message: the run's status after this delivery, or `duplicate` when it was a no-op. */
export interface JobOutcome {
  readonly task_id: string;
  readonly outcome: RunStatus | "duplicate";
}

const DEFAULTS = {
  maxAttempts: 5,
  progressIntervalMs: 5_000,
  safetyMarginMs: 30_000,
  leaseTtlMs: 20 * 60_000,
};

/** Backoff before retry `attempt` (1-based): 10 s, 20 s, 40 s … capped at SQS's 15 minutes, with jitter. */
export const retryDelaySeconds = (attempt: number, random: () => number = Math.random): number =>
  Math.min(900, Math.round(10 * 2 ** (attempt - 1) * (0.5 + random() / 2)));

/**
 * Runs one `sync.run` message to its end, or to its next step:
 * - a duplicate delivery of a fire (or of a finished run) changes nothing;
 * - a deleted or disabled config, or refused credentials, end the run as FAILURE with the reason;
 * - a fire that finds the config's lease held is recorded as SKIPPED;
 * - a retryable failure marks the run RETRY and sends the message again with backoff, up to `maxAttempts`;
 * - a sync that reaches the invocation's deadline checkpoints and sends a continuation for the same task.
 * Store or queue failures throw, so the message returns to the queue (and, in the end, its DLQ).
 */
export async function runSyncJob(
  message: SyncRunMessage,
  deps: WorkerDeps,
  context: JobContext,
): Promise<JobOutcome> {
  const settings = { ...DEFAULTS, ...definedOnly(deps) };
  const run = await claimRun(message, deps);
  if (!run) return { task_id: taskIdOf(message), outcome: "duplicate" };
  const log = (level: "info" | "warn" | "error", text: string, data: Record<string, unknown> = {}) =>
    deps.log?.(level, text, {
      config_id: run.config_id,
      task_id: run.task_id,
      trigger: message.trigger,
      ...data,
    });

  // A continuation or retry holds the config's lease: a refused run must free it on its way out.
  const releaseLease = async (): Promise<void> => {
    try {
      await deps.store.leases.release(run.config_id, run.task_id);
    } catch (error) {
      // The outcome is recorded already; the lease lapses after its TTL.
      log("warn", "lease not released", { error: error instanceof Error ? error.message : String(error) });
    }
  };
  // Records the outcome, then frees the lease even when recording failed: the redelivered message
  // must find the run takeable, not STARTED behind this invocation's live lease (a "duplicate").
  const settle = async (record: () => Promise<JobOutcome>): Promise<JobOutcome> => {
    try {
      return await record();
    } finally {
      await releaseLease();
    }
  };
  const refuse = (error: RunError): Promise<JobOutcome> => {
    log(error.code === "LOCATIONS_OVERLAP" ? "error" : "warn", "run refused", { code: error.code });
    return settle(() => finish(run, "FAILURE", { error }, deps));
  };

  const config = await deps.store.configs.get(run.config_id);
  if (!config) {
    return refuse({ code: "CONFIG_NOT_FOUND", message: `sync config ${run.config_id} does not exist` });
  }
  if (!config.enabled) {
    return refuse({ code: "CONFIG_DISABLED", message: `sync config ${run.config_id} is disabled` });
  }
  const refusal = checkLocations(config);
  if (refusal) return refuse(refusal);

  const lease = { owner: run.task_id, ttl_ms: settings.leaseTtlMs };
  if (!(await deps.store.leases.acquire(config.id, lease))) {
    const holder = (await deps.store.leases.get(config.id))?.owner ?? "another run";
    log("warn", "run skipped: config busy", { holder });
    const error = {
      code: "CONFIG_BUSY",
      message: `sync config ${config.id} was already running (task ${holder})`,
    };
    return finish(run, "SKIPPED", { error }, deps);
  }

  // Taken once: of two deliveries of one message that both saw the run PENDING (or RETRY), one starts it.
  let started: Run;
  try {
    started = await deps.store.runs.update(
      run.task_id,
      {
        status: "STARTED",
        started_at: run.started_at ?? deps.clock().toISOString(),
        attempts: run.attempts + 1,
        error: null,
      },
      { expectedStatus: run.status },
    );
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    // The other delivery has it. If that one has finished already, the lease just taken here is stray.
    const current = await deps.store.runs.get(run.task_id);
    if (!current || isFinished(current.status)) await releaseLease();
    return { task_id: run.task_id, outcome: "duplicate" };
  }
  log("info", "run started", { attempt: started.attempts });

  let result: SyncResult;
  try {
    result = await syncWithProgress(config, started, deps, context, settings);
    if (result.interrupted) {
      await deps.store.runs.update(run.task_id, {
        checkpoint: result.checkpoint ?? null,
        progress: progressOf(result),
      });
      await deps.store.leases.renew(config.id, lease);
      await deps.queue.send({
        type: "sync.run",
        trigger: "continuation",
        config_id: config.id,
        task_id: run.task_id,
      });
      log("info", "run checkpointed, continuation sent", { files_checked: result.files_checked });
      return { task_id: run.task_id, outcome: "STARTED" };
    }
  } catch (error) {
    return settle(() => failOrRetry(started, message, error, deps, settings.maxAttempts, log));
  }
  log(result.status === "SUCCESS" ? "info" : "error", "run finished", summaryOf(result));
  return settle(() => finish(started, result.status, { result, error: errorOfResult(result) }, deps));
}

/**
 * Why a config's locations cannot be synced, or undefined: one that does not parse (stored before the
 * API checked it; the message shows it redacted, as LocationError does), or one inside the other.
 */
function checkLocations(config: SyncConfig): RunError | undefined {
  let field: "source" | "target" = "source";
  try {
    const source = parseLocation(config.source);
    field = "target";
    const target = parseLocation(config.target);
    if (!locationsOverlap(source, target)) return undefined;
  } catch (error) {
    if (!(error instanceof LocationError)) throw error;
    return { code: "INVALID_LOCATION", message: `${field}: ${error.message}` };
  }
  return {
    code: "LOCATIONS_OVERLAP",
    message: "the target is the source or lies inside it (or the reverse)",
  };
}

/** Finds or creates the run a message is about; undefined when the delivery is a duplicate. */
async function claimRun(message: SyncRunMessage, deps: WorkerDeps): Promise<Run | undefined> {
  const { runs, leases } = deps.store;
  let run: Run | undefined;
  if (message.trigger === "schedule") {
    const task_id = scheduledTaskId(message.config_id, message.scheduled_time);
    const fresh = newRun({
      task_id,
      config_id: message.config_id,
      trigger: "schedule",
      scheduled_time: message.scheduled_time,
      now: deps.clock(),
    });
    run = (await runs.createScheduled(fresh)).run;
  } else {
    run = await runs.get(message.task_id);
    run ??= await runs.create(
      newRun({
        task_id: message.task_id,
        config_id: message.config_id,
        trigger: "manual",
        now: deps.clock(),
      }),
    );
  }
  if (isFinished(run.status)) return undefined;
  if (run.status === "STARTED" && message.trigger !== "continuation") {
    // Started by an earlier delivery: a duplicate while its lease is alive, a crashed run to take over when not.
    const lease = await leases.get(run.config_id);
    if (lease?.owner === run.task_id && lease.lease_until > deps.clock().getTime()) return undefined;
  }
  return run;
}

async function syncWithProgress(
  config: SyncConfig,
  run: Run,
  deps: WorkerDeps,
  context: JobContext,
  settings: typeof DEFAULTS,
): Promise<SyncResult> {
  const [source, target] = await Promise.all([deps.openDrive(config.source), deps.openDrive(config.target)]);
  let lastWrite = deps.clock().getTime();
  let writing: Promise<unknown> = Promise.resolve();
  const onProgress = (progress: SyncProgress) => {
    const now = deps.clock().getTime();
    if (now - lastWrite < settings.progressIntervalMs) return;
    lastWrite = now;
    // One write at a time; a failed progress write must not fail the sync.
    writing = writing
      .then(() =>
        Promise.all([
          deps.store.runs.update(run.task_id, { progress }),
          deps.store.leases.renew(config.id, { owner: run.task_id, ttl_ms: settings.leaseTtlMs }),
        ]),
      )
      .catch((error) =>
        deps.log?.("warn", "progress not saved", { task_id: run.task_id, error: String(error) }),
      );
  };
  try {
    const result = await syncDrives(source, target, {
      ...DEFAULT_SYNC_OPTIONS,
      mode: config.mode,
      compare: config.compare,
      include: config.include,
      exclude: config.exclude,
      ...(config.max_delete === null ? {} : { maxDelete: parseMaxDelete(config.max_delete) }),
      ...(run.checkpoint ? { checkpoint: run.checkpoint as SyncCheckpoint } : {}),
      ...(context.signal ? { signal: context.signal } : {}),
      // The deadline is wall-clock time of this invocation, not the injected (domain) clock.
      deadline: Date.now() + context.remainingTimeMs() - settings.safetyMarginMs,
      onProgress,
    });
    await writing;
    return result;
  } finally {
    await Promise.all([source.close?.(), target.close?.()]);
  }
}

async function failOrRetry(
  run: Run,
  message: SyncRunMessage,
  error: unknown,
  deps: WorkerDeps,
  maxAttempts: number,
  log: (level: "warn" | "error", text: string, data?: Record<string, unknown>) => void,
): Promise<JobOutcome> {
  const text = error instanceof Error ? error.message : String(error);
  if (isRetryable(error) && run.attempts < maxAttempts) {
    const delaySeconds = retryDelaySeconds(run.attempts);
    await deps.store.runs.update(run.task_id, {
      status: "RETRY",
      error: { code: "RETRYABLE_ERROR", message: text },
    });
    await deps.queue.send(message, { delaySeconds });
    log("warn", "run will retry", { attempt: run.attempts, delay_seconds: delaySeconds, error: text });
    return { task_id: run.task_id, outcome: "RETRY" };
  }
  const code =
    error instanceof AuthenticationError
      ? "AUTHENTICATION_FAILED"
      : isRetryable(error)
        ? "RETRIES_EXHAUSTED"
        : "SYNC_ERROR";
  log("error", "run failed", { code, error: text });
  return finish(run, "FAILURE", { error: { code, message: text } }, deps);
}

async function finish(
  run: Run,
  status: "SUCCESS" | "FAILURE" | "SKIPPED",
  outcome: { result?: SyncResult; error?: RunError | null },
  deps: WorkerDeps,
): Promise<JobOutcome> {
  const finished_at = deps.clock().toISOString();
  await deps.store.runs.update(run.task_id, {
    status,
    finished_at,
    error: outcome.error ?? null,
    checkpoint: null,
    ...(outcome.result
      ? { result: outcome.result as unknown as Record<string, unknown>, progress: progressOf(outcome.result) }
      : {}),
  });
  await deps.store.configs.setLastRun(run.config_id, { task_id: run.task_id, status, finished_at });
  deps.onRunFinished?.({
    config_id: run.config_id,
    task_id: run.task_id,
    status,
    ...(outcome.result ? { result: outcome.result } : {}),
  });
  return { task_id: run.task_id, outcome: status };
}

const progressOf = (result: SyncResult): SyncProgress => {
  const files = result.copied + result.updated + result.deleted + result.skipped + result.failed;
  return {
    files_done: files,
    files_planned: files,
    bytes_done: result.bytes_transferred,
    bytes_planned: result.bytes_transferred,
  };
};

const errorOfResult = (result: SyncResult): RunError | null => {
  if (result.status === "SUCCESS") return null;
  if (result.aborted) return { code: "SYNC_ABORTED", message: result.aborted };
  const first = result.errors[0];
  const detail = first ? `: first error ${first.op} ${first.path}: ${first.message}` : "";
  return { code: "SYNC_FAILED", message: `${result.failed} file(s) failed${detail}` };
};

const summaryOf = (result: SyncResult) => ({
  status: result.status,
  copied: result.copied,
  updated: result.updated,
  deleted: result.deleted,
  failed: result.failed,
  bytes: result.bytes_transferred,
  duration_ms: result.duration_ms,
});

/** The task id a message is about (derived from config id + scheduled time for a schedule fire). */
export const taskIdOf = (message: SyncRunMessage): string =>
  message.trigger === "schedule"
    ? scheduledTaskId(message.config_id, message.scheduled_time)
    : message.task_id;

function definedOnly(deps: WorkerDeps): Partial<typeof DEFAULTS> {
  const picked: Partial<typeof DEFAULTS> = {};
  for (const key of Object.keys(DEFAULTS) as (keyof typeof DEFAULTS)[]) {
    const value = deps[key];
    if (value !== undefined) picked[key] = value;
  }
  return picked;
}
