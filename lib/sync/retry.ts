import { isRetryable } from "../drives/errors.ts";

export interface RetryPolicy {
  /** Total attempts, the first included. */
  attempts: number;
  baseDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 200 };

/**
 * Runs `operation` until it succeeds, fails with an error `isRetryable` rejects, or runs out of
 * attempts. Waits between attempts with exponential backoff and full jitter (a random delay up to
 * base × 2^attempt, capped at 30 s); an aborted signal ends the wait and rethrows the last error.
 */
export async function withRetry<T>(
  operation: () => Promise<T>,
  policy: RetryPolicy,
  signal?: AbortSignal,
  random: () => number = Math.random,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (attempt >= policy.attempts || !isRetryable(error) || signal?.aborted) throw error;
      const ceiling = Math.min(30_000, policy.baseDelayMs * 2 ** (attempt - 1));
      await sleep(random() * ceiling, signal);
      if (signal?.aborted) throw error;
    }
  }
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
