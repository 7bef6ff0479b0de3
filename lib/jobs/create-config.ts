import { type LastRun, newSyncConfig, type SyncConfig, type SyncConfigFields } from "../store/sync-config.ts";
import { checkConfigFields } from "./check-config.ts";
import type { JobDeps } from "./deps.ts";
import { checkConfigDrives } from "./drives/check-config-drives.ts";
import { applySchedule, scheduleSpecOf } from "./schedule-sync.ts";
import { assertTargetNotShared } from "./shared-target.ts";

/** A written config, and why its schedule could not be applied when it could not. */
export interface ConfigWriteResult {
  readonly config: SyncConfig;
  readonly schedule_error?: string;
}

/**
 * Creates a config and its schedule. The fields are checked (ConfigValidationError) and the
 * scheduler checks the spec (ScheduleValidationError) before anything is written, so a refused
 * config changes nothing (nor one whose target another enabled config shares, one of them a mirror:
 * TargetSharedError); then the config is written, then its schedule (see {@link applySchedule}).
 * `id` (an imported config keeps its seed id) is taken at most once: ConflictError when it exists.
 * `lastRun` carries an imported config's last sync.
 */
export async function createConfig(
  fields: SyncConfigFields,
  deps: JobDeps,
  options: { readonly id?: string; readonly lastRun?: LastRun } = {},
): Promise<ConfigWriteResult> {
  checkConfigFields(fields, { localRoots: deps.localRoots });
  await checkConfigDrives(fields, deps.drives);
  const created = newSyncConfig(fields, { id: options.id ?? deps.newId(), now: deps.clock() });
  const draft = options.lastRun ? { ...created, last_run: options.lastRun } : created;
  deps.scheduler.check(scheduleSpecOf(draft));
  await assertTargetNotShared(draft, deps);
  const config = await deps.configs.create(draft);
  const schedule_error = await applySchedule(deps, config.id, config);
  deps.log?.("info", "config created", { config_id: config.id, enabled: config.enabled });
  return schedule_error === undefined ? { config } : { config, schedule_error };
}
