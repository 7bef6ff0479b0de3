import type { ScheduleSpec } from "../schedule/scheduler.ts";
import type { SyncConfig } from "../store/sync-config.ts";
import type { JobDeps } from "./deps.ts";

/** The scheduler's view of a config. */
export const scheduleSpecOf = (config: SyncConfig): ScheduleSpec => ({
  config_id: config.id,
  name: config.name,
  cron: config.cron,
  timezone: config.timezone,
  enabled: config.enabled,
});

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
  deps: Pick<JobDeps, "scheduler" | "log">,
  configId: string,
  config: SyncConfig | undefined,
): Promise<string | undefined> {
  const action = config?.enabled ? "upsert" : "remove";
  try {
    const outcome = config?.enabled
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
