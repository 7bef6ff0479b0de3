import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sharedEmulators, uniqueName } from "../../test/support/emulators/shared-emulators.ts";
import type { WorkerHandler } from "../jobs/worker-handler.ts";
import { MAX_RECEIVE_COUNT } from "../queue/redrive.ts";
import { startPoller } from "./poller.ts";
import { ensureSyncQueues, type SyncQueues } from "./queues.ts";

let sqs: SQSClient;

beforeAll(async () => {
  sqs = new SQSClient(sharedEmulators().sqsS3);
});
afterAll(async () => {
  sqs?.destroy();
});

const freshQueues = () => {
  const queue = uniqueName("poller");
  return ensureSyncQueues(sqs, { queue, dlq: `${queue}-dlq` });
};
const send = (queues: SyncQueues, body: string) =>
  sqs.send(new SendMessageCommand({ QueueUrl: queues.queueUrl, MessageBody: body }));
const depth = async (url: string) => {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }),
  );
  return (
    Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible)
  );
};
const until = async (check: () => boolean | Promise<boolean>, what: string) => {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe("startPoller", () => {
  it("hands batches to the handler with a Lambda-like context and deletes what succeeded", async () => {
    const queues = await freshQueues();
    const seen: { bodies: string[]; remaining: number; arn: string }[] = [];
    const handler: WorkerHandler = async (event: SQSEvent, context) => {
      seen.push({
        bodies: event.Records.map((record) => record.body),
        remaining: context.getRemainingTimeInMillis(),
        arn: event.Records[0]?.eventSourceARN ?? "",
      });
      return { batchItemFailures: [] };
    };
    await Promise.all(["a", "b", "c"].map((body) => send(queues, body)));
    const poller = startPoller({ sqs, ...queues, handler, invocationTimeoutMs: 60_000, waitTimeSeconds: 1 });
    try {
      await until(() => seen.flatMap((batch) => batch.bodies).length === 3, "three records");
      await until(async () => (await depth(queues.queueUrl)) === 0, "an empty queue");
    } finally {
      await poller.stop();
    }
    expect(seen.flatMap((batch) => batch.bodies).sort()).toEqual(["a", "b", "c"]);
    for (const batch of seen) {
      expect(batch.remaining).toBeGreaterThan(0);
      expect(batch.remaining).toBeLessThanOrEqual(60_000);
      expect(batch.arn).toBe(queues.queueArn);
    }
  });

  it("redelivers batch item failures, and the redrive policy moves a record to the DLQ after max receives", async () => {
    const queues = await freshQueues();
    const receives: string[] = [];
    const handler: WorkerHandler = async (event): Promise<SQSBatchResponse> => {
      receives.push(...event.Records.map((record) => record.attributes.ApproximateReceiveCount));
      return { batchItemFailures: event.Records.map((record) => ({ itemIdentifier: record.messageId })) };
    };
    await send(queues, "always fails");
    const poller = startPoller({ sqs, ...queues, handler, waitTimeSeconds: 1, retryDelaySeconds: 0 });
    try {
      await until(async () => (await depth(queues.dlqUrl)) === 1, "the record in the DLQ");
    } finally {
      await poller.stop();
    }
    expect(receives).toEqual(Array.from({ length: MAX_RECEIVE_COUNT }, (_, i) => String(i + 1)));
    expect(await depth(queues.queueUrl)).toBe(0);
  });

  it("on stop, aborts the running invocation's signal and waits for it to return", async () => {
    const queues = await freshQueues();
    let aborted = false;
    let returned = false;
    let started = false;
    const handler: WorkerHandler = async (_event, _context, signal) => {
      started = true;
      await new Promise<void>((resolve) => signal?.addEventListener("abort", () => resolve()));
      aborted = signal?.aborted ?? false;
      await new Promise((resolve) => setTimeout(resolve, 50));
      returned = true;
      return { batchItemFailures: [] };
    };
    await send(queues, "long");
    const poller = startPoller({ sqs, ...queues, handler, waitTimeSeconds: 1 });
    await until(() => started, "the invocation");
    expect(poller.busy()).toBe(1);
    await poller.stop();
    expect(aborted).toBe(true);
    expect(returned).toBe(true);
    expect(poller.busy()).toBe(0);
  });
});
