import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { InvalidMessageError } from "../queue/errors.ts";
import { parseMessage } from "../queue/message.ts";
import { type JobOutcome, runSyncJob, type WorkerDeps } from "./run-sync-job.ts";

/** An SQS-triggered handler that reports partial batch failures. */
export type WorkerHandler = (
  event: SQSEvent,
  context: Context,
  signal?: AbortSignal,
) => Promise<SQSBatchResponse>;

/**
 * The worker: each record is one `sync.run` message, run in parallel. A malformed message is logged
 * and acknowledged (it can never succeed, so it must not block the queue); a record whose job throws
 * (store or queue unreachable) is reported as a batch item failure and comes back later.
 */
export function createWorkerHandler(deps: WorkerDeps): WorkerHandler {
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
      return runSyncJob(message, deps, jobContext);
    };
    return processPartialResponse(event, handleRecord, processor, {
      context,
      throwOnFullBatchFailure: false,
    });
  };
}
