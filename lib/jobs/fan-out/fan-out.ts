import { type PartitionMessage, partitionMessage, type SyncRunMessage } from "../../queue/message.ts";
import { isPartitionFinished } from "../../store/partition.ts";
import type { Run } from "../../store/run.ts";
import type { JobLog } from "../deps.ts";
import { isPreview } from "../run-sync-job/guards.ts";
import type { WorkerSettings } from "../run-sync-job/settings.ts";
import type { JobContext, JobOutcome, WorkerDeps } from "../run-sync-job/types.ts";
import { endFannedRun } from "./end-run.ts";

/** True for a run's first invocation with SYNCRON_FANOUT_ENTRIES set: it becomes the coordinator. */
export const fansOut = (run: Run, settings: WorkerSettings): boolean =>
  settings.fanoutEntries > 0 && !isPreview(run) && run.checkpoint === null && run.remaining === undefined;

const rootMessage = (run: Run): PartitionMessage =>
  partitionMessage({ config_id: run.config_id, task_id: run.task_id, path: "" });

/**
 * The coordinator: the started run (its lease taken) becomes one partition, its root, sent to the
 * queue as any partition is (so its retries and redeliveries are a partition's); past
 * SYNCRON_FANOUT_ENTRIES entries listed, its folders go to other workers as partitions of their own,
 * and the last partition to finish ends the run.
 */
export async function coordinate(
  run: Run,
  deps: WorkerDeps,
  settings: WorkerSettings,
  log: JobLog,
): Promise<JobOutcome> {
  await deps.store.partitions.handOver(run, "");
  await deps.queue.send(rootMessage(run));
  log("info", "run fans out", { fanout_entries: settings.fanoutEntries });
  return { task_id: run.task_id, outcome: "STARTED" };
}

/**
 * A `sync.run` message for a run that fanned out already (a restarted dev stack resends one for each
 * unfinished run): its unfinished partitions' messages go again — with their attempt counts for a
 * continuation, whose sender's worker died, so started ones are taken over — and a run whose
 * partitions all finished, but that did not end, ends now.
 */
export async function resumeFannedRun(
  run: Run,
  message: SyncRunMessage,
  deps: WorkerDeps,
  context: JobContext,
  log: JobLog,
): Promise<JobOutcome> {
  const open = (await deps.store.partitions.list(run.task_id)).filter(
    (part) => !isPartitionFinished(part.status),
  );
  if (open.length === 0) return endFannedRun(run.task_id, deps, context, log);
  for (const part of open) {
    const takeOver = message.trigger === "continuation" && part.status === "started";
    const { config_id, task_id, path } = part;
    await deps.queue.send(
      partitionMessage({ config_id, task_id, path, ...(takeOver ? { attempts: part.attempts } : {}) }),
    );
  }
  log("info", "fanned-out run resumed", { partitions: open.length });
  return { task_id: run.task_id, outcome: "STARTED" };
}
