import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import type { SQSEvent } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { scheduleMessage, taskMessage } from "../lib/queue/message.ts";
import { MAX_RECEIVE_COUNT } from "../lib/queue/redrive.ts";
import { newId, scheduledTaskId } from "../lib/store/ids.ts";
import { newRun } from "../lib/store/run.ts";
import { createDocumentClient, createStore, type Store } from "../lib/store/store.ts";
import { newSyncConfig, SyncConfigInputSchema } from "../lib/store/sync-config.ts";
import { ensureTable } from "../lib/store/table.ts";
import { sharedEmulators, uniqueName } from "../test/support/emulators/shared-emulators.ts";
import { createRelay } from "./dev-relay.ts";

/** The relay's runs on the tier's dynalite: a manual run no worker could take ends, not PENDING forever. */
const { dynamo } = sharedEmulators();
const raw = new DynamoDBClient(dynamo);
const documents = createDocumentClient(dynamo);
const lambda = mockClient(LambdaClient);
const now = new Date("2026-12-01T10:00:00.000Z");
let store: Store;

beforeAll(async () => {
  const tableName = uniqueName("dev-relay");
  await ensureTable(raw, tableName);
  store = createStore({ client: documents, tableName, now: () => now });
});
afterEach(() => lambda.reset());
afterAll(() => {
  raw.destroy();
  documents.destroy();
});

/** What SST's bridge answers, as a success, when no `sst dev` is attached. */
const BRIDGE_NOT_RUNNING = { statusCode: "500", body: "sst dev is not running (worker: 0123456789abcdef)" };
const payload = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

/** A config and its manual run, PENDING as the API records it before sending the message. */
async function pendingManualRun() {
  const input = SyncConfigInputSchema.parse({
    name: "docs",
    source: "s3://bucket-a/docs",
    target: "s3://bucket-b/docs",
    cron: "0 2 * * *",
  });
  const config = await store.configs.create(newSyncConfig(input, { id: newId(), now }));
  const run = newRun({ task_id: newId(), config_id: config.id, trigger: "manual", now });
  await store.runs.create(run);
  const body = JSON.stringify(taskMessage("manual", { config_id: config.id, task_id: run.task_id }));
  return { config, run, body };
}

const delivery = (body: string, receives: number) =>
  ({
    Records: [
      {
        messageId: `m-${receives}`,
        receiptHandle: "r",
        body,
        attributes: { ApproximateReceiveCount: String(receives) },
      },
    ],
  }) as unknown as SQSEvent;

const relay = () =>
  createRelay(new LambdaClient({ region: "eu-west-1" }), "syncron-alice-WorkerFunction", {
    runs: store.runs,
    configs: store.configs,
    clock: () => now,
  });

describe("the sst dev relay and the runs of messages it cannot deliver", () => {
  it("ends a manual run FAILURE, DEAD_LETTERED, on its last delivery while no sst dev is attached; before that it stays PENDING", async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: payload(BRIDGE_NOT_RUNNING) as never });
    const { config, run, body } = await pendingManualRun();

    for (let receives = 1; receives < MAX_RECEIVE_COUNT; receives++) {
      await expect(relay()(delivery(body, receives))).rejects.toThrow(/no `sst dev` is attached/);
      expect((await store.runs.get(run.task_id))?.status).toBe("PENDING");
    }
    // The last delivery: the batch still fails (SQS moves the message to the dead-letter queue) ...
    await expect(relay()(delivery(body, MAX_RECEIVE_COUNT))).rejects.toThrow(/no `sst dev` is attached/);
    // ... and the run says why it will never run.
    expect(await store.runs.get(run.task_id)).toMatchObject({
      status: "FAILURE",
      finished_at: now.toISOString(),
      error: {
        code: "DEAD_LETTERED",
        message: expect.stringMatching(/^gave up after 5 deliveries: no `sst dev` is attached/),
      },
    });
    expect((await store.configs.get(config.id))?.last_run).toEqual({
      task_id: run.task_id,
      status: "FAILURE",
      finished_at: now.toISOString(),
    });
  });

  it("ends it too when the worker failed or could not be invoked on the last delivery", async () => {
    const failed = await pendingManualRun();
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: "Unhandled",
      Payload: payload({ errorMessage: "Task timed out after 900.00 seconds" }) as never,
    });
    await expect(relay()(delivery(failed.body, MAX_RECEIVE_COUNT))).rejects.toThrow(/the worker failed/);
    expect((await store.runs.get(failed.run.task_id))?.error?.message).toMatch(
      /^gave up after 5 deliveries: the worker failed \(Unhandled\): .*Task timed out/,
    );

    const throttled = await pendingManualRun();
    lambda
      .on(InvokeCommand)
      .rejects(Object.assign(new Error("Rate exceeded"), { name: "TooManyRequestsException" }));
    await expect(relay()(delivery(throttled.body, MAX_RECEIVE_COUNT))).rejects.toThrow("Rate exceeded");
    expect(await store.runs.get(throttled.run.task_id)).toMatchObject({
      status: "FAILURE",
      error: { code: "DEAD_LETTERED", message: "gave up after 5 deliveries: Rate exceeded" },
    });
  });

  it("records a scheduled fire no worker ever saw as a FAILURE run on its last delivery", async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: payload(BRIDGE_NOT_RUNNING) as never });
    const { config } = await pendingManualRun();
    const fire = scheduleMessage(config.id, "2026-12-01T02:00:00Z");
    await expect(relay()(delivery(JSON.stringify(fire), MAX_RECEIVE_COUNT))).rejects.toThrow(/no `sst dev`/);
    expect(await store.runs.get(scheduledTaskId(config.id, fire.scheduled_time))).toMatchObject({
      trigger: "schedule",
      scheduled_time: "2026-12-01T02:00:00Z",
      status: "FAILURE",
      error: {
        code: "DEAD_LETTERED",
        message: expect.stringMatching(/^gave up after 5 deliveries: no `sst dev`/),
      },
    });
  });

  it("leaves a run that has ended already as it is", async () => {
    const { run, body } = await pendingManualRun();
    await store.runs.update(run.task_id, { status: "SUCCESS", finished_at: now.toISOString() });
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: payload(BRIDGE_NOT_RUNNING) as never });
    await expect(relay()(delivery(body, MAX_RECEIVE_COUNT))).rejects.toThrow(/no `sst dev` is attached/);
    expect(await store.runs.get(run.task_id)).toMatchObject({ status: "SUCCESS", error: null });
  });
});
