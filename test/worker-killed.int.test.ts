import { type ChildProcess, spawn } from "node:child_process";
import { rm } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { SQSEvent } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDeadLetterConsumer } from "../lib/dev/dead-letters.ts";
import { type Poller, startPoller } from "../lib/dev/poller.ts";
import { ensureSyncQueues, type SyncQueues } from "../lib/dev/queues.ts";
import { ENV } from "../lib/env.ts";
import type { WorkerHandler } from "../lib/jobs/worker-handler.ts";
import { scheduleMessage, taskMessage } from "../lib/queue/message.ts";
import { MAX_RECEIVE_COUNT } from "../lib/queue/redrive.ts";
import { newId, scheduledTaskId } from "../lib/store/ids.ts";
import { newRun, type Run } from "../lib/store/run.ts";
import { createDocumentClient, createStore, type Store } from "../lib/store/store.ts";
import { newSyncConfig, type SyncConfig, SyncConfigInputSchema } from "../lib/store/sync-config.ts";
import { ensureTable } from "../lib/store/table.ts";
import { sharedEmulators, uniqueName } from "./support/emulators/shared-emulators.ts";
import { tempDir } from "./support/temp-dir.ts";

/**
 * A worker killed on every delivery never reaches its own dead-letter marking: each invocation runs
 * in a process of its own (test/support/jobs/worker-invocation.ts) that is SIGKILLed mid-run, or
 * whose init fails, as Lambda ends one that runs out of memory or time. The real fauxqs queue and
 * its redrive policy move the message to the dead-letter queue after 5 receives; its consumer (as
 * `syncron dev` and the deployed stack run it) must end the run.
 */
const INVOCATION = join(import.meta.dirname, "support/jobs/worker-invocation.ts");
const LEASE_TTL_MS = 500;
/** Longer than the lease: the next delivery finds the killed invocation's lease lapsed, as on AWS (visibility 6× the timeout). */
const REDELIVERY_S = 2;

const { dynamo, sqsS3 } = sharedEmulators();
const raw = new DynamoDBClient(dynamo);
const documents = createDocumentClient(dynamo);
const sqs = new SQSClient(sqsS3);
let tableName: string;
let store: Store;
let root: string;
/** Accepts connections and never answers: a sync reading from it runs until it is killed. */
let silent: Server;
const sockets = new Set<Socket>();
const children = new Set<ChildProcess>();

beforeAll(async () => {
  tableName = uniqueName("worker-killed");
  await ensureTable(raw, tableName);
  store = createStore({ client: documents, tableName });
  root = await tempDir("syncron-worker-killed-");
  silent = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
});
afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => silent?.close(resolve));
  await rm(root, { recursive: true, force: true });
  raw.destroy();
  documents.destroy();
  sqs.destroy();
});

