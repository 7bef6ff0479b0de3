import { CronError } from "../cron/errors.ts";
import { ConfigValidationError } from "../jobs/check-config.ts";
import {
  DriveInUseError,
  DriveProbeError,
  DriveUnavailableError,
  DriveValidationError,
} from "../jobs/drives/errors.ts";
import {
  ConfigBusyError,
  ConfigDisabledError,
  ConfigEndedError,
  RunStateError,
  TargetSharedError,
} from "../jobs/errors.ts";
import { QueueError } from "../queue/errors.ts";
import { SchedulerError, ScheduleValidationError } from "../schedule/errors.ts";
import { SecretStoreError } from "../secrets/secret-store.ts";
import { ConflictError, InvalidCursorError, NotFoundError, StoreError } from "../store/errors.ts";
import { ApiError } from "./errors.ts";
import { type ApiResult, json } from "./http.ts";

const withCause = (error: Error) => ({ cause: error });

/**
 * Any thrown value as an ApiError: ApiErrors as they are, the domain's errors mapped to their
 * status (bad input 400, unknown 404, conflicts 409, an unavailable store, scheduler or queue 503), the
 * rest a 500 whose message reveals nothing (the log has it).
 */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof ConfigValidationError) {
    return new ApiError(400, "VALIDATION_FAILED", error.message, error.issues, withCause(error));
  }
  if (error instanceof DriveValidationError) {
    return new ApiError(400, "VALIDATION_FAILED", error.message, error.issues, withCause(error));
  }
  if (error instanceof DriveUnavailableError) {
    return new ApiError(400, error.code, error.message, undefined, withCause(error));
  }
  if (error instanceof DriveProbeError) {
    // A missing folder is the request's (404); a refused login or no answer is the drive's (502).
    return new ApiError(error.code === "NOT_FOUND" ? 404 : 502, error.code, error.message, undefined, {
      cause: error,
    });
  }
  if (error instanceof DriveInUseError) {
    return new ApiError(409, "DRIVE_IN_USE", error.message, { configs: error.configs }, withCause(error));
  }
  if (error instanceof SecretStoreError) {
    return new ApiError(503, "SECRETS_UNAVAILABLE", error.message, undefined, withCause(error));
  }
  if (error instanceof ScheduleValidationError) {
    return new ApiError(
      400,
      "SCHEDULE_REFUSED",
      error.message,
      [{ path: error.field, message: error.message }],
      withCause(error),
    );
  }
  if (error instanceof CronError)
    return new ApiError(400, "INVALID_CRON", error.message, undefined, withCause(error));
  if (error instanceof InvalidCursorError) {
    return new ApiError(
      400,
      "INVALID_CURSOR",
      error.message,
      [{ path: "cursor", message: error.message }],
      withCause(error),
    );
  }
  if (error instanceof NotFoundError)
    return new ApiError(404, "NOT_FOUND", error.message, undefined, withCause(error));
  if (error instanceof ConfigDisabledError) {
    return new ApiError(409, "CONFIG_DISABLED", error.message, undefined, withCause(error));
  }
  if (error instanceof ConfigEndedError) {
    return new ApiError(409, "CONFIG_ENDED", error.message, undefined, withCause(error));
  }
  if (error instanceof ConfigBusyError) {
    return new ApiError(409, "CONFIG_BUSY", error.message, { task_id: error.taskId }, withCause(error));
  }
  if (error instanceof TargetSharedError) {
    // 409, not 400: the config is valid by itself; it conflicts with another stored config.
    const details = { path: "target", target: error.target, config: error.other };
    return new ApiError(409, "TARGET_SHARED", error.message, details, withCause(error));
  }
  if (error instanceof RunStateError) {
    return new ApiError(409, error.code, error.message, { status: error.status }, withCause(error));
  }
  if (error instanceof ConflictError)
    return new ApiError(409, "CONFLICT", error.message, undefined, withCause(error));
  if (error instanceof StoreError && error.retryable) {
    return new ApiError(
      503,
      "STORE_UNAVAILABLE",
      "the store is unavailable; retry later",
      undefined,
      withCause(error),
    );
  }
  if (error instanceof SchedulerError) {
    return new ApiError(503, "SCHEDULER_UNAVAILABLE", error.message, undefined, withCause(error));
  }
  if (error instanceof QueueError)
    return new ApiError(503, "QUEUE_UNAVAILABLE", error.message, undefined, withCause(error));
  return new ApiError(500, "INTERNAL", "internal error; the server log has the details", undefined, {
    cause: error,
  });
}

/** The JSON response for an error: `{"error":{"code","message","details"}}`, `details` only when present. */
export function errorResponse(error: ApiError): ApiResult {
  const body = {
    error: {
      code: error.code,
      message: error.message,
      ...(error.details === undefined ? {} : { details: error.details }),
    },
  };
  return json(error.statusCode, body, error.headers);
}
