/**
 * The one definition of syncron's DynamoDB table: keys, indexes and the TTL attribute.
 *
 * Plain data on purpose (no SDK import) so infra (`sst.aws.Dynamo`), the local stack and the tests
 * can all import it. The shape of {@link TABLE_FIELDS}, {@link PRIMARY_INDEX}, {@link GLOBAL_INDEXES}
 * and {@link TTL_ATTRIBUTE} matches `sst.aws.Dynamo`'s `fields`, `primaryIndex`, `globalIndexes`
 * and `ttl` arguments one to one.
 *
 * Single table, single-item conditional writes only (dynalite has no transactions):
 *
 * | item   | pk                 | sk       | gsi1pk (gsi1sk)                                   | gsi2pk (gsi2sk), sparse                               | gsi3pk (gsi3sk)                          |
 * |--------|--------------------|----------|---------------------------------------------------|-------------------------------------------------------|------------------------------------------|
 * | config | `CONFIG#<id>`      | `CONFIG` | `CONFIGS` (`<created_at>#<id>`): all configs      | `ENABLED` (`<id>`): only while enabled                | –                                        |
 * | run    | `RUN#<task_id>`    | `RUN`    | `RUNS#<config_id>` (`<created_at>#<task_id>`)     | `UNFINISHED` (`<created_at>#<task_id>`): PENDING, STARTED, RETRY | `RUNS` (`<created_at>#<task_id>`): all runs; `PREVIEWS` for previews |
 * | partition | `RUN#<task_id>` | `PART#<path>` | –                                          | –                                                     | –                                        |
 * | lease  | `LEASE#<config_id>`| `LEASE`  | –                                                 | –                                                     | –                                        |
 * | drive  | `DRIVE#<name>`     | `DRIVE`  | `DRIVES` (`<created_at>#<name>`): all drives      | –                                                     | –                                        |
 * | schedule record | `SCHEDULES#<group>` | `<schedule name>` | –                                | –                                                     | –                                        |
 *
 * A partition is one folder of a run fanned out across workers (lib/store/partitions.ts): beside its
 * run item, so one Query reads them all; the run item then carries `remaining`, `open_partitions` (a
 * string set, so each partition's finish is counted once) and `partitions_<counter>` sums.
 *
 * A schedule record is what the EventBridge Scheduler adapter last read of one schedule, with its
 * LastModificationDate (lib/schedule/schedule-records.ts): a group's records share a partition, so a
 * cold start reads them in a few strongly consistent Query pages.
 *
 * The constant partitions (`CONFIGS`, `DRIVES`, `ENABLED`, `UNFINISHED`, `RUNS`, `PREVIEWS`) are fine at syncron's scale
 * (thousands of configs, not millions). Runs and leases carry {@link TTL_ATTRIBUTE} (epoch
 * seconds) so DynamoDB deletes them eventually; code never relies on TTL for correctness.
 */

/** Attribute types of every key attribute (table and indexes). `sst.aws.Dynamo` `fields`. */
export const TABLE_FIELDS = {
  pk: "string",
  sk: "string",
  gsi1pk: "string",
  gsi1sk: "string",
  gsi2pk: "string",
  gsi2sk: "string",
  gsi3pk: "string",
  gsi3sk: "string",
} as const satisfies Record<string, "string" | "number" | "binary">;

export type KeyAttribute = keyof typeof TABLE_FIELDS;

/** The table's own key. `sst.aws.Dynamo` `primaryIndex`. */
export const PRIMARY_INDEX = { hashKey: "pk", rangeKey: "sk" } as const satisfies IndexKeys;

/** Index names, used by the repositories' queries. */
export const INDEX = {
  /** All configs (paged list, oldest first) and runs of one config (newest first). */
  byParent: "gsi1",
  /** Sparse: enabled configs, and runs not yet finished (PENDING, STARTED, RETRY). */
  sparse: "gsi2",
  /** Every run, newest first (`GET /api/v1/runs`). */
  allRuns: "gsi3",
} as const;

/** Global secondary indexes. `sst.aws.Dynamo` `globalIndexes`. */
export const GLOBAL_INDEXES = {
  [INDEX.byParent]: { hashKey: "gsi1pk", rangeKey: "gsi1sk", projection: "all" },
  [INDEX.sparse]: { hashKey: "gsi2pk", rangeKey: "gsi2sk", projection: "all" },
  [INDEX.allRuns]: { hashKey: "gsi3pk", rangeKey: "gsi3sk", projection: "all" },
} as const satisfies Record<string, IndexKeys & { projection: "all" | "keys-only" }>;

/** TTL attribute (epoch seconds). `sst.aws.Dynamo` `ttl`. */
export const TTL_ATTRIBUTE = "expires_at";

interface IndexKeys {
  readonly hashKey: KeyAttribute;
  readonly rangeKey: KeyAttribute;
}

/** Structurally a `CreateTableCommandInput` of `@aws-sdk/client-dynamodb` (checked in table.ts). */
export interface CreateTableInput {
  TableName: string;
  BillingMode: "PAY_PER_REQUEST";
  AttributeDefinitions: { AttributeName: string; AttributeType: "S" | "N" | "B" }[];
  KeySchema: { AttributeName: string; KeyType: "HASH" | "RANGE" }[];
  GlobalSecondaryIndexes: {
    IndexName: string;
    KeySchema: { AttributeName: string; KeyType: "HASH" | "RANGE" }[];
    Projection: { ProjectionType: "ALL" | "KEYS_ONLY" };
  }[];
}

const ATTRIBUTE_TYPE = { string: "S", number: "N", binary: "B" } as const;

const keySchema = (keys: IndexKeys): CreateTableInput["KeySchema"] => [
  { AttributeName: keys.hashKey, KeyType: "HASH" },
  { AttributeName: keys.rangeKey, KeyType: "RANGE" },
];

/**
 * The CreateTable request for this schema (on-demand billing). TTL is not part of CreateTable:
 * on AWS infra enables it on {@link TTL_ATTRIBUTE}; the emulators do not expire items.
 */
export function createTableInput(tableName: string): CreateTableInput {
  return {
    TableName: tableName,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: Object.entries(TABLE_FIELDS).map(([name, type]) => ({
      AttributeName: name,
      AttributeType: ATTRIBUTE_TYPE[type],
    })),
    KeySchema: keySchema(PRIMARY_INDEX),
    GlobalSecondaryIndexes: Object.entries(GLOBAL_INDEXES).map(([name, index]) => ({
      IndexName: name,
      KeySchema: keySchema(index),
      Projection: { ProjectionType: index.projection === "all" ? "ALL" : "KEYS_ONLY" },
    })),
  };
}
