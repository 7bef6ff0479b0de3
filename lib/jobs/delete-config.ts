import { NotFoundError } from "../store/errors.ts";
import type { JobDeps } from "./deps.ts";
import { applySchedule } from "./schedule-sync.ts";

/**
 * Deletes a config, then its schedule. Throws NotFoundError for an unknown id. A schedule left
 * behind by a failed scheduler call fires into a run that ends FAILURE ("config deleted") and
 * is removed as an orphan by the next refresh; the returned `schedule_error` says so. Runs stay.
 */
export async function deleteConfig(id: string, deps: JobDeps): Promise<{ schedule_error?: string }> {
  if (!(await deps.configs.delete(id))) throw new NotFoundError("sync config", id);
  const schedule_error = await applySchedule(deps, id, undefined);
  deps.log?.("info", "config deleted", { config_id: id });
  return schedule_error === undefined ? {} : { schedule_error };
}
