import { settings } from "./settings.ts";

/** Encrypted at rest with SQS-managed keys (no KMS grants needed by senders). */
const encrypted = { transform: { queue: { sqsManagedSseEnabled: true } } };

/** Messages that failed `maxReceiveCount` times; kept 14 days (SQS's maximum) for inspection. */
export const deadLetterQueue = new sst.aws.Queue("DeadLetterQueue", {
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
