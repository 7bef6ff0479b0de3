import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { InvalidMessageError } from "../queue/errors.ts";
import { parseMessage, type SyncRunMessage } from "../queue/message.ts";
import { taskIdOf } from "./run-sync-job/dedupe.ts";
import { failRun, outcomeDepsOf } from "./run-sync-job/outcome.ts";
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
 * The worker: each record is one `sync.run` message, run one after another (a batch never runs
 * more than one sync at once: SYNCRON_MAX_CONCURRENCY counts syncs, and each gets the whole
 * memory; `syncron dev`'s poller batches up to 10). A malformed message is logged
 * and acknowledged (it can never succeed, so it must not block the queue); a record whose job throws
 * (store or queue unreachable) is reported as a batch item failure and comes back later; on its last
 * receive (`maxReceiveCount`, the queue's redrive setting) its run ends as FAILURE first (`failRun`), so a
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
        return await runSyncJob(message, deps, jobContext, settings);
      } catch (error) {
        // The cause, before the record goes back to the queue (e.g. a run the store refused to record).
        deps.log?.("error", "job failed; the message will be redelivered", {
          config_id: message.config_id,
          message_id: record.messageId,
          error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        });
        const receives = Number(record.attributes.ApproximateReceiveCount);
        if (receives >= settings.maxReceiveCount) await markDeadLettered(message, receives, error, deps);
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
    await failRun({ task_id, config_id: message.config_id }, error, outcomeDepsOf(deps), {
      expectedStatus: ["PENDING", "STARTED", "RETRY"],
    });
    deps.log?.("error", "run failed: message dead-lettered", {
      config_id: message.config_id,
      task_id,
      receives,
    });
  } catch (markError) {
    deps.log?.("error", "dead-lettered run not marked failed", { task_id, error: String(markError) });
  }
}
