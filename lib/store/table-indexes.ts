import {
  type AttributeValue,
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  PutItemCommand,
  ResourceNotFoundException,
  ScanCommand,
  type TableDescription,
  UpdateTableCommand,
} from "@aws-sdk/client-dynamodb";
import { allRunsPartition } from "./keys.ts";
import type { RunTrigger } from "./run.ts";
import { createTableInput, GLOBAL_INDEXES } from "./schema.ts";

type Item = Record<string, AttributeValue>;

/** The copy a rebuild goes through, and the item that says the copy is whole. */
const backupName = (tableName: string) => `${tableName}-rebuild`;
const DONE_MARKER: Item = { pk: { S: "REBUILD#DONE" }, sk: { S: "REBUILD" } };
const isMarker = (item: Item) => item.pk?.S === DONE_MARKER.pk?.S;

/**
 * An item with the index keys this version adds: a run recorded before the all-runs index gets its
 * keys (the same sort key as its config's listing). Other items are returned as they are.
 */
function rekeyed(item: Item): Item {
  if (!item.pk?.S?.startsWith("RUN#") || item.gsi3pk || !item.gsi1sk) return item;
  const partition = allRunsPartition((item.trigger?.S ?? "manual") as RunTrigger);
  return { ...item, gsi3pk: { S: partition }, gsi3sk: item.gsi1sk };
}

async function* scanAll(client: DynamoDBClient, tableName: string): AsyncGenerator<Item[]> {
  let start: Item | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        ConsistentRead: true,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    yield page.Items ?? [];
    start = page.LastEvaluatedKey;
  } while (start);
}

async function putAll(client: DynamoDBClient, tableName: string, items: Item[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    let requests = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    while (requests.length > 0) {
      const { UnprocessedItems } = await client.send(
        new BatchWriteItemCommand({ RequestItems: { [tableName]: requests } }),
      );
      requests = (UnprocessedItems?.[tableName] ?? []) as typeof requests;
    }
  }
}

async function copyTable(client: DynamoDBClient, from: string, to: string): Promise<void> {
  for await (const items of scanAll(client, from)) {
    await putAll(client, to, items.filter((item) => !isMarker(item)).map(rekeyed));
  }
}

async function exists(client: DynamoDBClient, tableName: string) {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

const missingIndexes = (table: TableDescription) => {
  const present = new Set((table.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  return Object.keys(GLOBAL_INDEXES).filter((name) => !present.has(name));
};

/**
 * Brings a table created by an older syncron up to the schema's indexes, keeping every item, and
 * gives old runs the all-runs index keys. Where UpdateTable creates indexes (DynamoDB, DynamoDB
 * Local) it does that; where it cannot (dynalite ignores index creation), the table is rebuilt
 * through a whole copy, `<table>-rebuild`, that is only used once marked complete, so a process
 * killed at any step loses nothing: the next start finishes the job. `waitActive` waits for the
 * table and its indexes. Returns whether anything changed.
 */
export async function upgradeTable(
  client: DynamoDBClient,
  tableName: string,
  waitActive: (tableName: string) => Promise<void>,
): Promise<boolean> {
  const backup = backupName(tableName);
  if (await exists(client, backup)) {
    await restoreFrom(client, backup, tableName, waitActive);
    return true;
  }
  const table = await exists(client, tableName);
  if (!table || missingIndexes(table).length === 0) return false;
  try {
    for (const name of missingIndexes(table)) {
      const index = GLOBAL_INDEXES[name as keyof typeof GLOBAL_INDEXES];
      const full = createTableInput(tableName);
      const keys: string[] = [index.hashKey, index.rangeKey];
      await client.send(
        new UpdateTableCommand({
          TableName: tableName,
          AttributeDefinitions: full.AttributeDefinitions.filter((a) => keys.includes(a.AttributeName)),
          GlobalSecondaryIndexUpdates: [
            { Create: full.GlobalSecondaryIndexes.find((i) => i.IndexName === name)! },
          ],
        }),
      );
      await waitActive(tableName);
    }
  } catch {
    // dynalite refuses index creation (a ValidationException): the rebuild below does it.
  }
  const after = await exists(client, tableName);
  if (after && missingIndexes(after).length === 0) {
    // The indexes exist now; old runs still need the new keys to be listed.
    for await (const items of scanAll(client, tableName)) {
      for (const item of items) {
        const keyed = rekeyed(item);
        if (keyed !== item) await client.send(new PutItemCommand({ TableName: tableName, Item: keyed }));
      }
    }
    return true;
  }
  // UpdateTable did not add them: rebuild through a complete, marked copy.
  await client.send(new CreateTableCommand(createTableInput(backup)));
  await waitActive(backup);
  await copyTable(client, tableName, backup);
  await client.send(new PutItemCommand({ TableName: backup, Item: DONE_MARKER }));
  await restoreFrom(client, backup, tableName, waitActive);
  return true;
}

/** Recreates `tableName` from a complete backup and drops the backup; an incomplete backup is dropped alone. */
async function restoreFrom(
  client: DynamoDBClient,
  backup: string,
  tableName: string,
  waitActive: (tableName: string) => Promise<void>,
): Promise<void> {
  await waitActive(backup);
  let complete = false;
  for await (const items of scanAll(client, backup)) complete ||= items.some(isMarker);
  if (complete) {
    if (await exists(client, tableName)) {
      await client.send(new DeleteTableCommand({ TableName: tableName }));
      await waitGone(client, tableName);
    }
    await client.send(new CreateTableCommand(createTableInput(tableName)));
    await waitActive(tableName);
    await copyTable(client, backup, tableName);
  }
  await client.send(new DeleteTableCommand({ TableName: backup }));
  await waitGone(client, backup);
  if (!complete) await upgradeTable(client, tableName, waitActive);
}

async function waitGone(client: DynamoDBClient, tableName: string): Promise<void> {
  for (let i = 0; i < 600 && (await exists(client, tableName)); i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
