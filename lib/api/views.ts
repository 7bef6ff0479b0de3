import { nextRuns } from "../cron/next-runs.ts";
import { redactLocation } from "../drives/location.ts";
import type { DriveRecord } from "../store/drive-record.ts";
import type { Run } from "../store/run.ts";
import type { SyncConfig } from "../store/sync-config.ts";

/** How many upcoming fire times a config shows. */
const NEXT_RUNS_COUNT = 5;

/** A config as the API returns it: secrets in `source`/`target` redacted, `next_runs` computed. */
export interface ConfigView extends Omit<SyncConfig, "source" | "target"> {
  readonly source: string;
  readonly target: string;
  /** The next 5 fires, ISO UTC, ascending, none after `end_time`; empty while the config is disabled. */
  readonly next_runs: string[];
}

const upcoming = (config: SyncConfig, now: Date): string[] => {
  if (!config.enabled) return [];
  try {
    const end = config.end_time === null ? Number.POSITIVE_INFINITY : Date.parse(config.end_time);
    return nextRuns(config.cron, { timezone: config.timezone, from: now, count: NEXT_RUNS_COUNT })
      .filter((d) => d.getTime() < end)
      .map((d) => d.toISOString());
  } catch {
    // Checked on the way in; a config stored by an older, laxer version still lists.
    return [];
  }
};

export function configView(config: SyncConfig, now: Date): ConfigView {
  return {
    id: config.id,
    name: config.name,
    source: redactLocation(config.source),
    target: redactLocation(config.target),
    cron: config.cron,
    timezone: config.timezone,
    enabled: config.enabled,
    mode: config.mode,
    compare: config.compare,
    include: config.include,
    exclude: config.exclude,
    max_delete: config.max_delete,
    end_time: config.end_time,
    tps: config.tps,
    created_at: config.created_at,
    updated_at: config.updated_at,
    last_run: config.last_run,
    version: config.version,
    next_runs: upcoming(config, now),
  };
}

/** A run as the API returns it (the seed's task-result shape); internal fields (checkpoint, TTL) stay inside. */
export function runView(run: Run) {
  return {
    task_id: run.task_id,
    config_id: run.config_id,
    status: run.status,
    trigger: run.trigger,
    scheduled_time: run.scheduled_time,
    created_at: run.created_at,
    started_at: run.started_at,
    finished_at: run.finished_at,
    attempts: run.attempts,
    progress: run.progress,
    result: run.result,
    error: run.error,
    retry_of: run.retry_of,
    cancel_requested_at: run.cancel_requested_at,
  };
}

/** A drive as the API returns it: its settings, and which secret fields are set, never a secret. */
export function driveView(drive: DriveRecord) {
  return {
    name: drive.name,
    type: drive.type,
    ...drive.settings,
    secrets_set: drive.secrets_set,
    created_at: drive.created_at,
    updated_at: drive.updated_at,
    version: drive.version,
  };
}
