import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { Context } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalDynamoDb, startDynalite } from "../lib/dev/emulators/dynalite.ts";
import { type LocalSqsS3, startLocalSqsS3 } from "../lib/dev/emulators/fauxqs.ts";
import { ENV } from "../lib/env.ts";
import { ensureTable } from "../lib/store/table.ts";
import { apiEvent, parseResult } from "../test/support/api/api-event.ts";

const TOKEN = "t0ken";
let dynamo: LocalDynamoDb;
let sqsEmulator: LocalSqsS3;
let sqs: SQSClient;
let queueUrl: string;
const saved = { ...process.env };

beforeAll(async () => {
  [dynamo, sqsEmulator] = await Promise.all([startDynalite(), startLocalSqsS3()]);
  const raw = new DynamoDBClient(dynamo);
  await ensureTable(raw, "syncron-fn");
  raw.destroy();
  sqs = new SQSClient(sqsEmulator);
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: "fn-sync" }))).QueueUrl!;
  // What Lambda and infra provide: region, credentials, and the variables of lib/env.ts.
  Object.assign(process.env, {
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_SQS: sqsEmulator.endpoint,
    // Nothing listens here: scheduler calls fail fast, as in an outage.
    AWS_ENDPOINT_URL_SCHEDULER: "http://127.0.0.1:9",
    AWS_MAX_ATTEMPTS: "1",
    POWERTOOLS_LOG_LEVEL: "SILENT",
    [ENV.table]: "syncron-fn",
    [ENV.queueUrl]: queueUrl,
    [ENV.queueArn]: "arn:aws:sqs:us-east-1:123456789012:fn-sync",
    [ENV.scheduleGroup]: "syncron-fn",
    [ENV.schedulerRoleArn]: "arn:aws:iam::123456789012:role/scheduler",
    [ENV.apiToken]: TOKEN,
  });
});
afterAll(async () => {
  process.env = saved;
  sqs?.destroy();
  await Promise.all([dynamo?.stop(), sqsEmulator?.stop()]);
});

const call = async (input: Parameters<typeof apiEvent>[0]) => {
  const { handler } = await import("./api.ts");
  return parseResult(await handler(apiEvent(input), {} as Context));
};
const auth = { authorization: `Bearer ${TOKEN}` };

describe("functions/api handler", () => {
  it("builds its dependencies from the environment and serves requests", async () => {
    expect(await call({ method: "GET", path: "/healthz" })).toMatchObject({
      status: 200,
      body: { ok: true },
    });
    expect((await call({ method: "GET", path: "/api/v1/sync-configs" })).status).toBe(401);
    expect(await call({ method: "GET", path: "/api/v1/sync-configs", headers: auth })).toMatchObject({
      status: 200,
      body: { items: [], next_cursor: null },
    });
  });

  it("writes configs to DynamoDB and runs to SQS; a scheduler outage is reported, not fatal", async () => {
    const created = await call({
      method: "POST",
      path: "/api/v1/sync-configs",
      headers: auth,
      body: { name: "n", source: "/a", target: "/b", cron: "0 2 * * *" },
    });
    expect(created.status).toBe(201);
    expect(created.body.schedule_error).toEqual(expect.any(String));
    const run = await call({
      method: "POST",
      path: `/api/v1/task/scheduler/execute-sync/${created.body.id}`,
      headers: auth,
    });
    expect(run).toMatchObject({ status: 202, body: { config_id: created.body.id, status: "PENDING" } });
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }),
    );
    expect(Messages.map((m) => JSON.parse(m.Body ?? "{}").task_id)).toEqual([run.body.task_id]);
    const status = await call({ method: "GET", path: "/api/v1/task/scheduler/task-status", headers: auth });
    expect(status).toMatchObject({ status: 503, body: { error: { code: "SCHEDULER_UNAVAILABLE" } } });
  });
});
