import type { LeaseRepository } from "../../store/leases.ts";
import { isFinished, type Run } from "../../store/run.ts";
import type { JobLog } from "../deps.ts";
import type { WorkerSettings } from "./settings.ts";
import type { JobOutcome, WorkerDeps } from "./types.ts";

/** The lease a run holds on its config: one run per config at a time. */
export const leaseOf = (run: Run, settings: WorkerSettings) => ({
  owner: run.task_id,
  ttl_ms: settings.leaseTtlMs,
});

/**
 * Whether `run` holds a live lease on its config at `now`: a worker may still be on it (it renews
 * the lease while it runs). Once it lapses, the worker that held it is gone.
 */
export async function holdsLiveLease(
  run: Run,
  leases: Pick<LeaseRepository, "get">,
  now: Date,
): Promise<boolean> {
  const lease = await leases.get(run.config_id);
  return lease?.owner === run.task_id && lease.lease_until > now.getTime();
}

/**
 * Takes the config's lease for `run`; resolves undefined when taken, else the task id holding it.
 * A lease whose holder's run is final (or gone) is free however long it has left: a process killed
 * after recording its outcome, before releasing, must not block the config until the lease lapses.
 */
export async function takeLease(
  run: Run,
  deps: WorkerDeps,
  settings: WorkerSettings,
): Promise<string | undefined> {
  const { leases, runs } = deps.store;
  if (await leases.acquire(run.config_id, leaseOf(run, settings))) return undefined;
  const holder = (await leases.get(run.config_id))?.owner;
  if (holder === undefined) {
    // Released between the two reads: try once more.
    return (await leases.acquire(run.config_id, leaseOf(run, settings))) ? undefined : "another run";
  }
  const held = holder === run.task_id ? run : await runs.get(holder);
  if (held && !isFinished(held.status)) return holder;
  const replaced = await leases.acquire(run.config_id, { ...leaseOf(run, settings), replacing: holder });
  if (!replaced) return (await leases.get(run.config_id))?.owner ?? "another run";
  deps.log?.("warn", "lease of a finished run taken over", {
    config_id: run.config_id,
    task_id: run.task_id,
    holder,
    holder_status: held?.status ?? "gone",
  });
  return undefined;
}

/** Frees the config's lease held by `run`. Never throws: the outcome is recorded already, and the lease lapses after its TTL. */
export async function releaseLease(run: Run, deps: WorkerDeps, log: JobLog): Promise<void> {
  try {
    await deps.store.leases.release(run.config_id, run.task_id);
  } catch (error) {
    log("warn", "lease not released", { error: error instanceof Error ? error.message : String(error) });
  }
}

/**
 * Records the outcome, then frees the lease even when recording failed: the redelivered message
 * must find the run takeable, not STARTED behind this invocation's live lease (a "duplicate").
 */
export async function settle(
  record: () => Promise<JobOutcome>,
  release: () => Promise<void>,
): Promise<JobOutcome> {
  try {
    return await record();
  } finally {
    await release();
  }
}
