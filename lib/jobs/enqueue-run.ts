import { type ManualMessage, taskMessage } from "../queue/message.ts";
import { isFinished, newRun, type Run } from "../store/run.ts";
import { hasEnded, type SyncConfig } from "../store/sync-config.ts";
import type { JobDeps } from "./deps.ts";
import { ConfigBusyError, ConfigDisabledError, ConfigEndedError } from "./errors.ts";
import { requireConfig } from "./ports.ts";
import { failRun } from "./run-sync-job/outcome.ts";

/** What a caller gets back for a queued run (the seed's execute-sync reply). */
export interface QueuedRun {
  readonly task_id: string;
  readonly config_id: string;
  readonly status: "PENDING";
  /** The run this one retries, when it is a retry. */
  readonly retry_of?: string;
}

const manualRun = (config: SyncConfig, deps: JobDeps, retryOf?: string): Run =>
  newRun({
    task_id: deps.newId(),
    config_id: config.id,
    trigger: "manual",
    now: deps.clock(),
    ...(retryOf === undefined ? {} : { retry_of: retryOf }),
  });

/**
 * The task id of the run holding the config's lease, if that run is live: the lease has not lapsed
 * and its run is not final (a worker killed after recording its outcome leaves a stale lease).
 */
export async function busyWith(configId: string, deps: Pick<JobDeps, "leases" | "runs" | "clock">) {
  const lease = await deps.leases.get(configId);
  if (!lease || lease.lease_until <= deps.clock().getTime()) return undefined;
  const holder = await deps.runs.get(lease.owner);
  return holder && !isFinished(holder.status) ? holder.task_id : undefined;
}

const messageOf = (run: Run): ManualMessage =>
  taskMessage("manual", { config_id: run.config_id, task_id: run.task_id });

/** A run whose message never left stays visible as FAILURE instead of PENDING forever. Never throws. */
async function markNotQueued(run: Run, error: unknown, deps: JobDeps): Promise<void> {
  deps.log?.("error", "run not queued", {
    config_id: run.config_id,
    task_id: run.task_id,
    error: String(error),
  });
  try {
    const reason = {
      code: "QUEUE_SEND_FAILED",
      message: `the run could not be queued: ${(error as Error).message}`,
    };
    await failRun(run, reason, deps, { expectedStatus: "PENDING" });
  } catch (cause) {
    deps.log?.("error", "run not marked failed", { task_id: run.task_id, error: String(cause) });
  }
}

/**
 * Records a PENDING run, then sends its message (the run exists before the worker can receive the
 * message). Throws QueueError when the message could not be sent; the run is then FAILURE.
 */
export async function queueRun(run: Run, deps: JobDeps): Promise<void> {
  await deps.runs.create(run);
  try {
    await deps.queue.send(messageOf(run));
  } catch (error) {
    await markNotQueued(run, error, deps);
    throw error;
  }
}

/**
 * Runs a config now: records a PENDING run, then sends its message (the run exists before the
 * worker can receive the message). Throws NotFoundError for an unknown config,
 * ConfigDisabledError for a disabled one, ConfigEndedError for one past its end_time,
 * ConfigBusyError while a run of it holds its lease, QueueError when the message could not be sent.
 */
export async function enqueueRun(
  configId: string,
  deps: JobDeps,
  options: { retryOf?: string } = {},
): Promise<QueuedRun> {
  const config = await requireConfig(deps.configs, configId);
  if (!config.enabled) throw new ConfigDisabledError(configId);
  if (hasEnded(config, deps.clock())) throw new ConfigEndedError(configId, config.end_time!);
  const holder = await busyWith(configId, deps);
  if (holder !== undefined) throw new ConfigBusyError(configId, holder);
  const run = manualRun(config, deps, options.retryOf);
  await queueRun(run, deps);
  deps.log?.("info", "run queued", {
    config_id: configId,
    task_id: run.task_id,
    trigger: "manual",
    ...(options.retryOf === undefined ? {} : { retry_of: options.retryOf }),
  });
  return {
    task_id: run.task_id,
    config_id: configId,
    status: "PENDING",
    ...(options.retryOf === undefined ? {} : { retry_of: options.retryOf }),
  };
}

/**
 * Runs every enabled config not past its end_time now, one PENDING run each, messages sent in batches. Returns the
 * task ids whose message was sent; a config whose message failed is logged and left out.
 */
export async function enqueueAllEnabled(deps: JobDeps): Promise<{ count: number; task_ids: string[] }> {
  const now = deps.clock();
  const configs = (await deps.configs.listEnabled()).filter((config) => !hasEnded(config, now));
  const runs = configs.map((config) => manualRun(config, deps));
  await Promise.all(runs.map((run) => deps.runs.create(run)));
  const { failed } = await deps.queue.sendBatch(runs.map(messageOf));
  const failedIndexes = new Set(failed.map((failure) => failure.index));
  for (const failure of failed) {
    const run = runs[failure.index];
    if (run) await markNotQueued(run, new Error(`${failure.code}: ${failure.message}`), deps);
  }
  const task_ids = runs.filter((_, index) => !failedIndexes.has(index)).map((run) => run.task_id);
  deps.log?.("info", "runs queued", { count: task_ids.length, failed_count: failed.length });
  return { count: task_ids.length, task_ids };
}
