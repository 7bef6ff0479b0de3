/** The item reads and writes every repository makes the same way: one place for each. */
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { ConflictError, conditional } from "./errors.ts";

/** The table a repository works on. */
export interface ItemTable {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

/** One item by key, read strongly consistent and checked by `parse`; undefined when there is none. */
export async function getItem<T>(
  table: ItemTable,
  key: Record<string, string>,
  parse: (item: Record<string, unknown>) => T,
): Promise<T | undefined> {
  const { Item } = await table.client.send(
    new GetCommand({ TableName: table.tableName, Key: key, ConsistentRead: true }),
  );
  return Item ? parse(Item) : undefined;
}

/** Writes `item` only where its key is free; a taken key fails the condition (see `conditional`). */
export async function putIfAbsent(table: ItemTable, item: Record<string, unknown>): Promise<void> {
  await table.client.send(
    new PutCommand({
      TableName: table.tableName,
      Item: item,
      ConditionExpression: "attribute_not_exists(pk)",
    }),
  );
}

/** Writes a new item; `what` (e.g. `drive "nas"`) names it in the ConflictError thrown when its key is taken. */
export function putNew(table: ItemTable, item: Record<string, unknown>, what: string): Promise<void> {
  return conditional(
    () => putIfAbsent(table, item),
    (cause) => {
      throw new ConflictError(`${what} already exists`, { cause });
    },
  );
}
