import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import type { SQSRecord } from "aws-lambda";
import { InvalidMessageError } from "../queue/errors.ts";
import { parseMessage, type SyncRunMessage } from "../queue/message.ts";
import { MAX_RECEIVE_COUNT } from "../queue/redrive.ts";
import type { LeaseRepository } from "../store/leases.ts";
import { isFinished } from "../store/run.ts";
import type { RunRepository } from "../store/runs.ts";
import {
  DEAD_LETTERED,
  type DeadLetterDeps,
  type DeadLetterEnd,
  endDeadLetteredRun,
} from "./dead-lettered.ts";
import { taskIdOf } from "./run-sync-job/dedupe.ts";
import { holdsLiveLease } from "./run-sync-job/lease.ts";
import type { WorkerHandler } from "./worker-handler.ts";

/** What the dead-letter consumer reads and writes: the runs, their configs' `last_run`, the leases. */
export type DeadLetterConsumerDeps = DeadLetterDeps & {
  readonly runs: Pick<RunRepository, "get" | "update" | "createScheduled">;
  readonly leases: Pick<LeaseRepository, "get">;
};

/** Why a message that reached the dead-letter queue without its run ending got there. */
export const DELIVERIES_EXHAUSTED =
  "every delivery ended without an outcome (the worker was stopped each time: out of memory, its timeout, or a crash before it could record one); the message reached the dead-letter queue";

/** A dead-lettered message whose run a worker may still be on (its lease is live): it is looked at again later. */
export class RunStillLeasedError extends Error {
  override name = "RunStillLeasedError";
}

/** A message body as logged: clipped (it names configs and runs, never a secret). */
const clipped = (body: string): string => (body.length > 2_000 ? `${body.slice(0, 2_000)}…` : body);

/**
 * The consumer of the sync queue's dead-letter queue (`functions/dead-letter.ts` on AWS, a second
 * poller in `syncron dev`). A message lands there when SQS has delivered it `maxReceiveCount` times
 * and no delivery deleted it: usually the worker was killed each time, so nothing recorded why. Each
 * record is dispatched by its message type; a `sync.run` ends its run FAILURE, DEAD_LETTERED
 * (`endDeadLetteredRun`; a run that ended stays as it ended, a fire never recorded is recorded as a
 * FAILURE), one ERROR log line with the whole message, then the record is acknowledged: the run's
 * error and that line are what the dead-letter queue was for (finding what failed and why), a
 * redriven message would find its run ended and do nothing (`runs retry` runs it again), and a queue
 * that only grows would hide the next failure behind the old ones. A record that cannot be settled
 * now is a batch item failure and comes back after the queue's visibility timeout: the store was
 * unreachable, or the run is STARTED under a live lease (a worker may still be on it, e.g. a
 * continuation of the same run: it is ended only once that lease has lapsed). A malformed body is
 * logged whole and acknowledged, as the worker does.
 */
export function createDeadLetterHandler(
  deps: DeadLetterConsumerDeps,
  overrides: { readonly maxReceiveCount?: number } = {},
): WorkerHandler {
  const receives = overrides.maxReceiveCount ?? MAX_RECEIVE_COUNT;
  const processor = new BatchProcessor(EventType.SQS);

  const endRun = async (message: SyncRunMessage, record: SQSRecord): Promise<DeadLetterEnd> => {
    const run = await deps.runs.get(taskIdOf(message));
    if (run && isFinished(run.status)) return "already ended";
    if (run?.status === "STARTED" && (await holdsLiveLease(run, deps.leases, deps.clock()))) {
      deps.log?.("warn", "dead-lettered message kept: its run's lease is live", {
        config_id: run.config_id,
        task_id: run.task_id,
        message_id: record.messageId,
      });
      throw new RunStillLeasedError(`run ${run.task_id} is STARTED under a live lease`);
    }
    return endDeadLetteredRun(message, receives, DELIVERIES_EXHAUSTED, deps);
  };

  const handleRecord = async (record: SQSRecord): Promise<void> => {
    const seen = {
      message_id: record.messageId,
      sent_at: new Date(Number(record.attributes.SentTimestamp)).toISOString(),
      body: clipped(record.body),
    };
    let message: ReturnType<typeof parseMessage>;
    try {
      message = parseMessage(record.body);
    } catch (error) {
      if (!(error instanceof InvalidMessageError)) throw error;
      deps.log?.("error", "dead-lettered message dropped: invalid", { ...seen, error: error.message });
      return;
    }
    // One place per message type: what a dead-lettered message of that type ends.
    let end: DeadLetterEnd;
    switch (message.type) {
      case "sync.run":
        end = await endRun(message, record);
        break;
      case "sync.partition":
        // Its partition ends failed, so its run deletes nothing and ends FAILURE. A consumer that
        // cannot end partitions keeps the message (the dead-letter alarm and depth show it).
        if (!deps.failPartition) throw new Error("this consumer cannot end partitions of fanned-out runs");
        end = await deps.failPartition(message, `${DEAD_LETTERED}: ${DELIVERIES_EXHAUSTED}`, {
          unlessClaimed: true,
        });
        break;
    }
    deps.log?.(end === "ended" ? "error" : "warn", "dead-lettered message consumed", {
      ...seen,
      config_id: message.config_id,
      task_id: message.type === "sync.run" ? taskIdOf(message) : message.task_id,
      ...(message.type === "sync.partition" ? { partition: message.path } : {}),
      run: end,
    });
  };

  return (event, context) =>
    processPartialResponse(event, handleRecord, processor, {
      context,
      throwOnFullBatchFailure: false,
      processInParallel: false,
    });
}
