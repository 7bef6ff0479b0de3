import { newRun } from "../store/run.ts";
import { newSyncConfig, type SyncConfigFields } from "../store/sync-config.ts";
import { checkConfigFields } from "./check-config.ts";
import type { JobDeps } from "./deps.ts";
import { checkConfigDrives } from "./drives/check-config-drives.ts";
import { type QueuedRun, queueRun } from "./enqueue-run.ts";
import { assertTargetNotShared } from "./shared-target.ts";

/**
 * Queues a dry run of a config that is not saved (nor, then, enabled): what it would copy, update
 * and delete, as the run's result and per-file report (status `planned`). The fields are checked by
 * the rules of config create (cron, zone, filters, locations: allowed local roots, `name:path` drives
 * that exist, no credentials in a URL, no overlap, no target shared with a mirror: TargetSharedError), so a preview is refused exactly where a create
 * would be (ConfigValidationError, nothing recorded). On the queue, not in the request: a dry run
 * lists both trees, which can take minutes on a remote drive, and the worker has 15 minutes and
 * checkpoints. The run carries the config (`preview_config`, id `preview-<task id>`); the worker
 * opens both ends read-only. Throws QueueError when the message could not be sent (the run is FAILURE).
 */
export async function enqueuePreview(fields: SyncConfigFields, deps: JobDeps): Promise<QueuedRun> {
  checkConfigFields(fields, { localRoots: deps.localRoots });
  await checkConfigDrives(fields, deps.drives);
  // Judged as if enabled: a preview shows what the config would do once saved.
  await assertTargetNotShared({ ...fields, enabled: true }, deps);
  const task_id = deps.newId();
  const now = deps.clock();
  const config = newSyncConfig(fields, { id: `preview-${task_id}`, now });
  const run = newRun({
    task_id,
    config_id: config.id,
    trigger: "preview",
    now,
    preview_config: config,
  });
  await queueRun(run, deps);
  deps.log?.("info", "preview queued", { config_id: config.id, task_id, trigger: "preview" });
  return { task_id, config_id: config.id, status: "PENDING" };
}
