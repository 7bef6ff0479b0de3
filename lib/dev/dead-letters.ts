import type { SQSClient } from "@aws-sdk/client-sqs";
import { createDeadLetterHandler, type DeadLetterConsumerDeps } from "../jobs/dead-letter-handler.ts";
import type { JobLog } from "../jobs/deps.ts";
import { DEAD_LETTER_TIMEOUT_S } from "../queue/redrive.ts";
import { type Poller, startPoller } from "./poller.ts";
import type { SyncQueues } from "./queues.ts";

/**
 * `syncron dev`'s consumer of the sync queue's dead-letter queue, as on AWS (functions/dead-letter.ts
 * behind an event source): a message no worker delivery settled ends its run FAILURE, DEAD_LETTERED.
 * A record it cannot settle yet comes back after `retryDelaySeconds` (default 6× its timeout, the
 * deployed queue's visibility timeout).
 */
export function startDeadLetterConsumer(options: {
  readonly sqs: SQSClient;
  readonly queues: Pick<SyncQueues, "dlqUrl" | "dlqArn">;
  readonly deps: Omit<DeadLetterConsumerDeps, "log">;
  readonly log: JobLog;
  readonly retryDelaySeconds?: number;
  readonly waitTimeSeconds?: number;
}): Poller {
  return startPoller({
    sqs: options.sqs,
    queueUrl: options.queues.dlqUrl,
    queueArn: options.queues.dlqArn,
    handler: createDeadLetterHandler({ ...options.deps, log: options.log }),
    concurrency: 1,
    invocationTimeoutMs: DEAD_LETTER_TIMEOUT_S * 1000,
    retryDelaySeconds: options.retryDelaySeconds ?? 6 * DEAD_LETTER_TIMEOUT_S,
    ...(options.waitTimeSeconds === undefined ? {} : { waitTimeSeconds: options.waitTimeSeconds }),
    log: options.log,
  });
}
