import type { DeadLetterDeps } from "./dead-lettered.ts";
import { failDeadLetteredPartition } from "./fan-out/dead-lettered-partition.ts";
import type { WorkerDeps } from "./run-sync-job/types.ts";

/**
 * The dead-letter consumer's `failPartition` from the store alone (functions/dead-letter.ts, which
 * has no drive, queue or report of the worker's): a dead-lettered partition ends failed, so its run
 * deletes nothing, and ending that run opens no drive and sends no message. `timeoutMs`: the
 * consumer's invocation time.
 */
export function storeOnlyFailPartition(
  deps: Pick<WorkerDeps, "store" | "clock" | "log" | "onRunFinished">,
  timeoutMs: number,
): NonNullable<DeadLetterDeps["failPartition"]> {
  const partitionDeps: WorkerDeps = {
    ...deps,
    openDrive: () => {
      throw new Error(
        "the dead-letter consumer opens no drive: a run with a failed partition deletes nothing",
      );
    },
    queue: { send: () => Promise.reject(new Error("the dead-letter consumer sends no message")) },
  };
  return (message, reason, options) =>
    failDeadLetteredPartition(message, reason, partitionDeps, { remainingTimeMs: () => timeoutMs }, options);
}
