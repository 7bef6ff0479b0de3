import type { JobLog } from "../jobs/deps.ts";
import { type SyncRunMessage, taskMessage } from "../queue/message.ts";
import type { SqsProducer } from "../queue/sqs-producer.ts";
import type { Run } from "../store/run.ts";
import type { RunRepository } from "../store/runs.ts";

/**
 * The message that carries an unfinished run forward after a restart: a continuation for a run
 * that had started, handed over at its attempt count (its holder died with the last process, so
 * the worker takes it over from its checkpoint at once, live lease or not), the manual form, keyed
 * on the existing task id, for one still PENDING or waiting to RETRY.
 */
export function resumeMessage(run: Run): SyncRunMessage {
  return run.status === "STARTED" ? taskMessage("continuation", run) : taskMessage("manual", run);
}

/**
 * Re-sends a message for every PENDING, STARTED or RETRY run: the local queue is in memory, so
 * what it held died with the last process, while the runs survived on disk. A duplicate (a message
 * that did survive, with `--aws`) is harmless: the worker keys runs on their task id.
 */
export async function resumeUnfinishedRuns(
  runs: Pick<RunRepository, "listUnfinished">,
  queue: Pick<SqsProducer, "sendBatch">,
  log?: JobLog,
): Promise<number> {
  const unfinished = await runs.listUnfinished();
  if (unfinished.length === 0) return 0;
  const { sent_count, failed } = await queue.sendBatch(unfinished.map(resumeMessage));
  for (const run of unfinished) {
    log?.("info", "run resumed", { task_id: run.task_id, config_id: run.config_id, status: run.status });
  }
  for (const failure of failed) log?.("error", "run not resumed", { ...failure });
  return sent_count;
}
