import * as z from "../util/zod.ts";

/**
 * Run states: the seed's Celery states plus SKIPPED (a fire that found the config's lease held) and
 * CANCELLED (stopped on request, `POST /api/v1/runs/{task_id}/cancel`). The one list: the API's
 * enums, the dashboard and the CLI take it from here.
 */
export const RUN_STATUSES = [
  "PENDING",
  "STARTED",
  "SUCCESS",
  "FAILURE",
  "RETRY",
  "SKIPPED",
  "CANCELLED",
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
/** States after which a run never changes again. */
export const FINISHED_STATUSES = [
  "SUCCESS",
  "FAILURE",
  "SKIPPED",
  "CANCELLED",
] as const satisfies readonly RunStatus[];
export type FinishedStatus = (typeof FINISHED_STATUSES)[number];
export const isFinished = (status: RunStatus): status is FinishedStatus =>
  (FINISHED_STATUSES as readonly RunStatus[]).includes(status);
/** States a run can be retried from (a new run of its config, `retry_of` it): it failed or was cancelled. */
export const RETRYABLE_STATUSES = ["FAILURE", "CANCELLED"] as const satisfies readonly FinishedStatus[];
export const isRetryableStatus = (status: RunStatus): boolean =>
  (RETRYABLE_STATUSES as readonly RunStatus[]).includes(status);

/** `preview`: a dry run of a config not saved yet (POST /api/v1/sync-configs/preview), writing nowhere. */
export const RUN_TRIGGERS = ["schedule", "manual", "continuation", "preview"] as const;
export type RunTrigger = (typeof RUN_TRIGGERS)[number];

/** Runs are deleted by DynamoDB TTL this long after they finish (or are created, while unfinished). */
export const RUN_RETENTION_DAYS = 30;

const isoTime = z.iso.datetime({ offset: true });
const count = z.number().int().min(0);

export const RunProgressSchema = z.object({
  files_done: count,
  files_planned: count,
  bytes_done: count,
  bytes_planned: count,
});
export type RunProgress = z.output<typeof RunProgressSchema>;

export const RunErrorSchema = z.object({ code: z.string().min(1), message: z.string() });
export type RunError = z.output<typeof RunErrorSchema>;

/**
 * Most bytes (as JSON) of a run's stored `result`: a DynamoDB item holds at most 400 KB, and the run
 * has its other fields, progress and checkpoint beside it.
 */
export const RUN_RESULT_MAX_BYTES = 256 * 1024;

/** The fields a run may change after creation (the worker's transitions). */
const runMutableFields = {
  status: z.enum(RUN_STATUSES),
  started_at: isoTime.nullable(),
  finished_at: isoTime.nullable(),
  attempts: count,
  progress: RunProgressSchema,
  /** The sync result object (lib/sync), stored as is. */
  result: z.record(z.string(), z.unknown()).nullable(),
  error: RunErrorSchema.nullable(),
  /** Opaque state for a continuation; keep it small (a DynamoDB item holds at most 400 KB). */
  checkpoint: z.unknown().nullable(),
  /** When a cancel of this STARTED run was asked for; the worker stops it at its next file boundary. */
  cancel_requested_at: isoTime.nullable(),
  /**
   * What the run syncs, as a digest (lib/jobs/run-sync-job/sync-identity.ts), recorded when it first
   * started: a later invocation that finds its config or drive edited stops instead of going on.
   */
  started_as: z.string().nullable(),
};

export const RunPatchSchema = z.strictObject(runMutableFields).partial();
export type RunPatch = z.output<typeof RunPatchSchema>;

/** One execution of a sync config. `expires_at` (epoch seconds) is the DynamoDB TTL. */
export const RunSchema = z.object({
  task_id: z.string().min(1).max(200),
  config_id: z.string().min(1).max(128),
  trigger: z.enum(RUN_TRIGGERS),
  scheduled_time: isoTime.nullable(),
  created_at: isoTime,
  ...runMutableFields,
  checkpoint: runMutableFields.checkpoint.default(null),
  cancel_requested_at: runMutableFields.cancel_requested_at.default(null),
  started_as: runMutableFields.started_as.default(null),
  /** The failed or cancelled run this one retries (`POST /api/v1/runs/{task_id}/retry`). */
  retry_of: z.string().min(1).max(200).nullable().default(null),
  expires_at: z.number().int(),
  /** Set once the run fanned out across workers: its partitions not finished yet (lib/store/partitions.ts). */
  remaining: count.optional(),
  /**
   * A preview's config (a SyncConfig, never stored as one; the worker parses it): the run carries it,
   * so its retries and continuations find it. Holds no secret: config locations cannot.
   */
  preview_config: z.record(z.string(), z.unknown()).optional(),
});
export type Run = z.output<typeof RunSchema>;

/** The TTL (epoch seconds) of a run counted from `fromIso`. */
export function runExpiresAt(fromIso: string, retentionDays: number = RUN_RETENTION_DAYS): number {
  return Math.ceil(Date.parse(fromIso) / 1000) + Math.round(retentionDays * 86_400);
}

/** A new PENDING run with zero progress. Pure: the task id and clock are passed in. */
export function newRun(options: {
  task_id: string;
  config_id: string;
  trigger: RunTrigger;
  scheduled_time?: string | null;
  now: Date;
  retention_days?: number;
  preview_config?: Record<string, unknown>;
  retry_of?: string | null;
}): Run {
  const created_at = options.now.toISOString();
  return RunSchema.parse({
    task_id: options.task_id,
    config_id: options.config_id,
    trigger: options.trigger,
    scheduled_time: options.scheduled_time ?? null,
    created_at,
    status: "PENDING",
    started_at: null,
    finished_at: null,
    attempts: 0,
    progress: { files_done: 0, files_planned: 0, bytes_done: 0, bytes_planned: 0 },
    result: null,
    error: null,
    checkpoint: null,
    cancel_requested_at: null,
    retry_of: options.retry_of ?? null,
    expires_at: runExpiresAt(created_at, options.retention_days),
    ...(options.preview_config ? { preview_config: options.preview_config } : {}),
  });
}
