import type { DriveRecord } from "./drive-record.ts";
import type { Run, RunTrigger } from "./run.ts";
import { isFinished } from "./run.ts";
import type { SyncConfig } from "./sync-config.ts";

/** Key attribute values of every item kind; the layout is documented in schema.ts. */

export type ItemKey = { pk: string; sk: string };

export const CONFIGS_PARTITION = "CONFIGS";
export const DRIVES_PARTITION = "DRIVES";
export const ENABLED_PARTITION = "ENABLED";
export const UNFINISHED_PARTITION = "UNFINISHED";
export const ALL_RUNS_PARTITION = "RUNS";
/** Previews (dry runs of unsaved configs) are no config's runs: kept out of the all-runs listing. */
export const PREVIEW_RUNS_PARTITION = "PREVIEWS";
/** The all-runs index partition of a run: previews apart from the runs of configs. */
export const allRunsPartition = (trigger: RunTrigger): string =>
  trigger === "preview" ? PREVIEW_RUNS_PARTITION : ALL_RUNS_PARTITION;
export const runsPartition = (configId: string): string => `RUNS#${configId}`;
export const schedulesPartition = (group: string): string => `SCHEDULES#${group}`;

export const configKey = (id: string): ItemKey => ({ pk: `CONFIG#${id}`, sk: "CONFIG" });
export const runKey = (taskId: string): ItemKey => ({ pk: `RUN#${taskId}`, sk: "RUN" });
/** The sort keys of a run's partitions (one per folder handed over); they share the run's pk. */
export const PARTITION_PREFIX = "PART#";
/** A partition of a fanned-out run: beside its run item, so one Query reads them all. */
export const partitionKey = (taskId: string, path: string): ItemKey => ({
  pk: runKey(taskId).pk,
  sk: `${PARTITION_PREFIX}${path}`,
});
export const driveKey = (name: string): ItemKey => ({ pk: `DRIVE#${name}`, sk: "DRIVE" });
export const leaseKey = (configId: string): ItemKey => ({ pk: `LEASE#${configId}`, sk: "LEASE" });
/** One partition per schedule group, one item per schedule: the group's records are one Query. */
export const scheduleRecordKey = (group: string, name: string): ItemKey => ({
  pk: schedulesPartition(group),
  sk: name,
});

// Sort keys start with a normalized time so that lexical order is time order whatever offset a caller used.
const timeKey = (iso: string, id: string): string => `${new Date(iso).toISOString()}#${id}`;

/** Sparse index keys of a config: present only while it is enabled. */
export const enabledKeys = (config: Pick<SyncConfig, "id">) => ({
  gsi2pk: ENABLED_PARTITION,
  gsi2sk: config.id,
});

/** The stored item of a config. */
export function configItem(config: SyncConfig): Record<string, unknown> {
  return {
    ...config,
    ...configKey(config.id),
    gsi1pk: CONFIGS_PARTITION,
    gsi1sk: timeKey(config.created_at, config.id),
    ...(config.enabled ? enabledKeys(config) : {}),
  };
}

/** The stored item of a named drive (settings and a secret reference, never a secret). */
export function driveItem(drive: DriveRecord): Record<string, unknown> {
  return {
    ...drive,
    ...driveKey(drive.name),
    gsi1pk: DRIVES_PARTITION,
    gsi1sk: timeKey(drive.created_at, drive.name),
  };
}

/** The stored item of a run; in the sparse index while not finished. */
export function runItem(run: Run): Record<string, unknown> {
  const sortKey = timeKey(run.created_at, run.task_id);
  return {
    ...run,
    ...runKey(run.task_id),
    gsi1pk: runsPartition(run.config_id),
    gsi1sk: sortKey,
    gsi3pk: allRunsPartition(run.trigger),
    gsi3sk: sortKey,
    ...(isFinished(run.status) ? {} : { gsi2pk: UNFINISHED_PARTITION, gsi2sk: sortKey }),
  };
}