const givenConfig = (): Promise<SyncConfig> => {
  const port = (silent.address() as { port: number }).port;
  const input = SyncConfigInputSchema.parse({
    name: "docs",
    source: `webdav://127.0.0.1:${port}/docs`,
    target: join(root, newId()),
    cron: "0 2 * * *",
  });
  return store.configs.create(newSyncConfig(input, { id: newId(), now: new Date() }));
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The Lambda of the test: each invocation a new process, killed with SIGKILL once it has started
 * the run anew for this delivery (`started` says so), unless it died by itself first. Never
 * answers: the invocation failed, the message comes back.
 */
const killedInvocations = (
  env: Record<string, string | undefined>,
  started: (receives: number) => Promise<boolean>,
  deaths: string[],
): WorkerHandler => {
  return async (event: SQSEvent) => {
    const receives = Number(event.Records[0]?.attributes.ApproximateReceiveCount);
    const child = spawn(process.execPath, ["--import", "tsx", INVOCATION], {
      env: { ...process.env, NODE_OPTIONS: "", ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    children.add(child);
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    const exited = new Promise<string>((resolve) =>
      child.on("exit", (code, signal) => resolve(signal ?? `exit ${code}`)),
    );
    child.stdin.end(JSON.stringify(event));
    let gone = false;
    void exited.then(() => {
      gone = true;
    });
    const deadline = Date.now() + 60_000;
    while (!gone && Date.now() < deadline && !(await started(receives))) await sleep(50);
    if (!gone) child.kill("SIGKILL");
    const death = await exited;
    children.delete(child);
    // How it died: the signal, or its exit and the error it printed.
    deaths.push(death === "SIGKILL" ? death : `${death}: ${stderr.match(/^\w*Error: .*$/m)?.[0] ?? stderr}`);
    throw new Error(`invocation ${receives} died (${death})`);
  };
};

/** The worker queue fed to killed invocations, and the dead-letter consumer, until `done`. */
async function runUntil(
  queues: SyncQueues,
  handler: WorkerHandler,
  done: () => Promise<boolean>,
): Promise<void> {
  const pollers: Poller[] = [
    startPoller({
      sqs,
      queueUrl: queues.queueUrl,
      queueArn: queues.queueArn,
      handler,
      concurrency: 1,
      waitTimeSeconds: 1,
      retryDelaySeconds: REDELIVERY_S,
      invocationTimeoutMs: 90_000,
    }),
    startDeadLetterConsumer({
      sqs,
      queues,
      deps: { runs: store.runs, configs: store.configs, leases: store.leases, clock: () => new Date() },
      log: () => {},
      retryDelaySeconds: 1,
      waitTimeSeconds: 1,
    }),
  ];
  try {
    // Bounded: past it the assertions say what the run was left as.
    const deadline = Date.now() + 150_000;
    while (!(await done()) && Date.now() < deadline) await sleep(200);
  } finally {
    await Promise.all(pollers.map((poller) => poller.stop()));
  }
}

const freshQueues = () => {
  const queue = uniqueName("worker-killed");
  return ensureSyncQueues(sqs, { queue, dlq: `${queue}-dlq` });
};
const ended = (taskId: string) => async () => {
  const run = await store.runs.get(taskId);
  return run !== undefined && run.status !== "PENDING" && run.status !== "STARTED";
};

describe("a worker killed on every delivery", () => {
  it("SIGKILLed mid-sync 5 times: the run ends FAILURE, DEAD_LETTERED, saying the deliveries were exhausted", {
    timeout: 180_000,
  }, async () => {
    const queues = await freshQueues();
    const config = await givenConfig();
    const run = await store.runs.create(
      newRun({ task_id: newId(), config_id: config.id, trigger: "manual", now: new Date() }),
    );
    const deaths: string[] = [];
    const env = {
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_SQS: sqsS3.endpoint,
      AWS_REGION: dynamo.region,
      AWS_ACCESS_KEY_ID: dynamo.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: dynamo.credentials.secretAccessKey,
      [ENV.table]: tableName,
      [ENV.queueUrl]: queues.queueUrl,
      WORKER_TEST_LEASE_TTL_MS: String(LEASE_TTL_MS),
    };
    // This delivery's invocation has claimed the run (attempt n) and is syncing from the silent server.
    const started = async (receives: number) => {
      const current: Run | undefined = await store.runs.get(run.task_id);
      return current?.status === "STARTED" && current.attempts >= receives;
    };
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queues.queueUrl,
        MessageBody: JSON.stringify(taskMessage("manual", run)),
      }),
    );
    await runUntil(queues, killedInvocations(env, started, deaths), ended(run.task_id));

    expect(deaths).toEqual(Array(MAX_RECEIVE_COUNT).fill("SIGKILL"));
    const after = await store.runs.get(run.task_id);
    expect(after).toMatchObject({
      status: "FAILURE",
      attempts: MAX_RECEIVE_COUNT,
      error: {
        code: "DEAD_LETTERED",
        message: expect.stringMatching(
          /^gave up after 5 deliveries: every delivery ended without an outcome \(the worker was stopped each time/,
        ),
      },
    });
    expect((await store.configs.get(config.id))?.last_run).toMatchObject({
      task_id: run.task_id,
      status: "FAILURE",
    });
  });

  it("a scheduled fire whose every invocation fails at init (never recorded) shows up as a FAILURE run", {
    timeout: 180_000,
  }, async () => {
    const queues = await freshQueues();
    const config = await givenConfig();
    const message = scheduleMessage(config.id, "2026-12-01T02:00:00Z");
    const taskId = scheduledTaskId(config.id, message.scheduled_time);
    const deaths: string[] = [];
    // A deploy that lost the table's name: the worker's init throws before any handler runs.
    const env = { [ENV.table]: undefined, [ENV.queueUrl]: queues.queueUrl };
    await sqs.send(
      new SendMessageCommand({ QueueUrl: queues.queueUrl, MessageBody: JSON.stringify(message) }),
    );
    await runUntil(
      queues,
      killedInvocations(env, async () => false, deaths),
      ended(taskId),
    );

    expect(deaths).toHaveLength(MAX_RECEIVE_COUNT);
    for (const death of deaths)
      expect(death).toBe("exit 1: Error: environment variable SYNCRON_TABLE is not set");
    expect(await store.runs.get(taskId)).toMatchObject({
      trigger: "schedule",
      scheduled_time: message.scheduled_time,
      status: "FAILURE",
      attempts: 0,
      error: { code: "DEAD_LETTERED", message: expect.stringMatching(/^gave up after 5 deliveries: /) },
    });
  });
});
