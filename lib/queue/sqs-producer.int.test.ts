import {
  CreateQueueCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sharedEmulators, uniqueName } from "../../test/support/emulators/shared-emulators.ts";
import { InvalidMessageError, QueueError } from "./errors.ts";
import { parseMessage, type QueueMessage, type SyncRunMessage } from "./message.ts";
import { createSqsProducer } from "./sqs-producer.ts";

let client: SQSClient;

beforeAll(async () => {
  client = new SQSClient(sharedEmulators().sqsS3);
});
afterAll(async () => {
  client?.destroy();
});

const newQueue = async () => {
  const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: uniqueName("producer") }));
  return QueueUrl!;
};

const manual = (n: number): SyncRunMessage => ({
  type: "sync.run",
  trigger: "manual",
  config_id: `cfg-${n}`,
  task_id: `task-${n}`,
});

const receiveAll = async (queueUrl: string): Promise<QueueMessage[]> => {
  const received: QueueMessage[] = [];
  for (;;) {
    const { Messages = [] } = await client.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (Messages.length === 0) return received;
    for (const message of Messages) {
      received.push(parseMessage(message.Body!));
      await client.send(
        new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle! }),
      );
    }
  }
};

describe("createSqsProducer", () => {
  it("sends a message the worker can parse back", async () => {
    const queueUrl = await newQueue();
    const producer = createSqsProducer({ client, queueUrl });
    const message: SyncRunMessage = {
      type: "sync.run",
      trigger: "schedule",
      config_id: "cfg-1",
      scheduled_time: "2026-01-01T02:00:00Z",
    };
    expect(await producer.send(message)).not.toBe("");
    expect(await receiveAll(queueUrl)).toEqual([message]);
  });

  it("refuses an invalid message before sending it", async () => {
    const queueUrl = await newQueue();
    const producer = createSqsProducer({ client, queueUrl });
    const bad = { ...manual(1), task_id: undefined } as unknown as SyncRunMessage;
    await expect(producer.send(bad)).rejects.toBeInstanceOf(InvalidMessageError);
    await expect(producer.sendBatch([manual(2), bad])).rejects.toBeInstanceOf(InvalidMessageError);
    expect(await receiveAll(queueUrl)).toEqual([]);
  });

  it("refuses a delay SQS would reject", async () => {
    const producer = createSqsProducer({ client, queueUrl: await newQueue() });
    await expect(producer.send(manual(1), { delaySeconds: 901 })).rejects.toThrow(/delaySeconds/);
  });

  it("sends 25 messages in batches of 10", async () => {
    const queueUrl = await newQueue();
    const producer = createSqsProducer({ client, queueUrl });
    const messages = Array.from({ length: 25 }, (_, n) => manual(n));
    expect(await producer.sendBatch(messages)).toEqual({ sent_count: 25, failed: [] });
    const received = await receiveAll(queueUrl);
    expect(received.map((m) => m.config_id).sort()).toEqual(messages.map((m) => m.config_id).sort());
  });

  it("reports every message of a batch whose call failed", async () => {
    const queueUrl = `${await newQueue()}-missing`;
    const result = await createSqsProducer({ client, queueUrl }).sendBatch([manual(0), manual(1)]);
    expect(result.sent_count).toBe(0);
    expect(result.failed.map((f) => [f.index, f.config_id])).toEqual([
      [0, "cfg-0"],
      [1, "cfg-1"],
    ]);
  });

  it("maps per-entry failures back to the messages", async () => {
    const partial = {
      send: async () => ({
        Successful: [{ Id: "0" }, { Id: "2" }],
        Failed: [{ Id: "1", Code: "InternalError", Message: "try again", SenderFault: false }],
      }),
    } as unknown as SQSClient;
    const result = await createSqsProducer({ client: partial, queueUrl: "q" }).sendBatch(
      [0, 1, 2].map(manual),
    );
    expect(result).toEqual({
      sent_count: 2,
      failed: [
        { index: 1, config_id: "cfg-1", code: "InternalError", message: "try again", sender_fault: false },
      ],
    });
  });

  it("wraps a failed send in a QueueError that keeps the cause", async () => {
    const producer = createSqsProducer({ client, queueUrl: `${await newQueue()}-missing` });
    const error = await producer.send(manual(1)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueueError);
    expect((error as QueueError).cause).toBeDefined();
    expect((error as QueueError).retryable).toBe(false);
  });

  it("reports available, in-flight, delayed and dead-letter depth", async () => {
    const queueUrl = await newQueue();
    const dlqUrl = await newQueue();
    const producer = createSqsProducer({ client, queueUrl, dlqUrl });
    expect(await producer.queueDepth()).toEqual({
      messages_available: 0,
      messages_in_flight: 0,
      messages_delayed: 0,
      dead_letter: 0,
    });
    await producer.sendBatch([1, 2, 3].map(manual));
    await producer.send(manual(4), { delaySeconds: 600 });
    await client.send(new SendMessageCommand({ QueueUrl: dlqUrl, MessageBody: "{}" }));
    await client.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 1, VisibilityTimeout: 600 }),
    );
    expect(await producer.queueDepth()).toEqual({
      messages_available: 2,
      messages_in_flight: 1,
      messages_delayed: 1,
      dead_letter: 1,
    });
    expect((await createSqsProducer({ client, queueUrl }).queueDepth()).dead_letter).toBeNull();
  });
});
