import type { SyncRunMessage } from "../queue/message.ts";
import { newRun } from "../store/run.ts";
import type { RunRepository } from "../store/runs.ts";
import type { JobLog } from "./deps.ts";
import { taskIdOf } from "./run-sync-job/dedupe.ts";
import { failRun, type OutcomeDeps } from "./run-sync-job/outcome.ts";

/** The run error of a message SQS gives up on: it moves to the dead-letter queue after this delivery. */
export const DEAD_LETTERED = "DEAD_LETTERED";

/** What ending a dead-lettered run writes to: a scheduled fire's run may need recording first. */
export type DeadLetterDeps = OutcomeDeps & {
  readonly runs: Pick<RunRepository, "update" | "createScheduled">;
  readonly log?: JobLog | undefined;
};

/**
 * Best effort, never throws: the run of a message on its last delivery (on its way to the
 * dead-letter queue) ends as FAILURE, DEAD_LETTERED, saying why, unless it has ended already. Called
 * by the worker when the job threw, and by the sst dev relay when no worker could take the message,
 * so such a run is never left PENDING or STARTED forever. A scheduled fire no worker ever saw has no
 * run yet: it is recorded first (as the worker would have), so the lost fire shows as a FAILURE too.
 */
export async function markDeadLettered(
  message: SyncRunMessage,
  receives: number,
  cause: unknown,
  deps: DeadLetterDeps,
): Promise<void> {
  const task_id = taskIdOf(message);
  const reason = cause instanceof Error ? cause.message : String(cause);
  const error = { code: DEAD_LETTERED, message: `gave up after ${receives} deliveries: ${reason}` };
  try {
    if (message.trigger === "schedule") {
      const { config_id, scheduled_time } = message;
      const fire = { task_id, config_id, trigger: "schedule", scheduled_time, now: deps.clock() } as const;
      await deps.runs.createScheduled(newRun(fire)); // the run of this fire if one exists already
    }
    await failRun({ task_id, config_id: message.config_id }, error, deps, {
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
