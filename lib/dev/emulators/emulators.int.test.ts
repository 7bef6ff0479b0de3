import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { CreateQueueCommand, GetQueueUrlCommand, SQSClient } from "@aws-sdk/client-sqs";
import { describe, expect, it } from "vitest";
import { startDynalite } from "./dynalite.ts";
import { startLocalSqsS3 } from "./fauxqs.ts";

describe("local emulators", () => {
  it("starts dynalite and answers DynamoDB calls", async () => {
    const local = await startDynalite();
    try {
      const client = new DynamoDBClient(local);
      await client.send(
        new CreateTableCommand({
          TableName: "things",
          BillingMode: "PAY_PER_REQUEST",
          AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
          KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
        }),
      );
      expect((await client.send(new ListTablesCommand({}))).TableNames).toEqual(["things"]);
    } finally {
      await local.stop();
    }
  });

  it("starts fauxqs and answers SQS calls", async () => {
    const local = await startLocalSqsS3();
    try {
      const client = new SQSClient(local);
      await client.send(new CreateQueueCommand({ QueueName: "q" }));
      const { QueueUrl } = await client.send(new GetQueueUrlCommand({ QueueName: "q" }));
      expect(QueueUrl).toContain("/q");
    } finally {
      await local.stop();
    }
  });
});
