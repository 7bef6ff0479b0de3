import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { InvalidMessageError } from "../queue/errors.ts";
import { parseMessage, type SyncRunMessage } from "../queue/message.ts";
import { MAX_RECEIVE_COUNT } from "../queue/redrive.ts";
import { type JobOutcome, runSyncJob, taskIdOf, type WorkerDeps } from "./run-sync-job.ts";

/** An SQS-triggered handler that reports partial batch failures. */
export type WorkerHandler = (
  event: SQSEvent,
  context: Context,
  signal?: AbortSignal,
) => Promise<SQSBatchResponse>;

/**
 * The worker: each record is one `sync.run` message, run in parallel. A malformed message is logged
 * and acknowledged (it can never succeed, so it must not block the queue); a record whose job throws
 * (store or queue unreachable) is reported as a batch item failure and comes back later; on its last
 * receive (`maxReceiveCount`, the queue's redrive setting) its run is marked FAILURE first, so a
 * message that moves to the dead-letter queue never leaves its run PENDING or STARTED forever.
 */
export function createWorkerHandler(
  deps: WorkerDeps,
  options: { maxReceiveCount?: number } = {},
): WorkerHandler {
  const maxReceiveCount = options.maxReceiveCount ?? MAX_RECEIVE_COUNT;
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
        return await runSyncJob(message, deps, jobContext);
      } catch (error) {
        const receives = Number(record.attributes.ApproximateReceiveCount);
        if (receives >= maxReceiveCount) await markDeadLettered(message, receives, error, deps);
        throw error;
      }
    };
    return processPartialResponse(event, handleRecord, processor, {
      context,
      throwOnFullBatchFailure: false,
    });
  };
}

/** Best effort: the run of a message on its way to the dead-letter queue ends as FAILURE. */
async function markDeadLettered(
  message: SyncRunMessage,
  receives: number,
  cause: unknown,
  deps: WorkerDeps,
): Promise<void> {
  const task_id = taskIdOf(message);
  const reason = cause instanceof Error ? cause.message : String(cause);
  const error = { code: "DEAD_LETTERED", message: `gave up after ${receives} deliveries: ${reason}` };
  try {
    await deps.store.runs.update(
      task_id,
      { status: "FAILURE", finished_at: deps.clock().toISOString(), error },
      { expectedStatus: ["PENDING", "STARTED", "RETRY"] },
    );
    deps.log?.("error", "run failed: message dead-lettered", {
      config_id: message.config_id,
      task_id,
      receives,
    });
  } catch (markError) {
    deps.log?.("error", "dead-lettered run not marked failed", { task_id, error: String(markError) });
  }
}
