import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sharedEmulators, uniqueName } from "../../test/support/emulators/shared-emulators.ts";
import { ConflictError } from "./errors.ts";
import { getItem, type ItemTable, putNew } from "./items.ts";
import { createDocumentClient } from "./store.ts";
import { ensureTable } from "./table.ts";

const { dynamo } = sharedEmulators();
const raw = new DynamoDBClient(dynamo);
const client = createDocumentClient(dynamo);
let table: ItemTable;

beforeAll(async () => {
  table = { client, tableName: uniqueName("items") };
  await ensureTable(raw, table.tableName);
});
afterAll(() => {
  raw.destroy();
  client.destroy();
});

const key = { pk: "DRIVE#nas", sk: "DRIVE#nas" };

describe("the repositories' item helpers", () => {
  it("putNew writes once, then refuses the taken key with a ConflictError naming the item, keeping the first", async () => {
    await putNew(table, { ...key, v: 1 }, 'drive "nas"');
    const again = putNew(table, { ...key, v: 2 }, 'drive "nas"');
    await expect(again).rejects.toBeInstanceOf(ConflictError);
    await expect(again).rejects.toThrow('drive "nas" already exists');
    expect(await getItem(table, key, (item) => item.v)).toBe(1);
  });

  it("getItem parses the item it finds and answers undefined for a missing one", async () => {
    expect(await getItem(table, { pk: "DRIVE#none", sk: "DRIVE#none" }, () => "parsed")).toBeUndefined();
    await expect(
      getItem(table, key, () => {
        throw new Error("bad item");
      }),
    ).rejects.toThrow("bad item");
  });
});
