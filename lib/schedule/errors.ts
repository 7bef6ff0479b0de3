/** Errors of the scheduler port. Adapters convert SDK errors here, so callers never see an AWS error type. */
import { ServiceError } from "../util/service-error.ts";

/** The spec cannot be carried by this backend (bad cron, bad or unsupported time zone, bad id). HTTP 400. */
export class ScheduleValidationError extends Error {
  override name = "ScheduleValidationError";

  constructor(
    message: string,
    readonly field: "config_id" | "cron" | "timezone",
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A scheduler backend call that failed. `retryable` says whether the same call may succeed later. */
export class SchedulerError extends ServiceError {
  override name = "SchedulerError";
}
