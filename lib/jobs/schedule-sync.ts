import { type ReconcileResult, reconcileSchedules } from "../schedule/reconcile.ts";
import type { ScheduleSpec } from "../schedule/scheduler.ts";
import { hasEnded, type SyncConfig } from "../store/sync-config.ts";
import type { JobDeps } from "./deps.ts";

/** The scheduler's view of a config. */
export const scheduleSpecOf = (config: SyncConfig): ScheduleSpec => ({
  config_id: config.id,
  name: config.name,
  cron: config.cron,
  timezone: config.timezone,
  enabled: config.enabled,
  ...(config.end_time === null ? {} : { end_time: new Date(config.end_time).toISOString() }),
});

/** Whether a config should have a schedule now: enabled and not past its `end_time`. */
export const shouldBeScheduled = (config: SyncConfig, now: Date): boolean =>
  config.enabled && !hasEnded(config, now);

/**
 * refresh-tasks: makes the backend hold exactly the schedules of the configs that should have one
 * (enabled, not ended; every other schedule is an orphan and goes). `total_configs` counts those.
 */
export async function refreshSchedules(
  configs: Pick<JobDeps["configs"], "listEnabled">,
  scheduler: JobDeps["scheduler"],
  now: Date,
): Promise<ReconcileResult & { total_configs: number }> {
  const scheduled = (await configs.listEnabled()).filter((config) => shouldBeScheduled(config, now));
  const result = await reconcileSchedules(scheduled.map(scheduleSpecOf), scheduler);
  return { ...result, total_configs: scheduled.length };
}

/**
 * Makes the backend hold what `config` needs right after the config was written (or deleted, when
 * `config` is undefined): its schedule while enabled, nothing while disabled or deleted. That is
 * the same rule refresh-tasks (reconcileSchedules over the enabled configs) applies, so the two
 * never disagree.
 *
 * The store is the source of truth and schedules are derived from it: when the scheduler call
 * fails, the config write stands, the failure is logged and returned (the API shows it as
 * `schedule_error`), and refresh-tasks repairs the drift. Never throws.
 */
export async function applySchedule(
  deps: Pick<JobDeps, "scheduler" | "log" | "clock">,
  configId: string,
  config: SyncConfig | undefined,
): Promise<string | undefined> {
  const scheduled = config !== undefined && shouldBeScheduled(config, deps.clock());
  const action = scheduled ? "upsert" : "remove";
  try {
    const outcome = scheduled
      ? await deps.scheduler.upsert(scheduleSpecOf(config))
      : await deps.scheduler.remove(configId);
    deps.log?.("info", "schedule applied", {
      config_id: configId,
      action,
      outcome,
      backend: deps.scheduler.backend,
    });
    return undefined;
  } catch (error) {
    deps.log?.("error", "schedule not applied", { config_id: configId, action, error: String(error) });
    const what = action === "upsert" ? "updated" : "removed";
    return `the config change is saved, but its schedule was not ${what} (${(error as Error).message}); refresh-tasks will repair it`;
  }
}
