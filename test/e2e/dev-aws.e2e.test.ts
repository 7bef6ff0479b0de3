import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDynalite } from "../../lib/dev/emulators/dynalite.ts";
import { startLocalSqsS3 } from "../../lib/dev/emulators/fauxqs.ts";
import { createDocumentClient, createStore } from "../../lib/store/store.ts";
import {
  E2E_TIMEOUT_MS,
  http,
  killAll,
  removeTempDirs,
  startDev,
  tempDir,
  waitForRun,
} from "../support/dev/dev-process.ts";

/**
 * `syncron dev --aws` against endpoints outside the process, the way it meets LocalStack or AWS:
 * here a dynalite and a fauxqs started by the test, reached through the SDK's
 * `AWS_ENDPOINT_URL_<SERVICE>` variables.
 */
let dynamo: Awaited<ReturnType<typeof startDynalite>>;
let sqsS3: Awaited<ReturnType<typeof startLocalSqsS3>>;

beforeAll(async () => {
  [dynamo, sqsS3] = await Promise.all([startDynalite(), startLocalSqsS3()]);
});

afterAll(async () => {
  await killAll();
  await Promise.all([dynamo?.stop(), sqsS3?.stop()]);
  await removeTempDirs();
});

describe("syncron dev --aws", { timeout: E2E_TIMEOUT_MS }, () => {
  it("keeps configs and runs in the outside DynamoDB and runs syncs through the outside SQS", async () => {
    const work = await tempDir();
    await mkdir(join(work, "source"), { recursive: true });
    await writeFile(join(work, "source", "x.txt"), "remote");
    const env = {
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_SQS: sqsS3.endpoint,
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
    };
    const dev = await startDev({
      dataDir: join(work, "unused"),
      args: ["--aws", "--create", "--table", "e2e-table", "--queue", "e2e-sync", "--dlq", "e2e-sync-dlq"],
      env,
    });
    expect(dev.output()).toContain("data dir   e2e-table (--aws)");
    const created = await http(dev.url, "POST", "/api/v1/sync-configs", {
      json: { name: "aws", source: join(work, "source"), target: join(work, "target"), cron: "0 0 1 1 *" },
    });
    expect(created.status, created.text).toBe(201);
    const execute = await http(dev.url, "POST", `/api/v1/task/scheduler/execute-sync/${created.body.id}`);
    const run = await waitForRun(dev.url, execute.body.task_id);
    expect(run.status, JSON.stringify(run.error)).toBe("SUCCESS");
    expect(await readFile(join(work, "target", "x.txt"), "utf8")).toBe("remote");

    // The records are in the outside table, the queues (with the redrive policy) in the outside SQS.
    const doc = createDocumentClient({
      endpoint: dynamo.endpoint,
      region: dynamo.region,
      credentials: dynamo.credentials,
    });
    const sqs = new SQSClient({
      endpoint: sqsS3.endpoint,
      region: sqsS3.region,
      credentials: sqsS3.credentials,
    });
    try {
      const store = createStore({ client: doc, tableName: "e2e-table" });
      expect((await store.configs.get(created.body.id))?.name).toBe("aws");
      expect((await store.runs.get(execute.body.task_id))?.status).toBe("SUCCESS");
      const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: "e2e-sync" }));
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["RedrivePolicy"] }),
      );
      expect(JSON.parse(Attributes?.RedrivePolicy ?? "{}")).toMatchObject({
        maxReceiveCount: 5,
        deadLetterTargetArn: expect.stringContaining("e2e-sync-dlq"),
      });
    } finally {
      doc.destroy();
      sqs.destroy();
    }
    expect(await dev.stop()).toBe(0);
  });

  it("refuses --aws flags without --aws, with a usage error", async () => {
    const work = await tempDir();
    await expect(startDev({ dataDir: join(work, "d"), args: ["--table", "x"] })).rejects.toThrow(
      /--table needs --aws/,
    );
  });
});
