import * as z from "../util/zod.ts";
import { RUN_RETENTION_DAYS, runExpiresAt } from "./run.ts";

/**
 * One folder of a run fanned out across workers (BENCHMARKS.md, "Beyond one worker"): `pending` until a
 * worker claims it, `started` while one syncs it (`attempts` counts claims, as for runs), then `done`
 * (its `deferred` extras kept for the run's one delete step) or `failed` (its run deletes nothing).
 */
export const PARTITION_STATUSES = ["pending", "started", "done", "failed"] as const;
export type PartitionStatus = (typeof PARTITION_STATUSES)[number];
export const isPartitionFinished = (status: PartitionStatus): boolean =>
  status === "done" || status === "failed";

/** The counters each partition adds to its run (by ADD, once, when it finishes). */
export const PARTITION_COUNTERS = [
  "copied",
  "updated",
  "skipped",
  "failed",
  "bytes_transferred",
  "files_checked",
] as const;
export type PartitionCounters = Record<(typeof PARTITION_COUNTERS)[number], number>;

/**
 * Most extras (files + folders) one partition item keeps for the delete step: past it, the item says
 * how many it found instead (`deferred_omitted`) and the run deletes nothing. A DynamoDB item holds at
 * most 400 KB; 2,000 paths of up to 100 bytes stay far below.
 */
export const PARTITION_DEFERRED_MAX = 2_000;
/** Most bytes (JSON) of a partition's kept extras: long paths hit this before the count. */
export const PARTITION_DEFERRED_MAX_BYTES = 200 * 1024;
/** Errors a partition keeps (its run's result shows the first ones of all partitions). */
export const PARTITION_ERRORS_MAX = 20;

const count = z.number().int().min(0);

const PartitionErrorSchema = z.object({
  path: z.string(),
  op: z.string(),
  message: z.string(),
  code: z.string().optional(),
});

/** What a finished partition did: its counters and first errors. */
export const PartitionResultSchema = z.object({
  copied: count,
  updated: count,
  skipped: count,
  failed: count,
  bytes_transferred: count,
  files_checked: count,
  /** The first PARTITION_ERRORS_MAX errors, paths relative to the run's roots. */
  errors: z.array(PartitionErrorSchema),
  /** It failed only with transient faults. */
  retryable: z.boolean(),
  /** Why it refused to go on or ended early (a guard, a cancel, a dead-lettered message). */
  aborted: z.string().optional(),
});
export type PartitionResult = z.output<typeof PartitionResultSchema>;

/** A succeeded partition's extras (paths relative to its folder) and its file counts. */
export const DeferredSchema = z.object({
  files: z.array(z.object({ path: z.string(), size: count })),
  dirs: z.array(z.string()),
  source_files: count,
  target_files: count,
});
export type Deferred = z.output<typeof DeferredSchema>;

export const PartitionSchema = z.object({
  task_id: z.string().min(1),
  config_id: z.string().min(1),
  /** The folder, relative to the run's source and target roots; `""` is the root (the coordinator's). */
  path: z.string(),
  status: z.enum(PARTITION_STATUSES),
  attempts: count,
  /** Epoch ms until which its claim holds (the claiming invocation's end); a later delivery may take it over. */
  claimed_until: z.number().int().nullable(),
  checkpoint: z.unknown().nullable(),
  result: PartitionResultSchema.nullable(),
  deferred: DeferredSchema.nullable(),
  /** Extras found past PARTITION_DEFERRED_MAX(_BYTES): none kept, so the run deletes nothing. */
  deferred_omitted: count.optional(),
  created_at: z.iso.datetime({ offset: true }),
  expires_at: z.number().int(),
});
export type Partition = z.output<typeof PartitionSchema>;

/** A new pending partition of a run. Pure. */
export function newPartition(options: {
  task_id: string;
  config_id: string;
  path: string;
  now: Date;
  retention_days?: number;
}): Partition {
  const created_at = options.now.toISOString();
  return {
    task_id: options.task_id,
    config_id: options.config_id,
    path: options.path,
    status: "pending",
    attempts: 0,
    claimed_until: null,
    checkpoint: null,
    result: null,
    deferred: null,
    created_at,
    expires_at: runExpiresAt(created_at, options.retention_days ?? RUN_RETENTION_DAYS),
  };
}

/**
 * The extras as a partition item keeps them: whole within the limits, else none and their count
 * (`deferred_omitted`), so an item never outgrows DynamoDB's 400 KB and the run deletes nothing.
 */
export function boundedDeferred(deferred: {
  readonly files: readonly { readonly path: string; readonly size: number }[];
  readonly dirs: readonly string[];
  readonly source_files: number;
  readonly target_files: number;
}): { deferred: Deferred } | { deferred: null; deferred_omitted: number } {
  const found = deferred.files.length + deferred.dirs.length;
  const copy: Deferred = { ...deferred, files: [...deferred.files], dirs: [...deferred.dirs] };
  if (
    found <= PARTITION_DEFERRED_MAX &&
    Buffer.byteLength(JSON.stringify(copy)) <= PARTITION_DEFERRED_MAX_BYTES
  )
    return { deferred: copy };
  return { deferred: null, deferred_omitted: found };
}
