import { DEAD_LETTER_TIMEOUT_S } from "../../lib/queue/redrive.ts";
import { settings } from "./settings.ts";

/** Encrypted at rest with SQS-managed keys (no KMS grants needed by senders). */
const encrypted = { transform: { queue: { sqsManagedSseEnabled: true } } };

/**
 * Messages that failed `maxReceiveCount` times. Its consumer (infra/aws/dead-letter.ts) ends each
 * one's run and acknowledges it; one it cannot settle yet comes back after the visibility timeout
 * (6× the consumer's, AWS's advice), and any message stays up to 14 days (SQS's maximum).
 */
export const deadLetterQueue = new sst.aws.Queue("DeadLetterQueue", {
  visibilityTimeout: `${6 * DEAD_LETTER_TIMEOUT_S} seconds`,
  transform: { queue: { sqsManagedSseEnabled: true, messageRetentionSeconds: 14 * 24 * 3600 } },
});

/**
 * Sync requests: scheduled fires, manual runs, continuations. The visibility timeout is 6× the
 * worker timeout, so a message is not redelivered while a worker may still be on it.
 */
export const queue = new sst.aws.Queue("SyncQueue", {
  visibilityTimeout: `${settings.queueVisibilityTimeoutS} seconds`,
  dlq: { queue: deadLetterQueue.arn, retry: settings.maxReceiveCount },
  ...encrypted,
});
