import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  waitUntilTableExists,
} from "@aws-sdk/client-dynamodb";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, describe, expect, it } from "vitest";
import { sharedEmulators, uniqueName } from "../../test/support/emulators/shared-emulators.ts";
import { startDynamoDbLocal } from "../../test/support/store/dynamodb-local.ts";
import { runItem } from "./keys.ts";
import { newRun } from "./run.ts";
import { createTableInput } from "./schema.ts";
import { createDocumentClient, createStore } from "./store.ts";
import { newSyncConfig, SyncConfigInputSchema } from "./sync-config.ts";
import { ensureTable } from "./table.ts";

const now = new Date("2026-11-28T10:00:00.000Z");
const dynalite = sharedEmulators().dynamo;
const dynamoDbLocal = await startDynamoDbLocal();
afterAll(async () => {
  await dynamoDbLocal?.stop();
});

/** The table as the syncron before the all-runs index created it, with a config, a run and a preview in it. */
async function oldTable(
  raw: DynamoDBClient,
  docs: ReturnType<typeof createDocumentClient>,
  tableName: string,
) {
  const input = createTableInput(tableName);
  await raw.send(
    new CreateTableCommand({
      ...input,
      AttributeDefinitions: input.AttributeDefinitions.filter((a) => !a.AttributeName.startsWith("gsi3")),
      GlobalSecondaryIndexes: input.GlobalSecondaryIndexes.filter((i) => i.IndexName !== "gsi3"),
    }),
  );
  // A table is CREATING for a moment (dynalite flips it on a timer, later under load): writes to it
  // until it is ACTIVE fail with ResourceNotFoundException, as on DynamoDB.
  await waitUntilTableExists({ client: raw, maxWaitTime: 60 }, { TableName: tableName });
  const config = newSyncConfig(
    SyncConfigInputSchema.parse({ name: "old", source: "/a", target: "/b", cron: "0 2 * * *" }),
    { id: "cfg", now },
  );
  const {
    gsi3pk: _p,
    gsi3sk: _s,
    ...oldRun
  } = runItem(newRun({ task_id: "old-run", config_id: "cfg", trigger: "manual", now }));
  await docs.send(new PutCommand({ TableName: tableName, Item: oldRun }));
  const {
    gsi3pk: _pp,
    gsi3sk: _ps,
    ...oldPreview
  } = runItem(newRun({ task_id: "old-preview", config_id: "preview-old-preview", trigger: "preview", now }));
  await docs.send(new PutCommand({ TableName: tableName, Item: oldPreview }));
  await createStore({ client: docs, tableName }).configs.create(config);
}

const emulators = [
  { name: "dynalite", local: dynalite },
  ...(dynamoDbLocal ? [{ name: "DynamoDB Local", local: dynamoDbLocal }] : []),
];

describe.each(emulators)("ensureTable over a table of an older syncron ($name)", ({ local }) => {
  const raw = new DynamoDBClient({ ...local, maxAttempts: 3 });
  const docs = createDocumentClient({ ...local, maxAttempts: 3 });
  afterAll(() => {
    raw.destroy();
    docs.destroy();
  });

  it("adds the missing index, keeps every item, and lists the old runs (previews apart)", async () => {
    const tableName = uniqueName("old");
    await oldTable(raw, docs, tableName);
    await ensureTable(raw, tableName);
    const { Table } = await raw.send(new DescribeTableCommand({ TableName: tableName }));
    expect(Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort()).toEqual(["gsi1", "gsi2", "gsi3"]);
    const store = createStore({ client: docs, tableName });
    expect((await store.configs.get("cfg"))?.name).toBe("old");
    expect((await store.runs.list()).items.map((r) => r.task_id)).toEqual(["old-run"]);
    expect((await store.runs.listByConfig("cfg")).items.map((r) => r.task_id)).toEqual(["old-run"]);
    expect((await store.runs.list({ previews: true })).items.map((r) => r.task_id)).toEqual(["old-preview"]);
    const { TableNames = [] } = await raw.send(new ListTablesCommand({}));
    expect(TableNames.filter((name) => name.startsWith(tableName))).toEqual([tableName]);
    // Twice changes nothing.
    await ensureTable(raw, tableName);
    expect((await store.runs.list()).items).toHaveLength(1);
  });

  it("finishes a rebuild killed after the old table was dropped, from its complete copy", async () => {
    const tableName = uniqueName("old");
    const backup = `${tableName}-rebuild`;
    await oldTable(raw, docs, backup);
    await docs.send(new PutCommand({ TableName: backup, Item: { pk: "REBUILD#DONE", sk: "REBUILD" } }));
    await ensureTable(raw, tableName);
    const store = createStore({ client: docs, tableName });
    expect((await store.configs.get("cfg"))?.name).toBe("old");
    expect((await store.runs.list()).items.map((r) => r.task_id)).toEqual(["old-run"]);
    const { TableNames = [] } = await raw.send(new ListTablesCommand({}));
    expect(TableNames).not.toContain(backup);
  });

  it("drops an incomplete copy (killed while copying) and keeps the old table's items", async () => {
    const tableName = uniqueName("old");
    await oldTable(raw, docs, tableName);
    await raw.send(new CreateTableCommand(createTableInput(`${tableName}-rebuild`)));
    await ensureTable(raw, tableName);
    const store = createStore({ client: docs, tableName });
    expect((await store.configs.get("cfg"))?.name).toBe("old");
    expect((await store.runs.list()).items.map((r) => r.task_id)).toEqual(["old-run"]);
    await raw.send(new DeleteTableCommand({ TableName: tableName }));
  });
});
