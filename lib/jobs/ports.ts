/**
 * The slices of the store, scheduler and queue that the use cases call: lib/store's `createStore`,
 * lib/schedule's adapters and lib/queue's producer satisfy them, and a use case needs nothing more.
 */
import type { SqsProducer } from "../queue/sqs-producer.ts";
import type { Scheduler } from "../schedule/scheduler.ts";
import type { ConfigRepository } from "../store/configs.ts";
import { NotFoundError } from "../store/errors.ts";
import type { LeaseRepository } from "../store/leases.ts";
import type { Run } from "../store/run.ts";
import type { RunRepository } from "../store/runs.ts";
import type { SyncConfig } from "../store/sync-config.ts";

export type ConfigsPort = Pick<
  ConfigRepository,
  "create" | "get" | "update" | "delete" | "list" | "listEnabled" | "setLastRun"
>;
export type RunsPort = Pick<RunRepository, "create" | "get" | "update" | "listByConfig" | "list">;
/** Read only: a manual run looks at who holds its config's lease (the worker takes and frees it). */
export type LeasesPort = Pick<LeaseRepository, "get">;
/** The whole port: refresh-tasks reconciles through `plan` and `list` too. */
export type SchedulerPort = Scheduler;
export type QueuePort = Pick<SqsProducer, "send" | "sendBatch" | "queueDepth">;

/** The config with this id. Throws NotFoundError. */
export async function requireConfig(configs: Pick<ConfigsPort, "get">, id: string): Promise<SyncConfig> {
  const config = await configs.get(id);
  if (!config) throw new NotFoundError("sync config", id);
  return config;
}

/** The run with this task id. Throws NotFoundError. */
export async function requireRun(runs: Pick<RunsPort, "get">, taskId: string): Promise<Run> {
  const run = await runs.get(taskId);
  if (!run) throw new NotFoundError("run", taskId);
  return run;
}
