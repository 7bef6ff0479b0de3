import * as z from "../util/zod.ts";
import { InvalidMessageError } from "./errors.ts";

/** The message types on the sync queue: a run, and one folder of a run fanned out across workers. */
const SYNC_RUN = "sync.run";
const SYNC_PARTITION = "sync.partition";

const requiredString = () =>
  z
    .string({ error: (issue) => (issue.input === undefined ? "is required" : "must be a string") })
    .min(1, { error: "must not be empty" });
const configId = requiredString();
const taskId = requiredString();
const instant = z.iso.datetime({ offset: true, error: "must be an ISO 8601 date-time" });

/**
 * A schedule fire. It carries no task id: the Scheduler's input is static JSON, so the worker
 * derives the task id from `config_id` + `scheduled_time` (which also makes a duplicate delivery
 * of the same fire land on the same run).
 */
const scheduleMessageSchema = z.object({
  type: z.literal(SYNC_RUN, { error: `must be "${SYNC_RUN}"` }),
  trigger: z.literal("schedule"),
  config_id: configId,
  task_id: z
    .undefined({ error: "must be absent for a schedule fire (derived from config_id + scheduled_time)" })
    .optional(),
  scheduled_time: instant,
});

/** A run asked for by a person or the API; the run record already exists under `task_id`. */
const manualMessageSchema = z.object({
  type: z.literal(SYNC_RUN, { error: `must be "${SYNC_RUN}"` }),
  trigger: z.literal("manual"),
  config_id: configId,
  task_id: taskId,
  scheduled_time: instant.optional(),
});

/**
 * The next slice of a run that checkpointed before its Lambda deadline. `attempts` is the run's
 * attempt count when the message was sent: the delivery that finds the run at that count takes it
 * over, so of two deliveries of one continuation only one runs the sync. Without it (older
 * messages) a continuation waits, like any delivery, for the run's lease to lapse.
 */
const continuationMessageSchema = manualMessageSchema.extend({
  trigger: z.literal("continuation"),
  attempts: z.number({ error: "must be a number" }).int().min(0).optional(),
});

/** `{ type: "sync.run", config_id, task_id?, trigger, scheduled_time? }`, discriminated by `trigger`. */
const syncRunMessageSchema = z.discriminatedUnion(
  "trigger",
  [scheduleMessageSchema, manualMessageSchema, continuationMessageSchema],
  { error: 'must be one of "schedule", "manual", "continuation"' },
);

/**
 * A folder of a fanned-out run (`SYNCRON_FANOUT_ENTRIES`), relative to its source and target roots
 * (`""` is the root): its partition item exists under `task_id`. `attempts`, as for a continuation:
 * the partition's attempt count when its continuation was sent.
 */
const partitionMessageSchema = z.object({
  type: z.literal(SYNC_PARTITION, { error: `must be "${SYNC_PARTITION}"` }),
  config_id: configId,
  task_id: taskId,
  path: z
    .string({ error: (issue) => (issue.input === undefined ? "is required" : "must be a string") })
    .refine(
      (path) => path === "" || path.split("/").every((part) => part !== "" && part !== "." && part !== ".."),
      {
        error: 'must be a relative folder path ("" for the root; no empty, "." or ".." segment)',
      },
    ),
  attempts: z.number({ error: "must be a number" }).int().min(0).optional(),
});

export type ScheduleMessage = z.infer<typeof scheduleMessageSchema>;
export type ManualMessage = z.infer<typeof manualMessageSchema>;
export type ContinuationMessage = z.infer<typeof continuationMessageSchema>;
export type SyncRunMessage = z.infer<typeof syncRunMessageSchema>;
export type Trigger = SyncRunMessage["trigger"];
export type PartitionMessage = z.infer<typeof partitionMessageSchema>;
/** Any message of the sync queue. */
export type QueueMessage = SyncRunMessage | PartitionMessage;

export const isPartitionMessage = (message: QueueMessage): message is PartitionMessage =>
  message.type === SYNC_PARTITION;

/** The message that has a worker sync one partition of a run (again, at `attempts`, to continue it). */
export const partitionMessage = (partition: {
  readonly config_id: string;
  readonly task_id: string;
  readonly path: string;
  readonly attempts?: number;
}): PartitionMessage => ({
  type: SYNC_PARTITION,
  config_id: partition.config_id,
  task_id: partition.task_id,
  path: partition.path,
  ...(partition.attempts === undefined ? {} : { attempts: partition.attempts }),
});

/**
 * The message of a schedule fire of `configId` at `scheduledTime`: an ISO instant, or the
 * placeholder a backend fills in at fire time. Keys in a fixed order, so its JSON compares equal.
 */
export const scheduleMessage = (configId: string, scheduledTime: string): ScheduleMessage => ({
  type: SYNC_RUN,
  trigger: "schedule",
  config_id: configId,
  scheduled_time: scheduledTime,
});

/**
 * The message that runs an existing task (`manual`) or its next slice (`continuation`, with the
 * run's `attempts` when given).
 */
export const taskMessage = <T extends "manual" | "continuation">(
  trigger: T,
  task: {
    readonly config_id: string;
    readonly task_id: string;
    readonly scheduled_time?: string | null;
    readonly attempts?: number;
  },
): Extract<SyncRunMessage, { trigger: T }> =>
  ({
    type: SYNC_RUN,
    trigger,
    config_id: task.config_id,
    task_id: task.task_id,
    ...(task.scheduled_time ? { scheduled_time: task.scheduled_time } : {}),
    ...(trigger === "continuation" && task.attempts !== undefined ? { attempts: task.attempts } : {}),
  }) as Extract<SyncRunMessage, { trigger: T }>;

/**
 * Formats a fire instant the way EventBridge Scheduler fills `<aws.scheduler.scheduled-time>`
 * (`2026-01-01T02:00:00Z`, whole seconds), so local fires and AWS fires key runs identically.
 */
export const formatScheduledTime = (instant: Date): string => `${instant.toISOString().slice(0, 19)}Z`;

/**
 * Validates a message object: a `sync.partition` by its schema, anything else as a `sync.run`. Throws
 * InvalidMessageError naming the first bad field and its value.
 */
export function validateMessage(input: unknown): QueueMessage {
  if (input === null || typeof input !== "object" || Array.isArray(input)) {
    throw new InvalidMessageError(
      `Invalid sync.run message: message must be a JSON object (got ${JSON.stringify(input)}).`,
      "message",
      input,
    );
  }
  const partition = (input as { type?: unknown }).type === SYNC_PARTITION;
  const kind = partition ? SYNC_PARTITION : SYNC_RUN;
  const result = (partition ? partitionMessageSchema : syncRunMessageSchema).safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path ?? [];
  const field = path.length > 0 ? path.join(".") : "message";
  const value = path.reduce<unknown>(
    (node, key) =>
      node !== null && typeof node === "object" ? (node as Record<PropertyKey, unknown>)[key] : undefined,
    input,
  );
  const shown = value === undefined ? "missing" : JSON.stringify(value);
  throw new InvalidMessageError(
    `Invalid ${kind} message: ${field} ${issue?.message ?? "is invalid"} (got ${shown}).`,
    field,
    value,
  );
}

/** Parses an SQS body. Throws InvalidMessageError (field "body" for text that is not JSON). */
export function parseMessage(body: string): QueueMessage {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    throw new InvalidMessageError(
      `Invalid sync.run message: body is not JSON (got ${JSON.stringify(body.slice(0, 80))}).`,
      "body",
      body,
      { cause: error },
    );
  }
  return validateMessage(json);
}
