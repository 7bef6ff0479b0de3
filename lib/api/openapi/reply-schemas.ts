import { ROW_OUTCOMES } from "../../jobs/seed-import/import-report.ts";
import { RUN_STATUSES, RUN_TRIGGERS, RunErrorSchema, RunProgressSchema } from "../../store/run.ts";
import { LastRunSchema, syncConfigFields } from "../../store/sync-config.ts";
import * as z from "../../util/zod.ts";

/**
 * The shapes the API answers, as zod schemas: the OpenAPI document is generated from them and the
 * API tests check every reply against the document, so a reply that changes shape fails a test.
 * Objects are open (`looseObject`): a field added to a reply is not a break, a field removed or retyped is.
 */

const isoTime = z.iso.datetime({ offset: true });

export const ErrorReply = z.strictObject({
  error: z.strictObject({
    code: z.string().meta({ description: "A stable, machine-readable code, e.g. VALIDATION_FAILED" }),
    message: z.string(),
    details: z
      .union([
        z.array(z.looseObject({ path: z.string(), message: z.string() })),
        z.record(z.string(), z.unknown()),
      ])
      .optional()
      .meta({ description: "One entry per bad field; for a 413, `{limit_bytes}`" }),
  }),
});

export const ConfigReply = z.looseObject({
  id: z.string(),
  ...syncConfigFields,
  source: z.string().meta({ description: "Secrets redacted as ***" }),
  target: z.string().meta({ description: "Secrets redacted as ***" }),
  created_at: isoTime,
  updated_at: isoTime,
  last_run: LastRunSchema.nullable(),
  version: z.number().int().min(1),
  next_runs: z.array(isoTime).meta({ description: "The next 5 fires, UTC; empty while disabled" }),
  schedule_error: z.string().optional(),
});

export const RunReply = z.looseObject({
  task_id: z.string(),
  config_id: z.string(),
  status: z.enum(RUN_STATUSES),
  trigger: z.enum(RUN_TRIGGERS),
  scheduled_time: isoTime.nullable(),
  created_at: isoTime,
  started_at: isoTime.nullable(),
  finished_at: isoTime.nullable(),
  attempts: z.number().int().min(0),
  progress: RunProgressSchema,
  result: z.record(z.string(), z.unknown()).nullable(),
  error: RunErrorSchema.nullable(),
  retry_of: z.string().nullable().meta({ description: "The failed or cancelled run this one retries" }),
  cancel_requested_at: isoTime
    .nullable()
    .meta({ description: "When a cancel of this running run was asked for" }),
});

export const TaskResultReply = RunReply.extend({
  ready: z.boolean(),
  successful: z.boolean(),
  failed: z.boolean(),
});

/** One file of a run's per-file report (lib/sync SyncItem). */
export const RunItem = z.strictObject({
  path: z.string(),
  op: z.enum(["copy", "update", "delete", "skip"]),
  size: z.number().int().min(0),
  status: z.enum(["done", "failed", "planned"]),
  error: z.string().optional(),
});

export const TaskItemsReply = z.looseObject({
  task_id: z.string(),
  status: z.string(),
  skipped: z.number().int().min(0),
  items: z.array(RunItem),
  next_cursor: z.string().nullable(),
});

const page = <T extends z.ZodType>(item: T) =>
  z.looseObject({ items: z.array(item), next_cursor: z.string().nullable() });

export const ConfigPage = page(ConfigReply);
export const RunPage = page(RunReply);

export const DeletedReply = z.looseObject({
  id: z.string(),
  deleted: z.literal(true),
  schedule_error: z.string().optional(),
});

export const CronReply = z.union([
  z.looseObject({
    valid: z.literal(true),
    expression: z.string(),
    timezone: z.string(),
    description: z.string(),
    next_runs: z.array(isoTime),
    eventbridge: z.array(z.string()),
    message: z.string(),
    next_run_in_seconds: z.number().int().nullable(),
  }),
  z.looseObject({ valid: z.literal(false), expression: z.string(), error: z.string() }),
]);

