import type { Run } from "../../store/run.ts";
import type { SyncProgress } from "../../sync/index.ts";
import { leaseOf } from "./lease.ts";
import type { WorkerSettings } from "./settings.ts";
import type { WorkerDeps } from "./types.ts";

/**
 * A running sync's heartbeat: its progress written to the run and its lease renewed, every
 * `progressIntervalMs`. The progress write answers the run as stored, so a cancel request
 * (`cancel_requested_at`), or a run ended elsewhere, is seen at no extra request.
 */
export interface Heartbeat {
  /** The sync's progress callback. */
  readonly onProgress: (progress: SyncProgress) => void;
  /** Aborts once a heartbeat finds the run's cancel requested. */
  readonly cancelled: AbortSignal;
  /** Resolves when the writes in flight have landed (they never reject). */
  settled(): Promise<unknown>;
}

export function startHeartbeat(run: Run, deps: WorkerDeps, settings: WorkerSettings): Heartbeat {
  const cancel = new AbortController();
  let lastWrite = deps.clock().getTime();
  let writing: Promise<unknown> = Promise.resolve();
  const onProgress = (progress: SyncProgress) => {
    const now = deps.clock().getTime();
    if (now - lastWrite < settings.progressIntervalMs) return;
    lastWrite = now;
    // One write at a time; a failed progress write must not fail the sync.
    writing = writing
      .then(() =>
        Promise.all([
          deps.store.runs.update(run.task_id, { progress }),
          deps.store.leases.renew(run.config_id, leaseOf(run, settings)),
        ]),
      )
      .then(([stored]) => {
        // Cancel requested, or the run ended elsewhere meanwhile (cancelled after its lease lapsed).
        const stop = stored.cancel_requested_at !== null || stored.status !== "STARTED";
        if (stop && !cancel.signal.aborted) {
          deps.log?.("info", "run cancel seen, stopping at the next file boundary", {
            config_id: run.config_id,
            task_id: run.task_id,
            status: stored.status,
          });
          cancel.abort();
        }
      })
      .catch((error) =>
        deps.log?.("warn", "progress not saved", { task_id: run.task_id, error: String(error) }),
      );
  };
  return { onProgress, cancelled: cancel.signal, settled: () => writing };
}
