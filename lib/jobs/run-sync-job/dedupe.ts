import type { SyncRunMessage } from "../../queue/message.ts";
import { scheduledTaskId } from "../../store/ids.ts";
import { isFinished, newRun, type Run } from "../../store/run.ts";
import { holdsLiveLease } from "./lease.ts";
import type { WorkerDeps } from "./types.ts";

/** The task id a message is about (derived from config id + scheduled time for a schedule fire). */
export const taskIdOf = (message: SyncRunMessage): string =>
  message.trigger === "schedule"
    ? scheduledTaskId(message.config_id, message.scheduled_time)
    : message.task_id;

/**
 * Finds or creates the run a message is about; undefined when the delivery is a duplicate. A STARTED
 * run is taken by the continuation handed it at its attempt count, or by any delivery once its
 * lease has lapsed (its holder crashed); while its lease lives it is anyone else's duplicate. The
 * caller's claim (a write conditional on status and attempts) then lets only one delivery run it.
 */
export async function claimRun(message: SyncRunMessage, deps: WorkerDeps): Promise<Run | undefined> {
  const { runs, leases } = deps.store;
  let run: Run | undefined;
  if (message.trigger === "schedule") {
    const fresh = newRun({
      task_id: taskIdOf(message),
      config_id: message.config_id,
      trigger: "schedule",
      scheduled_time: message.scheduled_time,
      now: deps.clock(),
    });
    run = (await runs.createScheduled(fresh)).run;
  } else {
    run = await runs.get(message.task_id);
    run ??= await runs.create(
      newRun({
        task_id: message.task_id,
        config_id: message.config_id,
        trigger: "manual",
        now: deps.clock(),
      }),
    );
  }
  if (isFinished(run.status)) return undefined;
  if (
    run.status === "STARTED" &&
    !(message.trigger === "continuation" && message.attempts === run.attempts) &&
    (await holdsLiveLease(run, leases, deps.clock()))
  )
    return undefined;
  return run;
}
