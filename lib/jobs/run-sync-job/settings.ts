import { ENV } from "../../env.ts";
import { MAX_RECEIVE_COUNT } from "../../queue/redrive.ts";

/** The worker's knobs, apart from its dependencies. The defaults fit Lambda; tests shorten them. */
export interface WorkerSettings {
  /** Attempts before a retryable failure becomes FAILURE. */
  readonly maxAttempts: number;
  /** How often progress is written to the run and the lease renewed. */
  readonly progressIntervalMs: number;
  /** Stop the sync this long before the invocation's deadline, to checkpoint. */
  readonly safetyMarginMs: number;
  /** How long a lease lasts without renewal: longer than one Lambda invocation. */
  readonly leaseTtlMs: number;
  /** Receives after which a message moves to the dead-letter queue (the queue's redrive setting). */
  readonly maxReceiveCount: number;
  /**
   * SYNCRON_FANOUT_ENTRIES: a run that has listed more entries than this (both sides) hands each
   * further folder it lists to another worker, as a partition (lib/jobs/fan-out). 0: never (one
   * Lambda chain per run).
   */
  readonly fanoutEntries: number;
}

const DEFAULT_WORKER_SETTINGS: WorkerSettings = Object.freeze({
  maxAttempts: 5,
  progressIntervalMs: 5_000,
  safetyMarginMs: 30_000,
  leaseTtlMs: 20 * 60_000,
  maxReceiveCount: MAX_RECEIVE_COUNT,
  fanoutEntries: 0,
});

/**
 * The worker's settings read from its environment: SYNCRON_FANOUT_ENTRIES (unset, empty or 0: no
 * fan-out). Throws naming the variable and its value when it is not a whole number ≥ 0.
 */
export function workerSettingsFromEnv(env: Record<string, string | undefined>): Partial<WorkerSettings> {
  const raw = env[ENV.fanoutEntries]?.trim();
  if (!raw) return {};
  const fanoutEntries = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(fanoutEntries))
    throw new Error(
      `${ENV.fanoutEntries}=${JSON.stringify(raw)} is invalid: expected a whole number of entries (0: off)`,
    );
  return { fanoutEntries };
}

/** The defaults with `overrides` on top. */
export const workerSettings = (overrides: Partial<WorkerSettings> = {}): WorkerSettings => ({
  ...DEFAULT_WORKER_SETTINGS,
  ...overrides,
});
