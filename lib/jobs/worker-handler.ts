import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { InvalidMessageError } from "../queue/errors.ts";
import { isPartitionMessage, parseMessage } from "../queue/message.ts";
import { markDeadLettered } from "./dead-lettered.ts";
import { failDeadLetteredPartition } from "./fan-out/dead-lettered-partition.ts";
import { runPartitionJob } from "./fan-out/partition-job.ts";
import { outcomeDepsOf } from "./run-sync-job/outcome.ts";
import { runSyncJob } from "./run-sync-job/run-sync-job.ts";
import { type WorkerSettings, workerSettings } from "./run-sync-job/settings.ts";
import type { JobOutcome, WorkerDeps } from "./run-sync-job/types.ts";

/** An SQS-triggered handler that reports partial batch failures. */
export type WorkerHandler = (
  event: SQSEvent,
  context: Context,
  signal?: AbortSignal,
) => Promise<SQSBatchResponse>;

/**
 * The worker: each record is one `sync.run` message (or one `sync.partition` of a fanned-out run), run one after another (a batch never runs
 * more than one sync at once: SYNCRON_MAX_CONCURRENCY counts syncs, and each gets the whole
 * memory; `syncron dev`'s poller batches up to 10). A malformed message is logged
 * and acknowledged (it can never succeed, so it must not block the queue); a record whose job throws
 * (store or queue unreachable) is reported as a batch item failure and comes back later; on its last
 * receive (`maxReceiveCount`, the queue's redrive setting) its run ends as FAILURE first (`markDeadLettered`), so a
 * message that moves to the dead-letter queue never leaves its run PENDING or STARTED forever.
 */
export function createWorkerHandler(
  deps: WorkerDeps,
  overrides: Partial<WorkerSettings> = {},
): WorkerHandler {
  const settings = workerSettings(overrides);
  const processor = new BatchProcessor(EventType.SQS);
  return (event, context, signal) => {
    const jobContext = {
      remainingTimeMs: () => context.getRemainingTimeInMillis(),
      ...(signal ? { signal } : {}),
    };
    const handleRecord = async (record: SQSRecord): Promise<JobOutcome | undefined> => {
      let message: ReturnType<typeof parseMessage>;
      try {
        message = parseMessage(record.body);
      } catch (error) {
        if (!(error instanceof InvalidMessageError)) throw error;
        deps.log?.("error", "message dropped: invalid", {
          message_id: record.messageId,
          error: error.message,
        });
        return undefined;
      }
      try {
        return isPartitionMessage(message)
          ? await runPartitionJob(message, deps, jobContext, settings)
          : await runSyncJob(message, deps, jobContext, settings);
      } catch (error) {
        // The cause, before the record goes back to the queue (e.g. a run the store refused to record).
        deps.log?.("error", "job failed; the message will be redelivered", {
          config_id: message.config_id,
          message_id: record.messageId,
          error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        });
        const receives = Number(record.attributes.ApproximateReceiveCount);
        if (receives >= settings.maxReceiveCount)
          await markDeadLettered(message, receives, error, {
            ...outcomeDepsOf(deps),
            runs: deps.store.runs,
            log: deps.log,
            failPartition: (partition, reason) =>
              failDeadLetteredPartition(partition, reason, deps, jobContext),
          });
        throw error;
      }
    };
    return processPartialResponse(event, handleRecord, processor, {
      context,
      throwOnFullBatchFailure: false,
      processInParallel: false,
    });
  };
}
