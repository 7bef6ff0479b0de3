import type { SyncConfigPatch } from "../store/sync-config.ts";
import { checkConfigFields, keepStoredSecrets } from "./check-config.ts";
import type { ConfigWriteResult } from "./create-config.ts";
import type { JobDeps } from "./deps.ts";
import { checkConfigDrives } from "./drives/check-config-drives.ts";
import { requireConfig } from "./ports.ts";
import { applySchedule, scheduleSpecOf } from "./schedule-sync.ts";
import { assertTargetNotShared } from "./shared-target.ts";

/**
 * Changes fields of a config (PATCH sends some, PUT every one) and its schedule at once. Throws
 * NotFoundError for an unknown id, ConflictError when `expectedVersion` is stale, and, before any
 * write, ConfigValidationError, ScheduleValidationError or TargetSharedError (its target shared with
 * another enabled config, one of them a mirror) when the result would be refused. A
 * location sent exactly as the API shows the stored one (secrets as `***`) keeps the stored secrets.
 */
export async function updateConfig(
  id: string,
  sent: SyncConfigPatch,
  deps: JobDeps,
  options: { expectedVersion?: number } = {},
): Promise<ConfigWriteResult> {
  checkConfigFields(sent, { allowMasked: true, localRoots: deps.localRoots });
  const current = await requireConfig(deps.configs, id);
  // A location sent back as GET showed it keeps its stored secrets; then check again with the
  // stored config: a PATCH of one location must not overlap the other.
  const patch = keepStoredSecrets(sent, current);
  checkConfigFields(patch, { stored: current, localRoots: deps.localRoots });
  // Only a location that changes must follow the drive rules: one sent back as stored passes.
  await checkConfigDrives(
    {
      ...(patch.source !== undefined && patch.source !== current.source ? { source: patch.source } : {}),
      ...(patch.target !== undefined && patch.target !== current.target ? { target: patch.target } : {}),
    },
    deps.drives,
  );
  const defined = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
  const updated = { ...current, ...defined };
  deps.scheduler.check(scheduleSpecOf(updated));
  await assertTargetNotShared(updated, deps);
  const config = await deps.configs.update(
    id,
    patch,
    options.expectedVersion === undefined ? {} : { expectedVersion: options.expectedVersion },
  );
  const schedule_error = await applySchedule(deps, config.id, config);
  deps.log?.("info", "config updated", {
    config_id: id,
    fields: Object.keys(patch),
    version: config.version,
  });
  return schedule_error === undefined ? { config } : { config, schedule_error };
}
