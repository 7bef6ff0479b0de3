import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDynalite } from "../dev/emulators/dynalite.ts";
import { ServiceError } from "../util/service-error.ts";
import { ConflictError, StoreError } from "./errors.ts";
import { newId } from "./ids.ts";
import { createDocumentClient, createStore } from "./store.ts";
import { newSyncConfig, SyncConfigInputSchema } from "./sync-config.ts";
import { ensureTable } from "./table.ts";

/** DynamoDB's failures reach the store's callers as StoreErrors, retryable when DynamoDB says so. */

const now = new Date("2026-11-28T22:00:00.000Z");
const config = () =>
  newSyncConfig(
    SyncConfigInputSchema.parse({ name: "docs", source: "/a", target: "/b", cron: "0 2 * * *" }),
    {
      id: newId(),
      now,
    },
  );

/** A store over `endpoint` whose SDK tries each call once, so a failure shows at once. */
const storeAt = (endpoint: string, tableName = "syncron") =>
  createStore({
    client: createDocumentClient({
      endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
      maxAttempts: 1,
    }),
    tableName,
    now: () => now,
  });

/** Rejects with the error the promise rejects with (fails when it resolves). */
const failure = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
};

describe("store errors at the DynamoDB edge", () => {
  let throttling: Server;
  let throttlingUrl: string;
  beforeAll(async () => {
    // Answers every call as DynamoDB answers a throttled one: HTTP 400 with the exception's type.
    throttling = createServer((_request, response) => {
      response.writeHead(400, { "content-type": "application/x-amz-json-1.0" });
      response.end(
        JSON.stringify({
          __type: "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
          message: "The level of configured provisioned throughput for the table was exceeded.",
        }),
      );
    });
    await new Promise<void>((resolve) => throttling.listen(0, "127.0.0.1", resolve));
    throttlingUrl = `http://127.0.0.1:${(throttling.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => throttling.close(() => resolve())));

  it("turns an unreachable DynamoDB (dynalite stopped) into a retryable StoreError", async () => {
    const dynamo = await startDynalite();
    await ensureTable(new DynamoDBClient({ ...dynamo, maxAttempts: 1 }), "syncron");
    const store = storeAt(dynamo.endpoint);
    const created = await store.configs.create(config());
    await dynamo.stop();

    const error = await failure(store.configs.get(created.id));
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toBeInstanceOf(ServiceError);
    expect(error).toMatchObject({ name: "StoreError", retryable: true });
    expect((error as Error).message).toMatch(/^DynamoDB call failed: /);
    expect((error as Error).cause).toBeDefined();
  });

  it("turns a throttled call into a retryable StoreError", async () => {
    const error = await failure(storeAt(throttlingUrl).runs.get("task-1"));
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ name: "StoreError", retryable: true });
    expect((error as Error).message).toContain("ProvisionedThroughputExceededException");
  });

  it("turns a call DynamoDB refuses for good (no such table) into a StoreError that is not retryable", async () => {
    const dynamo = await startDynalite();
    try {
      const error = await failure(storeAt(dynamo.endpoint, "no-such-table").configs.get("x"));
      expect(error).toBeInstanceOf(StoreError);
      expect(error).toMatchObject({ name: "StoreError", retryable: false });
      expect((error as Error).message).toContain("ResourceNotFoundException");
    } finally {
      await dynamo.stop();
    }
  });

  it("still reports a lost conditional write as ConflictError", async () => {
    const dynamo = await startDynalite();
    try {
      await ensureTable(new DynamoDBClient({ ...dynamo, maxAttempts: 1 }), "syncron");
      const store = storeAt(dynamo.endpoint);
      const created = await store.configs.create(config());
      const error = await failure(store.configs.create(created));
      expect(error).toBeInstanceOf(ConflictError);
      expect(error).toMatchObject({ name: "ConflictError", retryable: false });
    } finally {
      await dynamo.stop();
    }
  });
});
