/** The sync engine: plan (pure: two listings → actions) and execute (the I/O). */
import type { SyncOptions } from "./types.ts";

export { locationsOverlap } from "../drives/overlap.ts";
export { resolveCompare } from "./compare.ts";
export { type DeleteDeferredResult, deleteDeferred, type RunPart } from "./delete-deferred.ts";
export { createDirectoryFilter, createPathFilter, FilterRuleError } from "./filter.ts";
export { parseMaxDelete } from "./max-delete.ts";
export { planSync } from "./plan.ts";
export { syncDrives } from "./sync-drives.ts";
export type {
  CheckpointCounters,
  CompareMode,
  DeferredDeletes,
  Listing,
  MaxDelete,
  PlanOptions,
  SyncAction,
  SyncCheckpoint,
  SyncError,
  SyncItem,
  SyncMode,
  SyncOptions,
  SyncProgress,
  SyncResult,
} from "./types.ts";
export { COMPARE_MODES, deletesExtras, SYNC_MODES } from "./types.ts";

/** Defaults after rclone: copy (never deletes), size + mod time, 4 transfers, 8 checkers. */
export const DEFAULT_SYNC_OPTIONS: SyncOptions = Object.freeze({
  mode: "copy",
  compare: "size-mtime",
  include: [],
  exclude: [],
  dryRun: false,
  transfers: 4,
  checkers: 8,
}) as SyncOptions;
