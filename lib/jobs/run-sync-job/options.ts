import type { Run } from "../../store/run.ts";
import type { SyncConfig } from "../../store/sync-config.ts";
import {
  DEFAULT_SYNC_OPTIONS,
  parseMaxDelete,
  type SyncCheckpoint,
  type SyncOptions,
  type SyncProgress,
} from "../../sync/index.ts";
import { isPreview } from "./guards.ts";
import type { WorkerSettings } from "./settings.ts";
import type { JobContext } from "./types.ts";

/** The sync options of one invocation of a run: the config's, its checkpoint, and this invocation's deadline. */
export function syncOptionsOf(
  config: SyncConfig,
  run: Run,
  context: JobContext,
  settings: WorkerSettings,
  onProgress: (progress: SyncProgress) => void,
  cancelled?: AbortSignal,
): SyncOptions {
  // Either stops the sync the same way: no new file, in-flight atomic writes dropped, no delete.
  const signals = [context.signal, cancelled].filter((s): s is AbortSignal => s !== undefined);
  const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
  return {
    ...DEFAULT_SYNC_OPTIONS,
    mode: config.mode,
    compare: config.compare,
    include: config.include,
    exclude: config.exclude,
    ...(config.max_delete === null ? {} : { maxDelete: parseMaxDelete(config.max_delete) }),
    dryRun: isPreview(run),
    ...(run.checkpoint ? { checkpoint: run.checkpoint as SyncCheckpoint } : {}),
    ...(signal ? { signal } : {}),
    // The deadline is wall-clock time of this invocation, not the injected (domain) clock.
    deadline: Date.now() + context.remainingTimeMs() - settings.safetyMarginMs,
    onProgress,
  };
}