const reconcileError = z.looseObject({ config_id: z.string(), message: z.string() });

export const RefreshReply = z.looseObject({
  success: z.boolean(),
  added_count: z.number().int(),
  updated_count: z.number().int(),
  removed_count: z.number().int(),
  unchanged_count: z.number().int(),
  errors: z.array(reconcileError),
  message: z.string(),
  total_configs: z.number().int(),
  skipped_count: z.number().int(),
  error_count: z.number().int(),
  active_tasks: z.number().int(),
});

export const ClearReply = z.looseObject({
  success: z.boolean(),
  removed_count: z.number().int(),
  errors: z.array(reconcileError).optional(),
  message: z.string(),
  status: z.literal("cleared"),
});

export const TaskStatusReply = z.looseObject({
  backend: z.string(),
  scheduled_config_ids: z.array(z.string()),
  schedules: z.array(
    z.looseObject({
      config_id: z.string(),
      name: z.string(),
      expression: z.string(),
      timezone: z.string(),
      state: z.string(),
      next_run: isoTime.nullable(),
    }),
  ),
  queue: z.looseObject({
    messages_available: z.number().int(),
    messages_in_flight: z.number().int(),
    messages_delayed: z.number().int(),
    dead_letter: z.number().int().nullable(),
  }),
  total_scheduled_tasks: z.number().int(),
  task_names: z.array(z.string()),
});

export const QueuedReply = z.looseObject({
  task_id: z.string(),
  config_id: z.string(),
  status: z.literal("PENDING"),
  message: z.string(),
});

export const PreviewReply = z.looseObject({
  task_id: z.string(),
  config_id: z.string().meta({ description: "preview-<task_id>: the preview's own, never a stored config" }),
  status: z.literal("PENDING"),
});

export const RetryReply = QueuedReply.extend({ retry_of: z.string() });

export const CancelReply = RunReply.extend({ message: z.string() });

export const QueuedAllReply = z.looseObject({
  count: z.number().int(),
  task_ids: z.array(z.string()),
  message: z.string(),
});

export const HealthReply = z.looseObject({ ok: z.literal(true) });

export const DriveReply = z.looseObject({
  name: z.string(),
  type: z.string(),
  secrets_set: z
    .array(z.string())
    .meta({ description: "The secret fields that have a value; never a secret" }),
  created_at: isoTime,
  updated_at: isoTime,
  version: z.number().int().min(1),
});

export const DrivePage = z.looseObject({ items: z.array(DriveReply), next_cursor: z.string().nullable() });

export const DriveDeletedReply = z.looseObject({ name: z.string(), deleted: z.literal(true) });

export const DriveCheckReply = z.union([
  z.strictObject({ ok: z.literal(true) }),
  z.strictObject({
    ok: z.literal(false),
    error: z.strictObject({ code: z.enum(["AUTH_FAILED", "NOT_FOUND", "UNREACHABLE"]), message: z.string() }),
  }),
]);

export const DriveEntriesReply = z.looseObject({
  path: z.string(),
  items: z.array(
    z.strictObject({
      name: z.string(),
      type: z.enum(["file", "directory"]),
      size: z.number().nullable(),
      mod_time: isoTime.nullable(),
    }),
  ),
  truncated: z.boolean(),
});

const rowProblem = z.looseObject({ field: z.string(), message: z.string() });

/** POST /sync-configs/import: what became of each seed row. */
export const SeedImportReply = z.looseObject({
  dry_run: z.boolean(),
  summary: z.record(z.enum(ROW_OUTCOMES), z.number().int()),
  rows: z.array(
    z.looseObject({
      index: z.number().int(),
      seed_id: z.number().int().nullable(),
      id: z.string().nullable(),
      outcome: z.enum(ROW_OUTCOMES),
      config: z.looseObject({ name: z.string() }).optional(),
      last_sync: isoTime.optional(),
      notes: z.array(z.string()),
      problems: z.array(rowProblem).optional(),
      differs: z.array(z.string()).optional(),
      error: z.string().optional(),
      schedule_error: z.string().optional(),
    }),
  ),
});
