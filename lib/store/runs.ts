import { type DynamoDBDocumentClient, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { ConflictError, conditional, NotFoundError } from "./errors.ts";
import { ExpressionBuilder } from "./expressions.ts";
import { scheduledTaskId } from "./ids.ts";
import { getItem, putIfAbsent, putNew } from "./items.ts";
import {
  ALL_RUNS_PARTITION,
  PREVIEW_RUNS_PARTITION,
  runItem,
  runKey,
  runsPartition,
  UNFINISHED_PARTITION,
} from "./keys.ts";
import { type Page, type PageOptions, queryAll, queryPage } from "./paging.ts";
import {
  isFinished,
  type Run,
  type RunPatch,
  RunPatchSchema,
  RunSchema,
  type RunStatus,
  runExpiresAt,
} from "./run.ts";
import { INDEX } from "./schema.ts";

/** Runs, keyed by task id. */
export interface RunRepository {
  /** Stores a new run. Throws ConflictError when the task id exists. */
  create(run: Run): Promise<Run>;
  /**
   * Stores the run of one scheduled fire unless it exists: idempotent on (config_id, scheduled_time)
   * because its task id must be `scheduledTaskId(config_id, scheduled_time)` (a RangeError otherwise).
   * Resolves the stored run and whether this call created it.
   */
  createScheduled(run: Run): Promise<{ created: boolean; run: Run }>;
  get(taskId: string): Promise<Run | undefined>;
  /**
   * Changes a run and returns it. With `expectedStatus` the write happens only while the run is in
   * (one of) those states, so transitions such as PENDING → STARTED are taken once; with
   * `expectedAttempts` only while `attempts` is that number, so of several claims of one run that
   * read it alike exactly one wins (ConflictError for the others). Setting a
   * finished status takes the run out of the unfinished index; setting `finished_at` restarts its
   * TTL. Throws NotFoundError, ConflictError (status not expected).
   */
  update(
    taskId: string,
    patch: RunPatch,
    options?: { expectedStatus?: RunStatus | readonly RunStatus[]; expectedAttempts?: number },
  ): Promise<Run>;
  /** Runs of one config, newest first, one page at a time. Throws InvalidCursorError. */
  listByConfig(configId: string, options?: PageOptions): Promise<Page<Run>>;
  /**
   * Every run of a config (or one config's), newest first, one page at a time; with `previews`, the
   * previews instead (they are no config's runs, and kept apart); with `status`, only runs in it
   * (such a page may hold fewer than `limit` runs and still have a `next_cursor`: follow it until
   * null). Throws InvalidCursorError.
   */
  list(options?: RunListOptions): Promise<Page<Run>>;
  /** Every run in PENDING, STARTED or RETRY (sparse index), oldest first: what a restarted dev stack resumes. */
  listUnfinished(): Promise<Run[]>;
}

export interface RunListOptions extends PageOptions {
  readonly configId?: string;
  readonly status?: RunStatus;
  /** List the preview runs (trigger `preview`) instead of the runs of configs. Ignored with `configId`. */
  readonly previews?: boolean;
}

export function createRunRepository(deps: {
  client: DynamoDBDocumentClient;
  tableName: string;
  retentionDays: number;
}): RunRepository {
  const { client, tableName } = deps;
  const parse = (item: Record<string, unknown>): Run => RunSchema.parse(item);

  const get = (taskId: string): Promise<Run | undefined> => getItem(deps, runKey(taskId), parse);
  const put = (run: Run): Promise<void> => putIfAbsent(deps, runItem(run));

  return {
    async create(run) {
      const valid = RunSchema.parse(run);
      await putNew(deps, runItem(valid), `run ${JSON.stringify(valid.task_id)}`);
      return valid;
    },

    async createScheduled(run) {
      const valid = RunSchema.parse(run);
      if (valid.scheduled_time === null) throw new RangeError("a scheduled run needs scheduled_time");
      const expected = scheduledTaskId(valid.config_id, valid.scheduled_time);
      if (valid.task_id !== expected) {
        throw new RangeError(`a scheduled run's task_id must be ${expected}, got ${valid.task_id}`);
      }
      return conditional(
        async () => {
          await put(valid);
          return { created: true, run: valid };
        },
        async (cause) => {
          const existing = await get(valid.task_id);
          // Only a concurrent delete could get here; TTL deletion happens days later.
          if (!existing) throw new ConflictError(`run ${valid.task_id} vanished while created`, { cause });
          return { created: false, run: existing };
        },
      );
    },

    get,

    async update(taskId, patch, options = {}) {
      const changes = RunPatchSchema.parse(patch);
      const expr = new ExpressionBuilder();
      const set: Record<string, unknown> = { ...changes };
      if (changes.finished_at) set.expires_at = runExpiresAt(changes.finished_at, deps.retentionDays);
      const status = changes.status;
      let updateExpression: string;
      if (status === undefined) updateExpression = expr.update({ set });
      else if (isFinished(status)) updateExpression = expr.update({ set, remove: ["gsi2pk", "gsi2sk"] });
      else {
        updateExpression = expr.update({
          set: { ...set, gsi2pk: UNFINISHED_PARTITION },
          copy: { gsi2sk: "gsi1sk" },
        });
      }
      const expected = options.expectedStatus === undefined ? [] : [options.expectedStatus].flat();
      const { expectedAttempts } = options;
      const expectation = [
        ...(expected.length ? [expected.join(" or ")] : []),
        ...(expectedAttempts === undefined ? [] : [`attempts ${expectedAttempts}`]),
      ].join(" with ");
      const unexpected = (current: Run): boolean =>
        (expected.length > 0 && !expected.includes(current.status)) ||
        (expectedAttempts !== undefined && current.attempts !== expectedAttempts);
      if (updateExpression === "") {
        // Nothing to write: still answer as a write would (missing run, unexpected status).
        const current = await get(taskId);
        if (!current) throw new NotFoundError("run", taskId);
        if (unexpected(current)) {
          throw new ConflictError(
            `run ${JSON.stringify(taskId)} is ${current.status} with attempts ${current.attempts}, expected ${expectation}`,
          );
        }
        return current;
      }
      const conditions = ["attribute_exists(pk)"];
      if (expected.length) {
        conditions.push(`${expr.name("status")} IN (${expected.map((s) => expr.value(s)).join(", ")})`);
      }
      if (expectedAttempts !== undefined) {
        conditions.push(`${expr.name("attempts")} = ${expr.value(expectedAttempts)}`);
      }
      return conditional(
        async () => {
          const { Attributes } = await client.send(
            new UpdateCommand({
              TableName: tableName,
              Key: runKey(taskId),
              UpdateExpression: updateExpression,
              ConditionExpression: conditions.join(" AND "),
              ReturnValues: "ALL_NEW",
              ...expr.attributes(),
            }),
          );
          return parse(Attributes ?? {});
        },
        async (cause) => {
          const current = await get(taskId);
          if (!current) throw new NotFoundError("run", taskId, { cause });
          throw new ConflictError(
            `run ${JSON.stringify(taskId)} is ${current.status} with attempts ${current.attempts}, expected ${expectation}`,
            { cause },
          );
        },
      );
    },

    async listByConfig(configId, options) {
      const page = await queryPage(
        { client, tableName, index: INDEX.byParent, partition: runsPartition(configId), forward: false },
        options,
      );
      return { items: page.items.map(parse), next_cursor: page.next_cursor };
    },

    async list(options = {}) {
      const { configId, status, previews = false, ...page } = options;
      const where =
        configId === undefined
          ? { index: INDEX.allRuns, partition: previews ? PREVIEW_RUNS_PARTITION : ALL_RUNS_PARTITION }
          : { index: INDEX.byParent, partition: runsPartition(configId) };
      const found = await queryPage(
        {
          client,
          tableName,
          ...where,
          forward: false,
          ...(status === undefined ? {} : { filter: { attribute: "status", value: status } }),
        },
        page,
      );
      return { items: found.items.map(parse), next_cursor: found.next_cursor };
    },

    async listUnfinished() {
      const items = await queryAll({
        client,
        tableName,
        index: INDEX.sparse,
        partition: UNFINISHED_PARTITION,
        forward: true,
      });
      return items.map(parse);
    },
  };
}
