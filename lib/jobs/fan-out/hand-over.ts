import { joinPath } from "../../drives/drive.ts";
import { partitionMessage } from "../../queue/message.ts";
import type { SyncOptions } from "../../sync/index.ts";
import type { WorkerDeps } from "../run-sync-job/types.ts";

/**
 * The engine's `handOff` for the partition `prefix` of a run: once it has listed more than
 * `threshold` entries, each further folder becomes a partition of its own — counted on the run and
 * written (store), then its message sent — before the engine hears yes. Asked again about a folder
 * (a resumed partition asks again), the answer is the same and a pending one's message goes again
 * (a duplicate delivery is harmless). No (the folder is walked here) when the run has as many open
 * partitions as it may hold.
 */
export function handOverPast(
  threshold: number,
  run: { readonly task_id: string; readonly config_id: string },
  prefix: string,
  deps: Pick<WorkerDeps, "store" | "queue">,
): NonNullable<SyncOptions["handOff"]> {
  return async (dir, listed) => {
    if (listed <= threshold) return false;
    const path = joinPath(prefix, dir);
    const partition = await deps.store.partitions.handOver(run, path);
    if (!partition) return false;
    if (partition.status === "pending")
      await deps.queue.send(partitionMessage({ config_id: run.config_id, task_id: run.task_id, path }));
    return true;
  };
}
