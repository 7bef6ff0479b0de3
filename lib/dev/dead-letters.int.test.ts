import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sharedEmulators, uniqueName } from "../../test/support/emulators/shared-emulators.ts";
import { storeOnlyFailPartition } from "../jobs/dead-letter-partitions.ts";
import type { JobLog } from "../jobs/deps.ts";
import { scheduleMessage, taskMessage } from "../queue/message.ts";
import { newId, scheduledTaskId } from "../store/ids.ts";
import { newRun, type Run } from "../store/run.ts";
import { createDocumentClient, createStore, type Store } from "../store/store.ts";
import { newSyncConfig, type SyncConfig, SyncConfigInputSchema } from "../store/sync-config.ts";
import { ensureTable } from "../store/table.ts";
import { startDeadLetterConsumer } from "./dead-letters.ts";
import { ensureSyncQueues, type SyncQueues } from "./queues.ts";

/**
 * The dead-letter consumer on the tier's emulators: messages in a real fauxqs dead-letter queue,
 * fed to it by the dev stack's poller, runs on dynalite.
 */
const { dynamo, sqsS3 } = sharedEmulators();
const raw = new DynamoDBClient(dynamo);
const documents = createDocumentClient(dynamo);
const sqs = new SQSClient(sqsS3);
let now = new Date("2026-12-01T10:00:00.000Z");
const clock = () => now;
let store: Store;
let queues: SyncQueues;
const lines: { level: string; message: string; data: Record<string, unknown> }[] = [];
const log: JobLog = (level, message, data = {}) => lines.push({ level, message, data });

beforeAll(async () => {
  const tableName = uniqueName("dead-letter");
  await ensureTable(raw, tableName);
  store = createStore({ client: documents, tableName, now: clock });
});
// Queues of their own per test: a stopped poller's aborted long poll may still take a message on the emulator.
beforeEach(async () => {
  const queue = uniqueName("dead-letter");
  queues = await ensureSyncQueues(sqs, { queue, dlq: `${queue}-dlq` });
});
afterAll(() => {
  raw.destroy();
  documents.destroy();
  sqs.destroy();
});

const givenConfig = (): Promise<SyncConfig> => {
  const input = SyncConfigInputSchema.parse({
    name: "docs",
    source: "s3://bucket-a/docs",
    target: "s3://bucket-b/docs",
    cron: "0 2 * * *",
  });
  return store.configs.create(newSyncConfig(input, { id: newId(), now }));
};
const givenManualRun = async (config: SyncConfig, status: Run["status"] = "PENDING") => {
  const run = await store.runs.create(
    newRun({ task_id: newId(), config_id: config.id, trigger: "manual", now }),
  );
  if (status !== "PENDING") await store.runs.update(run.task_id, { status, attempts: 1 });
  return run;
};
const dead = (body: unknown) =>
  sqs.send(
    new SendMessageCommand({
      QueueUrl: queues.dlqUrl,
      MessageBody: typeof body === "string" ? body : JSON.stringify(body),
    }),
  );
const depth = async () => {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queues.dlqUrl,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }),
  );
  return (
    Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible)
  );
};
const until = async (check: () => Promise<boolean>, what: string) => {
  const deadline = Date.now() + 30_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};
/** The consumer on the dead-letter queue as the dev stack runs it, failed records back after 1 s. */
const startConsumer = () =>
  startDeadLetterConsumer({
    sqs,
    queues,
    deps: {
      runs: store.runs,
      configs: store.configs,
      leases: store.leases,
      clock,
      // As deployed (functions/dead-letter.ts): partitions ended with the store alone.
      failPartition: storeOnlyFailPartition({ store, clock, log }, 30_000),
    },
    log,
    retryDelaySeconds: 1,
    waitTimeSeconds: 1,
  });
/** The consumer until `done`; the queue is empty afterwards. */
async function consume(done: () => Promise<boolean>, what: string): Promise<void> {
  const poller = startConsumer();
  try {
    await until(done, what);
    await until(async () => (await depth()) === 0, "an empty dead-letter queue");
  } finally {
    await poller.stop();
  }
}
const ended = (taskId: string) => async () => (await store.runs.get(taskId))?.status === "FAILURE";

