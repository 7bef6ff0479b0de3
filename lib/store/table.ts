import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
} from "@aws-sdk/client-dynamodb";
import { type CreateTableInput, createTableInput } from "./schema.ts";
import { upgradeTable } from "./table-indexes.ts";

// Compile-time proof that the plain-data schema is a valid CreateTable request.
const _typecheck: (input: CreateTableInput) => CreateTableCommandInput = (input) => input;
void _typecheck;

/**
 * Creates syncron's table from the schema if it does not exist, and waits until it is ACTIVE
 * (with its indexes). A table an older syncron created gets the indexes it lacks, every item kept
 * (`upgradeTable`). Used by the local stack and the tests; on AWS infra owns the table.
 */
export async function ensureTable(
  client: DynamoDBClient,
  tableName: string,
  options: { timeoutMs?: number } = {},
): Promise<void> {
  try {
    await client.send(new CreateTableCommand(createTableInput(tableName)));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  const timeoutMs = options.timeoutMs ?? 30_000;
  await waitActive(client, tableName, timeoutMs);
  // Also for a table just created: a rebuild killed after dropping the old one resumes from its copy.
  await upgradeTable(client, tableName, (name) => waitActive(client, name, timeoutMs));
}

async function waitActive(client: DynamoDBClient, tableName: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
      const indexesActive = (Table?.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === "ACTIVE");
      if (Table?.TableStatus === "ACTIVE" && indexesActive) return;
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
    if (Date.now() > deadline) throw new Error(`table ${tableName} did not become ACTIVE in time`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
