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
  const dlq = await sqs.send(
    new CreateQueueCommand({ QueueName: names.dlq, Attributes: { MessageRetentionPeriod: "1209600" } }),
  );
  const dlqArn = await arnOf(sqs, dlq.QueueUrl!);
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: names.queue,
      Attributes: {
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount }),
      },
    }),
  );
  return { queueUrl: queue.QueueUrl!, queueArn: await arnOf(sqs, queue.QueueUrl!), dlqUrl: dlq.QueueUrl! };
}

/** The URLs and ARN of queues that already exist (`--aws`: infra owns them). */
export async function findSyncQueues(
  sqs: SQSClient,
  names: { queue: string; dlq: string },
): Promise<SyncQueues> {
  const url = async (name: string) => {
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
    if (!QueueUrl) throw new Error(`queue ${name} not found`);
    return QueueUrl;
  };
  const [queueUrl, dlqUrl] = await Promise.all([url(names.queue), url(names.dlq)]);
  return { queueUrl, dlqUrl, queueArn: await arnOf(sqs, queueUrl) };
}
