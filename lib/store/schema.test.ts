import { describe, expect, it } from "vitest";
import { createTableInput, GLOBAL_INDEXES, PRIMARY_INDEX, TABLE_FIELDS, TTL_ATTRIBUTE } from "./schema.ts";

describe("table schema", () => {
  it("defines every key attribute exactly once and only key attributes", () => {
    const input = createTableInput("t");
    const used = new Set([
      ...input.KeySchema.map((k) => k.AttributeName),
      ...input.GlobalSecondaryIndexes.flatMap((i) => i.KeySchema.map((k) => k.AttributeName)),
    ]);
    expect(input.AttributeDefinitions.map((a) => a.AttributeName).sort()).toEqual([...used].sort());
    expect(Object.keys(TABLE_FIELDS).sort()).toEqual([...used].sort());
  });

  it("produces the CreateTable request from the same definition infra uses", () => {
    const input = createTableInput("syncron-test");
    expect(input.TableName).toBe("syncron-test");
    expect(input.KeySchema).toEqual([
      { AttributeName: PRIMARY_INDEX.hashKey, KeyType: "HASH" },
      { AttributeName: PRIMARY_INDEX.rangeKey, KeyType: "RANGE" },
    ]);
    expect(input.GlobalSecondaryIndexes.map((i) => i.IndexName)).toEqual(Object.keys(GLOBAL_INDEXES));
    expect(input.GlobalSecondaryIndexes.every((i) => i.Projection.ProjectionType === "ALL")).toBe(true);
    expect(TTL_ATTRIBUTE in TABLE_FIELDS).toBe(false);
  });
});
