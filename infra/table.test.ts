import { describe, expect, it } from "vitest";
import { GLOBAL_INDEXES, PRIMARY_INDEX, TABLE_FIELDS, TTL_ATTRIBUTE } from "../lib/store/schema.ts";
import { dynamoKeyArgs, TABLE_INDEX_NAMES } from "./table.ts";

describe("dynamoKeyArgs", () => {
  it("is the store's schema, unchanged, in sst.aws.Dynamo's shape", () => {
    expect(dynamoKeyArgs()).toEqual({
      fields: TABLE_FIELDS,
      primaryIndex: PRIMARY_INDEX,
      globalIndexes: GLOBAL_INDEXES,
      ttl: TTL_ATTRIBUTE,
    });
  });

  it("names every index for IAM", () => {
    expect(TABLE_INDEX_NAMES).toEqual(Object.keys(GLOBAL_INDEXES));
    expect(TABLE_INDEX_NAMES.length).toBeGreaterThan(0);
  });
});
