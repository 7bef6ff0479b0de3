import {
  GetQueueAttributesCommand,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  SendMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { isRetryable } from "../util/service-error.ts";
import { QueueError } from "./errors.ts";
import { type QueueMessage, type SyncRunMessage, validateMessage } from "./message.ts";

/** SQS accepts at most 10 entries per SendMessageBatch. */
const BATCH_SIZE = 10;
/** Batches in flight at once in sendBatch. */
const BATCH_CONCURRENCY = 4;
/** SQS's limit for DelaySeconds. */
const MAX_DELAY_SECONDS = 900;

/** Approximate queue depth as SQS reports it (eventually consistent, good for a status page). */
export interface QueueDepth {
  messages_available: number;
  messages_in_flight: number;
  messages_delayed: number;
  /** Messages waiting in the dead-letter queue; null when the producer was given no `dlqUrl`. */
  dead_letter: number | null;
}

export interface BatchFailure {
  /** Index of the message in the array given to sendBatch. */
  index: number;
  config_id: string;
  code: string;
  message: string;
  /** True when SQS blames the request (do not resend unchanged). */
  sender_fault: boolean;
}

export interface BatchResult {
  sent_count: number;
  failed: BatchFailure[];
}

export interface SqsProducer {
  /** Validates and sends one message. Throws InvalidMessageError or QueueError. Returns the SQS message id. */
  send(message: QueueMessage, options?: { delaySeconds?: number }): Promise<string>;
  /** Validates all, then sends in batches of 10. Never throws for a failed send: failures are reported per message. */
  sendBatch(messages: readonly SyncRunMessage[]): Promise<BatchResult>;
  queueDepth(): Promise<QueueDepth>;
}

export interface SqsProducerOptions {
  client: SQSClient;
  queueUrl: string;
  /** The dead-letter queue, for `queueDepth().dead_letter`. */
  dlqUrl?: string;
}

const wrap = (action: string, error: unknown): QueueError =>
  new QueueError(`SQS ${action} failed: ${(error as Error)?.message ?? String(error)}`, {
    cause: error,
    retryable: isRetryable(error),
  });

/** A producer for the sync queue. Messages are validated before they leave, so the worker never sees ours malformed. */
export function createSqsProducer({ client, queueUrl, dlqUrl }: SqsProducerOptions): SqsProducer {
  const attributes = async (url: string) => {
    try {
      const { Attributes = {} } = await client.send(
        new GetQueueAttributesCommand({
          QueueUrl: url,
          AttributeNames: [
            "ApproximateNumberOfMessages",
            "ApproximateNumberOfMessagesNotVisible",
            "ApproximateNumberOfMessagesDelayed",
          ],
        }),
      );
      return Attributes;
    } catch (error) {
      throw wrap(`GetQueueAttributes on ${url}`, error);
    }
  };

  const sendChunk = async (chunk: SyncRunMessage[], offset: number): Promise<BatchResult> => {
    const entries: SendMessageBatchRequestEntry[] = chunk.map((message, i) => ({
      Id: String(offset + i),
      MessageBody: JSON.stringify(message),
    }));
    const failure = (index: number, code: string, text: string, senderFault: boolean): BatchFailure => ({
      index,
      config_id: chunk[index - offset]?.config_id ?? "",
      code,
      message: text,
      sender_fault: senderFault,
    });
    try {
      const output = await client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
      const failed = (output.Failed ?? []).map((entry) =>
        failure(Number(entry.Id), entry.Code ?? "Unknown", entry.Message ?? "", entry.SenderFault ?? false),
      );
      return { sent_count: output.Successful?.length ?? 0, failed };
    } catch (error) {
      const text = (error as Error)?.message ?? String(error);
      const code = (error as Error)?.name ?? "Error";
      return { sent_count: 0, failed: chunk.map((_, i) => failure(offset + i, code, text, false)) };
    }
  };

  return {
    async send(message, options = {}) {
      const body = JSON.stringify(validateMessage(message));
      const delay = options.delaySeconds;
      if (delay !== undefined && !(Number.isInteger(delay) && delay >= 0 && delay <= MAX_DELAY_SECONDS)) {
        throw new RangeError(
          `delaySeconds must be an integer from 0 to ${MAX_DELAY_SECONDS} (got ${delay}).`,
        );
      }
      try {
        const output = await client.send(
          new SendMessageCommand({
            QueueUrl: queueUrl,
            MessageBody: body,
            ...(delay === undefined ? {} : { DelaySeconds: delay }),
          }),
        );
        return output.MessageId ?? "";
      } catch (error) {
        throw wrap(`SendMessage for config ${message.config_id}`, error);
      }
    },

    async sendBatch(messages) {
      const valid = messages.map((message) => validateMessage(message) as SyncRunMessage);
      const chunks: [SyncRunMessage[], number][] = [];
      for (let i = 0; i < valid.length; i += BATCH_SIZE) chunks.push([valid.slice(i, i + BATCH_SIZE), i]);
      const results: BatchResult[] = [];
      let next = 0;
      const worker = async () => {
        for (let job = chunks[next++]; job; job = chunks[next++]) results.push(await sendChunk(...job));
      };
      await Promise.all(Array.from({ length: Math.min(BATCH_CONCURRENCY, chunks.length) }, worker));
      const failed = results.flatMap((result) => result.failed).sort((a, b) => a.index - b.index);
      return { sent_count: results.reduce((sum, result) => sum + result.sent_count, 0), failed };
    },

    async queueDepth() {
      const [main, dlq] = await Promise.all([attributes(queueUrl), dlqUrl ? attributes(dlqUrl) : undefined]);
      const count = (value: string | undefined) => Number(value ?? 0);
      return {
        messages_available: count(main.ApproximateNumberOfMessages),
        messages_in_flight: count(main.ApproximateNumberOfMessagesNotVisible),
        messages_delayed: count(main.ApproximateNumberOfMessagesDelayed),
        dead_letter: dlq ? count(dlq.ApproximateNumberOfMessages) : null,
      };
    },
  };
}
