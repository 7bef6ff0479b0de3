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
}

const DEFAULT_WORKER_SETTINGS: WorkerSettings = Object.freeze({
  maxAttempts: 5,
  progressIntervalMs: 5_000,
  safetyMarginMs: 30_000,
  leaseTtlMs: 20 * 60_000,
  maxReceiveCount: MAX_RECEIVE_COUNT,
});

/** The defaults with `overrides` on top. */
export const workerSettings = (overrides: Partial<WorkerSettings> = {}): WorkerSettings => ({
  ...DEFAULT_WORKER_SETTINGS,
  ...overrides,
});
