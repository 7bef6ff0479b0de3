import { isRetryable } from "../util/service-error.ts";
import { SchedulerError } from "./errors.ts";

/** The SDK error's name (`ResourceNotFoundException`, `ConflictException`, ...), or undefined. */
export const awsErrorName = (error: unknown): string | undefined =>
  error instanceof Error ? error.name : undefined;

/** Converts an SDK failure into a SchedulerError that keeps it as cause. */
export const toSchedulerError = (action: string, error: unknown): SchedulerError =>
  error instanceof SchedulerError
    ? error
    : new SchedulerError(`${action} failed: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
        retryable: isRetryable(error),
      });
