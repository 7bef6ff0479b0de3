import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { MAX_RECEIVE_COUNT } from "../queue/redrive.ts";

export interface SyncQueues {
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly dlqUrl: string;
  /** For the dead-letter consumer's event records (`eventSourceARN`). */
  readonly dlqArn: string;
}

const arnOf = async (sqs: SQSClient, url: string): Promise<string> => {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }),
  );
  if (!Attributes?.QueueArn) throw new Error(`queue ${url} reports no QueueArn`);
  return Attributes.QueueArn;
};

/**
 * Creates the sync queue and its dead-letter queue if missing (CreateQueue is idempotent for equal
 * attributes): a redrive policy of `maxReceiveCount` receives, and a retention of 14 days on the DLQ.
 * fauxqs 1.9.2 honours RedrivePolicy on receive, so the poller needs no redrive of its own.
 */
export async function ensureSyncQueues(
  sqs: SQSClient,
  names: { queue: string; dlq: string },
  maxReceiveCount: number = MAX_RECEIVE_COUNT,
): Promise<SyncQueues> {
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: names.dlq, Attributes: DLQ_RETENTION }));
  const dlqArn = await arnOf(sqs, dlq.QueueUrl!);
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: names.queue,
      Attributes: {
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount }),
      },
    }),
  );
  return {
    queueUrl: queue.QueueUrl!,
    queueArn: await arnOf(sqs, queue.QueueUrl!),
    dlqUrl: dlq.QueueUrl!,
    dlqArn,
  };
}

/** Retention of every dead-letter queue: 14 days, SQS's maximum. */
const DLQ_RETENTION = { MessageRetentionPeriod: "1209600" };

/** Creates the schedule dead-letter queue if missing (undeliverable fires; kept 14 days). */
export async function ensureScheduleDlq(sqs: SQSClient, name: string): Promise<{ url: string; arn: string }> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: DLQ_RETENTION }));
  return { url: QueueUrl!, arn: await arnOf(sqs, QueueUrl!) };
}

/** The URL and ARN of a queue that exists (`--aws`: infra owns it). Throws naming it when missing. */
export async function findQueue(sqs: SQSClient, name: string): Promise<{ url: string; arn: string }> {
  let url: string | undefined;
  try {
    url = (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl;
  } catch (error) {
    throw new Error(`queue ${name} not found (${(error as Error).message})`, { cause: error });
  }
  if (!url) throw new Error(`queue ${name} not found`);
  return { url, arn: await arnOf(sqs, url) };
}

/** The URLs and ARN of queues that already exist (`--aws`: infra owns them). */
export async function findSyncQueues(
  sqs: SQSClient,
  names: { queue: string; dlq: string },
): Promise<SyncQueues> {
  const [queue, dlq] = await Promise.all([findQueue(sqs, names.queue), findQueue(sqs, names.dlq)]);
  return { queueUrl: queue.url, dlqUrl: dlq.url, queueArn: queue.arn, dlqArn: dlq.arn };
}
