import { Logger } from "@aws-lambda-powertools/logger";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { Context } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readDeploySettings } from "../infra/settings.ts";
import { readStageFile } from "../infra/stage-file.ts";
import { createApiHandler } from "../lib/api/handler.ts";
import { apiEnvironment } from "../lib/env.ts";
import { ensureTable } from "../lib/store/table.ts";
import { apiEvent, parseResult } from "../test/support/api/api-event.ts";
import {
  type LocalEndpoint,
  sharedEmulators,
  uniqueName,
} from "../test/support/emulators/shared-emulators.ts";
import { apiDepsFromEnv } from "./api.ts";

const TOKEN = "t0ken-of-16-chars-or-more";
const JWT_ENV = { SYNCRON_JWT_ISSUER: "https://id.example.com/", SYNCRON_JWT_AUDIENCE: "syncron" };

/** The API function's environment exactly as infra/aws/api.ts builds it for a deployed stage. */
function deployedEnv(env: Record<string, string>, stage = "prod"): Record<string, string> {
  const settings = readDeploySettings({
    stage,
    dev: false,
    env: { SYNCRON_API_TOKEN: TOKEN, ...env },
    file: readStageFile(stage, {}),
  });
  return apiEnvironment({
    table: TABLE,
    queueUrl,
    queueArn: "arn:aws:sqs:us-east-1:123456789012:fn-sync",
    dlqUrl: queueUrl,
    scheduleBackend: settings.scheduleBackend,
    scheduleGroup: "syncron-fn",
    schedulerRoleArn: "arn:aws:iam::123456789012:role/scheduler",
    scheduleDlqArn: "arn:aws:sqs:us-east-1:123456789012:fn-schedule-dlq",
    apiAuth: settings.auth.kind,
    reportsBucket: "syncron-fn-reports",
    ...(settings.apiToken === undefined ? {} : { apiToken: settings.apiToken }),
    drivesParameterPath: `/syncron/${stage}/drives`,
  });
}
/** This file's table and queue in the tier's shared emulators. */
const TABLE = uniqueName("syncron-fn");
const QUEUE = uniqueName("fn-sync");
let dynamo: LocalEndpoint;
let sqsEmulator: LocalEndpoint;
let sqs: SQSClient;
let queueUrl: string;
const saved = { ...process.env };

beforeAll(async () => {
  ({ dynamo, sqsS3: sqsEmulator } = sharedEmulators());
  const raw = new DynamoDBClient(dynamo);
  await ensureTable(raw, TABLE);
  raw.destroy();
  sqs = new SQSClient(sqsEmulator);
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: QUEUE }))).QueueUrl!;
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
    ...deployedEnv({}),
  });
});
afterAll(async () => {
  process.env = saved;
  sqs?.destroy();
});

const call = async (input: Parameters<typeof apiEvent>[0]) => {
  const { handler } = await import("./api.ts");
  return parseResult(await handler(apiEvent(input), {} as Context));
};
// A deployed IAM stage: API Gateway has checked the SigV4 signature in Authorization.
const auth = {
  authorization:
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261201/us-east-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date;x-syncron-token, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
  "x-syncron-token": TOKEN,
};

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
      body: { name: "n", source: "s3://bucket-a/x", target: "webdav://dav.example.com/b", cron: "0 2 * * *" },
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

describe("local locations on Lambda", () => {
  it("are refused (400 naming SYNCRON_LOCAL_ROOTS): a local folder cannot work there", async () => {
    const reply = await call({
      method: "POST",
      path: "/api/v1/sync-configs",
      headers: auth,
      body: { name: "n", source: "/etc/apt", target: "webdav://dav.example.com/x", cron: "0 2 * * *" },
    });
    expect(reply.status).toBe(400);
    expect(reply.body.error.details).toEqual([
      {
        path: "source",
        message:
          'local folder "/etc/apt" refused: local locations are off here (SYNCRON_LOCAL_ROOTS is not set); use s3:// or webdav://',
      },
    ]);
  });
});

describe("SYNCRON_API_TOKEN on a deployed stage", () => {
  const logger = new Logger({ serviceName: "test", logLevel: "SILENT" });
  const get = async (env: Record<string, string>, headers: Record<string, string>) =>
    parseResult(
      await createApiHandler(apiDepsFromEnv(env, logger))(
        apiEvent({ method: "GET", path: "/api/v1/sync-configs", headers }),
      ),
    ).status;

  it("with IAM: Authorization carries the SigV4 signature, the token comes in X-Syncron-Token", async () => {
    const env = deployedEnv({});
    expect(env.SYNCRON_API_AUTH).toBe("iam");
    expect(await get(env, auth)).toBe(200);
    expect(await get(env, { authorization: auth.authorization })).toBe(401);
    expect(await get(env, { ...auth, "x-syncron-token": "wrong-token-of-16-chars" })).toBe(401);
    // Where Authorization carries gateway auth, a bearer value there is never read as the token.
    expect(await get(env, { authorization: `Bearer ${TOKEN}` })).toBe(401);
  });

  it("with a JWT authorizer: Authorization carries the JWT, the token comes in X-Syncron-Token", async () => {
    const env = deployedEnv(JWT_ENV, "staging");
    expect(env.SYNCRON_API_AUTH).toBe("jwt");
    const jwt = "Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSIsImF1ZCI6InN5bmNyb24ifQ.c2lnbmF0dXJl";
    expect(await get(env, { authorization: jwt, "x-syncron-token": TOKEN })).toBe(200);
    expect(await get(env, { authorization: jwt })).toBe(401);
    expect(await get(env, { authorization: jwt, "x-syncron-token": "wrong-token-of-16-chars" })).toBe(401);
  });

  it("under sst dev (no gateway auth): Authorization: Bearer is the token, as is X-Syncron-Token", async () => {
    const settings = readDeploySettings({ stage: "alice", dev: true, env: { SYNCRON_API_TOKEN: TOKEN } });
    expect(settings.auth.kind).toBe("none");
    const env = { ...deployedEnv({}), SYNCRON_API_AUTH: settings.auth.kind };
    expect(await get(env, { authorization: `Bearer ${TOKEN}` })).toBe(200);
    expect(await get(env, { "x-syncron-token": TOKEN })).toBe(200);
    expect(await get(env, {})).toBe(401);
  });
});
