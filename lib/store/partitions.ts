import { type DynamoDBDocumentClient, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { ConflictError, conditional, NotFoundError, succeeded } from "./errors.ts";
import { ExpressionBuilder } from "./expressions.ts";
import { getItem, putIfAbsent } from "./items.ts";
import { PARTITION_PREFIX, partitionKey, runKey } from "./keys.ts";
import { queryAll } from "./paging.ts";
import {
  type Deferred,
  newPartition,
  PARTITION_COUNTERS,
  type Partition,
  type PartitionCounters,
  type PartitionResult,
  PartitionSchema,
  type PartitionStatus,
} from "./partition.ts";

/**
 * Most partitions of one run open (handed over, not finished) at once: the run item lists them (so a
 * finish is counted once), and it must stay far below DynamoDB's 400 KB. Past it, a folder is walked
 * by the partition that found it. Paths longer than MAX_HANDOVER_PATH are walked in place too.
 */
export const MAX_OPEN_PARTITIONS = 1_000;
export const MAX_HANDOVER_PATH = 200;

/** What the run item says of its partitions: how many are open, and what the finished ones did. */
export interface FanoutTotals {
  readonly remaining: number;
  readonly totals: PartitionCounters;
}

/** The partitions of fanned-out runs, and the run item's count of them (schema.ts). */
export interface PartitionRepository {
  get(taskId: string, path: string): Promise<Partition | undefined>;
  /** Every partition of a run, in path order. */
  list(taskId: string): Promise<Partition[]>;
  /**
   * Hands folder `path` of a STARTED run over as a partition: counted once in the run's `remaining`,
   * then its item written `pending` unless it exists (asked again, nothing changes: a resumed partition
   * asks again about the folders it handed over). Resolves the item, or undefined when the run has
   * MAX_OPEN_PARTITIONS open already or the path is too long (the caller walks the folder itself).
   * Throws ConflictError when the run is not STARTED, NotFoundError when it does not exist.
   */
  handOver(run: { task_id: string; config_id: string }, path: string): Promise<Partition | undefined>;
  /**
   * A claim: the partition becomes `started` at `attempts + 1`, held until `claimedUntil` (epoch ms),
   * only while it is `expected.status` at `expected.attempts`, so of two deliveries that read it alike
   * exactly one wins (ConflictError for the other).
   */
  claim(
    taskId: string,
    path: string,
    expected: { status: PartitionStatus; attempts: number },
    claimedUntil: number,
  ): Promise<Partition>;
  /** Gives a started partition back (`pending`, at `attempts`) for a later delivery to retry. ConflictError otherwise. */
  release(taskId: string, path: string, attempts: number): Promise<Partition>;
  /** Saves a started partition's checkpoint, while it is `started` at `attempts`. ConflictError otherwise. */
  saveCheckpoint(taskId: string, path: string, attempts: number, checkpoint: unknown): Promise<Partition>;
  /**
   * Ends a partition `done` (with its kept extras) or `failed`, while it is unfinished (and at
   * `expectedAttempts`, when given). ConflictError otherwise: it ended already, or another claim has it.
   */
  finish(
    taskId: string,
    path: string,
    outcome: {
      status: "done" | "failed";
      result: PartitionResult;
      deferred?: Deferred | null;
      deferred_omitted?: number;
    },
    expectedAttempts?: number,
  ): Promise<Partition>;
  /**
   * Counts a finished partition on its run in one conditional update: `remaining` − 1 and its counters
   * added, only while the run lists it open, so a redelivered finish counts once (`counted: false`).
   */
  count(
    taskId: string,
    path: string,
    counters: PartitionCounters,
  ): Promise<FanoutTotals & { counted: boolean }>;
  /** The run's open partitions and summed counters; undefined for a run that never fanned out. */
  totals(taskId: string): Promise<FanoutTotals | undefined>;
  /**
   * Takes the one step that ends a STARTED fanned-out run (deletes, result) until `until` (epoch ms):
   * false while another worker holds it (a finish delivered twice at once), or once the run ended.
   */
  claimEnd(taskId: string, until: number, now: number): Promise<boolean>;
}

/** The run item's attributes of a fan-out: the open set (so a count lands once) and the sums. */
const OPEN = "open_partitions";
const REMAINING = "remaining";
const ENDING = "ending_until";
const sumName = (counter: string) => `partitions_${counter}`;
/** A set element per path: a DynamoDB set holds no duplicates, and "/" stands for the root. */
const element = (path: string) => `/${path}`;

const totalsOf = (item: Record<string, unknown>): FanoutTotals => ({
  remaining: Number(item[REMAINING] ?? 0),
  totals: Object.fromEntries(
    PARTITION_COUNTERS.map((name) => [name, Number(item[sumName(name)] ?? 0)]),
  ) as PartitionCounters,
});

export function createPartitionRepository(deps: {
  client: DynamoDBDocumentClient;
  tableName: string;
  now: () => Date;
  retentionDays: number;
}): PartitionRepository {
  const { client, tableName } = deps;
  const parse = (item: Record<string, unknown>): Partition => PartitionSchema.parse(item);
  const get = (taskId: string, path: string) => getItem(deps, partitionKey(taskId, path), parse);
  const runItem = (taskId: string) => getItem(deps, runKey(taskId), (item) => item);

  /** One conditional update of a partition; a failed condition is a ConflictError saying what it is now. */
  const update = async (
    taskId: string,
    path: string,
    set: Record<string, unknown>,
    expected: { statuses: readonly PartitionStatus[]; attempts?: number },
  ): Promise<Partition> => {
    const expr = new ExpressionBuilder();
    const updateExpression = expr.update({ set });
    const conditions = [
      "attribute_exists(pk)",
      `${expr.name("status")} IN (${expected.statuses.map((s) => expr.value(s)).join(", ")})`,
      ...(expected.attempts === undefined
        ? []
        : [`${expr.name("attempts")} = ${expr.value(expected.attempts)}`]),
    ];
    return conditional(
      async () => {
        const { Attributes } = await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: partitionKey(taskId, path),
            UpdateExpression: updateExpression,
            ConditionExpression: conditions.join(" AND "),
            ReturnValues: "ALL_NEW",
            ...expr.attributes(),
          }),
        );
        return parse(Attributes ?? {});
      },
      async (cause) => {
        const current = await get(taskId, path);
        const what = `partition ${JSON.stringify(path)} of run ${JSON.stringify(taskId)}`;
        if (!current) throw new ConflictError(`${what} does not exist`, { cause });
        throw new ConflictError(
          `${what} is ${current.status} at attempts ${current.attempts}, expected ${expected.statuses.join(" or ")}${expected.attempts === undefined ? "" : ` at attempts ${expected.attempts}`}`,
          { cause },
        );
      },
    );
  };

  return {
    get,

    async list(taskId) {
      const items = await queryAll({ client, tableName, partition: runKey(taskId).pk, forward: true });
      return items.filter((item) => String(item.sk).startsWith(PARTITION_PREFIX)).map(parse);
    },

    async handOver(run, path) {
      const existing = await get(run.task_id, path);
      // Claimed or finished: it was counted before its message went out.
      if (existing && existing.status !== "pending") return existing;
      if (Buffer.byteLength(path) > MAX_HANDOVER_PATH) return undefined;
      const expr = new ExpressionBuilder();
      const open = expr.name(OPEN);
      const mine = expr.value(element(path));
      const condition = [
        `${expr.name("status")} = ${expr.value("STARTED")}`,
        `(attribute_not_exists(${open}) OR (NOT contains(${open}, ${mine}) AND size(${open}) < ${expr.value(MAX_OPEN_PARTITIONS)}))`,
      ].join(" AND ");
      const added = await conditional(
        async () => {
          await client.send(
            new UpdateCommand({
              TableName: tableName,
              Key: runKey(run.task_id),
              UpdateExpression: `ADD ${open} ${expr.value(new Set([element(path)]))}, ${expr.name(REMAINING)} ${expr.value(1)}`,
              ConditionExpression: `attribute_exists(pk) AND ${condition}`,
              ...expr.attributes(),
            }),
          );
          return true;
        },
        async (cause) => {
          const current = await runItem(run.task_id);
          if (!current) throw new NotFoundError("run", run.task_id, { cause });
          if ((current[OPEN] as Set<string> | undefined)?.has(element(path))) return true; // counted already
          if (current.status !== "STARTED")
            throw new ConflictError(
              `run ${JSON.stringify(run.task_id)} is ${String(current.status)}, expected STARTED`,
              { cause },
            );
          return false; // MAX_OPEN_PARTITIONS open
        },
      );
      if (!added) return undefined;
      const fresh = newPartition({
        task_id: run.task_id,
        config_id: run.config_id,
        path,
        now: deps.now(),
        retention_days: deps.retentionDays,
      });
      return conditional(
        async () => {
          await putIfAbsent(deps, { ...fresh, ...partitionKey(run.task_id, path) });
          return fresh;
        },
        async (cause) => {
          const current = await get(run.task_id, path);
          if (!current) throw new ConflictError(`partition ${path} vanished while created`, { cause });
          return current;
        },
      );
    },

    claim: (taskId, path, expected, claimedUntil) =>
      update(
        taskId,
        path,
        { status: "started", attempts: expected.attempts + 1, claimed_until: claimedUntil },
        { statuses: [expected.status], attempts: expected.attempts },
      ),

    release: (taskId, path, attempts) =>
      update(taskId, path, { status: "pending", claimed_until: null }, { statuses: ["started"], attempts }),

    saveCheckpoint: (taskId, path, attempts, checkpoint) =>
      update(taskId, path, { checkpoint }, { statuses: ["started"], attempts }),

    finish: (taskId, path, outcome, expectedAttempts) =>
      update(
        taskId,
        path,
        {
          status: outcome.status,
          result: outcome.result,
          deferred: outcome.deferred ?? null,
          deferred_omitted: outcome.deferred_omitted,
          checkpoint: null,
          claimed_until: null,
        },
        {
          statuses: ["pending", "started"],
          ...(expectedAttempts === undefined ? {} : { attempts: expectedAttempts }),
        },
      ),

    async count(taskId, path, counters) {
      const expr = new ExpressionBuilder();
      const open = expr.name(OPEN);
      const adds = [
        `${expr.name(REMAINING)} ${expr.value(-1)}`,
        ...PARTITION_COUNTERS.map((name) => `${expr.name(sumName(name))} ${expr.value(counters[name])}`),
      ];
      return conditional(
        async () => {
          const { Attributes = {} } = await client.send(
            new UpdateCommand({
              TableName: tableName,
              Key: runKey(taskId),
              UpdateExpression: `DELETE ${open} ${expr.value(new Set([element(path)]))} ADD ${adds.join(", ")}`,
              ConditionExpression: `contains(${open}, ${expr.value(element(path))})`,
              ReturnValues: "ALL_NEW",
              ...expr.attributes(),
            }),
          );
          return { counted: true, ...totalsOf(Attributes) };
        },
        async (cause) => {
          const current = await runItem(taskId);
          if (!current) throw new NotFoundError("run", taskId, { cause });
          return { counted: false, ...totalsOf(current) };
        },
      );
    },

    async totals(taskId) {
      const current = await runItem(taskId);
      return current && current[REMAINING] !== undefined ? totalsOf(current) : undefined;
    },

    claimEnd(taskId, until, now) {
      const expr = new ExpressionBuilder();
      const ending = expr.name(ENDING);
      const updateExpression = expr.update({ set: { [ENDING]: until } });
      const condition = `${expr.name("status")} = ${expr.value("STARTED")} AND (attribute_not_exists(${ending}) OR ${ending} < ${expr.value(now)})`;
      return succeeded(() =>
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: runKey(taskId),
            UpdateExpression: updateExpression,
            ConditionExpression: `attribute_exists(pk) AND ${condition}`,
            ...expr.attributes(),
          }),
        ),
      );
    },
  };
}
