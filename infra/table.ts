import { GLOBAL_INDEXES, PRIMARY_INDEX, TABLE_FIELDS, TTL_ATTRIBUTE } from "../lib/store/schema.ts";

/**
 * `sst.aws.Dynamo` key arguments, taken from the store's one schema (`lib/store/schema.ts`) so
 * infra never repeats a key name. Copies, because SST's argument types are mutable.
 */
export function dynamoKeyArgs() {
  return {
    fields: { ...TABLE_FIELDS },
    primaryIndex: { ...PRIMARY_INDEX },
    globalIndexes: Object.fromEntries(
      Object.entries(GLOBAL_INDEXES).map(([name, index]) => [name, { ...index }]),
    ),
    ttl: TTL_ATTRIBUTE,
  };
}

/** Names of the table's global secondary indexes, for IAM resources (`<table-arn>/index/<name>`). */
export const TABLE_INDEX_NAMES: readonly string[] = Object.keys(GLOBAL_INDEXES);
