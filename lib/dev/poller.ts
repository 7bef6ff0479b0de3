import {
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { SQSEvent, SQSRecord } from "aws-lambda";
import type { JobLog } from "../jobs/deps.ts";
import type { WorkerHandler } from "../jobs/worker-handler.ts";
import { lambdaContext } from "./lambda-context.ts";

export interface PollerOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  /** For event records (`eventSourceARN`). */
  readonly queueArn: string;
  readonly handler: WorkerHandler;
  /** Batches handled at once, like Lambda's maximum concurrency for an SQS source (default 2). */
  readonly concurrency?: number;
  /** Messages per batch, 1–10 (default 10). */
  readonly batchSize?: number;
  /** Each invocation's deadline, as a worker Lambda's timeout (default 15 min). */
  readonly invocationTimeoutMs?: number;
  /** Long-poll wait per ReceiveMessage, 0–20 s (default 20). */
  readonly waitTimeSeconds?: number;
  /**
   * How soon a failed record comes back (visibility set on it). Lambda leaves it to the queue's
   * visibility timeout; locally a short delay keeps the feedback fast. Default 5 s.
   */
  readonly retryDelaySeconds?: number;
  readonly log?: JobLog;
}

export interface Poller {
  /**
   * Stops receiving, aborts the running invocations (their syncs stop and checkpoint) and resolves
   * once they have all returned and their messages are settled.
   */
  stop(): Promise<void>;
  /** Invocations running now. */
  busy(): number;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });

/**
 * Feeds the queue to the worker handler as Lambda's SQS event source mapping does: long polling,
 * batches of up to 10 as one SQS event with a Lambda-like context, successful records deleted,
 * `batchItemFailures` left on the queue for redelivery (the queue's redrive policy moves a record
 * to the dead-letter queue after its max receives). `concurrency` loops run side by side.
 */
export function startPoller(options: PollerOptions): Poller {
  const settings = {
    concurrency: options.concurrency ?? 2,
    batchSize: options.batchSize ?? 10,
    invocationTimeoutMs: options.invocationTimeoutMs ?? 15 * 60_000,
    waitTimeSeconds: options.waitTimeSeconds ?? 20,
    retryDelaySeconds: options.retryDelaySeconds ?? 5,
  };
  const { sqs, queueUrl } = options;
  const stopping = new AbortController();
  let running = 0;

  const invoke = async (messages: Message[]) => {
    const event: SQSEvent = { Records: messages.map((message) => toRecord(message, options.queueArn)) };
    const context = lambdaContext({
      functionName: "syncron-worker",
      timeoutMs: settings.invocationTimeoutMs,
    });
    running++;
    let failedIds: Set<string>;
    try {
      const response = await options.handler(event, context, stopping.signal);
      failedIds = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier));
    } catch (error) {
      options.log?.("error", "worker invocation failed", { error: String(error), records: messages.length });
      failedIds = new Set(messages.map((message) => message.MessageId ?? ""));
    } finally {
      running--;
    }
    const done = messages.filter((message) => !failedIds.has(message.MessageId ?? ""));
    const failed = messages.filter((message) => failedIds.has(message.MessageId ?? ""));
    if (done.length > 0) {
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: done.map((message, i) => ({ Id: String(i), ReceiptHandle: message.ReceiptHandle! })),
        }),
      );
    }
    for (const message of failed) {
      options.log?.("warn", "message will be redelivered", {
        message_id: message.MessageId,
        receive_count: message.Attributes?.ApproximateReceiveCount,
      });
      await sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queueUrl,
          ReceiptHandle: message.ReceiptHandle!,
          VisibilityTimeout: settings.retryDelaySeconds,
        }),
      );
    }
  };

  const loop = async () => {
    while (!stopping.signal.aborted) {
      try {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: settings.batchSize,
            WaitTimeSeconds: settings.waitTimeSeconds,
            // The invocation's timeout plus a margin, as AWS advises for Lambda sources.
            VisibilityTimeout: Math.ceil(settings.invocationTimeoutMs / 1000) + 60,
            MessageSystemAttributeNames: ["All"],
          }),
          { abortSignal: stopping.signal },
        );
        if (Messages.length > 0) await invoke(Messages);
      } catch (error) {
        if (stopping.signal.aborted) break;
        options.log?.("error", "polling failed", { error: String(error) });
        await sleep(1_000, stopping.signal);
      }
    }
  };

  const loops = Array.from({ length: settings.concurrency }, () => loop());
  return {
    busy: () => running,
    async stop() {
      stopping.abort();
      await Promise.all(loops);
    },
  };
}

/** An SQS message as a Lambda event record. */
function toRecord(message: Message, queueArn: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? "",
    receiptHandle: message.ReceiptHandle ?? "",
    body: message.Body ?? "",
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? "1",
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? "local",
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: message.MD5OfBody ?? "",
    eventSource: "aws:sqs",
    eventSourceARN: queueArn,
    awsRegion: queueArn.split(":")[3] ?? "us-east-1",
  };
}