describe("the dead-letter queue's consumer", () => {
  it("ends a PENDING or STARTED run FAILURE, DEAD_LETTERED, saying the deliveries were exhausted; the config's last_run says so; the message is logged and acknowledged", {
    timeout: 90_000,
  }, async () => {
    const config = await givenConfig();
    const pending = await givenManualRun(config);
    const started = await givenManualRun(config, "STARTED");
    for (const run of [pending, started]) await dead(taskMessage("manual", run));
    await consume(
      async () => (await ended(pending.task_id)()) && ended(started.task_id)(),
      "both runs ended",
    );
    for (const run of [pending, started]) {
      const after = await store.runs.get(run.task_id);
      expect(after).toMatchObject({
        status: "FAILURE",
        finished_at: now.toISOString(),
        error: {
          code: "DEAD_LETTERED",
          message: expect.stringMatching(
            /^gave up after 5 deliveries: every delivery ended without an outcome/,
          ),
        },
      });
    }
    expect((await store.configs.get(config.id))?.last_run).toMatchObject({ status: "FAILURE" });
    const consumed = lines.filter((line) => line.message === "dead-lettered message consumed");
    expect(consumed.map((line) => line.data.task_id).sort()).toEqual(
      [pending.task_id, started.task_id].sort(),
    );
    expect(consumed[0]).toMatchObject({
      level: "error",
      data: { run: "ended", body: expect.stringContaining('"type":"sync.run"') },
    });
  });

  it("records a scheduled fire no worker ever saw as a FAILURE run", { timeout: 90_000 }, async () => {
    const config = await givenConfig();
    const message = scheduleMessage(config.id, "2026-12-01T09:00:00Z");
    await dead(message);
    const taskId = scheduledTaskId(config.id, message.scheduled_time);
    await consume(ended(taskId), "the fire's run recorded as FAILURE");
    expect(await store.runs.get(taskId)).toMatchObject({
      trigger: "schedule",
      scheduled_time: message.scheduled_time,
      status: "FAILURE",
      error: { code: "DEAD_LETTERED" },
    });
  });

  it("leaves a run that ended as it ended, and drops a malformed body after logging it", {
    timeout: 90_000,
  }, async () => {
    const config = await givenConfig();
    const run = await givenManualRun(config, "STARTED");
    await store.runs.update(run.task_id, { status: "SUCCESS", finished_at: now.toISOString() });
    await dead(taskMessage("manual", run));
    await dead("not json at all");
    await consume(
      async () => lines.some((line) => line.message === "dead-lettered message dropped: invalid"),
      "the malformed body dropped",
    );
    expect(await store.runs.get(run.task_id)).toMatchObject({ status: "SUCCESS", error: null });
    expect(lines).toContainEqual(
      expect.objectContaining({
        message: "dead-lettered message dropped: invalid",
        data: expect.objectContaining({ body: "not json at all" }),
      }),
    );
  });

  it("keeps the message of a STARTED run whose lease is live (a worker may be on it) and ends the run once the lease lapses", {
    timeout: 90_000,
  }, async () => {
    const config = await givenConfig();
    const run = await givenManualRun(config, "STARTED");
    expect(await store.leases.acquire(config.id, { owner: run.task_id, ttl_ms: 60_000 })).toBe(true);
    await dead(taskMessage("manual", run));
    const kept = () =>
      lines.filter(
        (line) => line.message.startsWith("dead-lettered message kept") && line.data.task_id === run.task_id,
      );
    const poller = startConsumer();
    try {
      await until(async () => kept().length >= 2, "the message looked at twice, kept each time");
      expect(await store.runs.get(run.task_id)).toMatchObject({ status: "STARTED" });
      expect(await depth()).toBe(1);
      now = new Date(now.getTime() + 61_000); // the lease lapses: whoever held it is gone
      await until(ended(run.task_id), "the run ended after its lease lapsed");
      await until(async () => (await depth()) === 0, "an empty dead-letter queue");
    } finally {
      await poller.stop();
    }
    expect((await store.runs.get(run.task_id))?.error?.code).toBe("DEAD_LETTERED");
  });

  it("ends a dead-lettered partition of a fanned-out run failed; the run, whose last open partition it was, ends FAILURE, nothing deleted", {
    timeout: 90_000,
  }, async () => {
    const config = await givenConfig();
    const run = await givenManualRun(config, "STARTED");
    expect(await store.partitions.handOver(run, "b")).toMatchObject({ status: "pending" });
    await dead({ type: "sync.partition", config_id: config.id, task_id: run.task_id, path: "b" });
    await consume(ended(run.task_id), "the fanned-out run ended");
    expect(await store.partitions.get(run.task_id, "b")).toMatchObject({ status: "failed" });
    expect(await store.runs.get(run.task_id)).toMatchObject({
      status: "FAILURE",
      error: {
        message: expect.stringMatching(
          /partition\(s\) of the run failed, so nothing was deleted; first "b": DEAD_LETTERED: every delivery ended without an outcome/,
        ),
      },
    });
  });
});
