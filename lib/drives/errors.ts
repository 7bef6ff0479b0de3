/** Errors every drive converts its native failures into, so the engine never sees an SDK error. */
import { isRetryable, isRetryableStatus, ServiceError } from "../util/service-error.ts";

export { isRetryable, isRetryableStatus };

/** A drive call that failed; `retryable` says whether the same call may succeed (throttling, 5xx, resets). */
export class DriveError extends ServiceError {
  override name = "DriveError";

  constructor(
    message: string,
    readonly path?: string,
    options?: ErrorOptions & { retryable?: boolean },
  ) {
    super(message, options);
  }
}

export class FileNotFoundError extends DriveError {
  override name = "FileNotFoundError";
}

export class DirectoryNotFoundError extends DriveError {
  override name = "DirectoryNotFoundError";
}

export class IsADirectoryError extends DriveError {
  override name = "IsADirectoryError";
}

/** rmdir of a directory that still has entries. */
export class DirectoryNotEmptyError extends DriveError {
  override name = "DirectoryNotEmptyError";
}

export class NotSupportedError extends DriveError {
  override name = "NotSupportedError";
}

/** A path that is malformed or would escape the drive's root. */
export class InvalidPathError extends DriveError {
  override name = "InvalidPathError";
}

/** Credentials missing or refused. Not retryable: the config must change. */
export class AuthenticationError extends DriveError {
  override name = "AuthenticationError";
}

/**
 * True when the error, or the first DriveError in its `cause` chain, is an AuthenticationError: a
 * drive refused its credentials (S3's bad key, WebDAV's 401, OpenList's refused login).
 */
export const isAuthFailure = (error: unknown): boolean => {
  for (let current = error, depth = 0; current && depth < 10; depth++) {
    if (current instanceof DriveError) return current instanceof AuthenticationError;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
};

/** What a backend knows about one failed HTTP call, for `statusToDriveError`. */
export interface HttpFailure {
  /** The response status, when there was a response. */
  readonly status: number | undefined;
  /** One sentence naming the backend, the action and the path; never credentials. */
  readonly message: string;
  readonly path: string;
  /** Which not-found error a 404 means in this call. */
  readonly missing: "file" | "directory";
  /** The backend named the failure "not found" itself (S3's NoSuchKey), whatever the status. */
  readonly notFound?: boolean;
  /** The backend named the failure a credentials problem itself (S3's InvalidAccessKeyId). */
  readonly denied?: boolean;
  /** Overrides the default: a retryable status, else a retryable cause. */
  readonly retryable?: boolean;
}

/**
 * Converts a backend's failed HTTP call into the DriveError its status means, keeping `error` as
 * `cause`: 404 FileNotFoundError or DirectoryNotFoundError, 401/403 AuthenticationError, anything
 * else a DriveError, retryable for 408, 429 and 5xx (or, without a status, for a retryable cause).
 * A DriveError or an AbortError passes through unchanged, so callers can still recognise an abort.
 */
export const statusToDriveError = (error: unknown, failure: HttpFailure): Error => {
  if (error instanceof DriveError) return error;
  if (error instanceof Error && error.name === "AbortError") return error;
  const { status, message, path } = failure;
  const options = { cause: error };
  if (failure.notFound || status === 404) {
    return failure.missing === "file"
      ? new FileNotFoundError(message, path, options)
      : new DirectoryNotFoundError(message, path, options);
  }
  if (failure.denied || status === 401 || status === 403)
    return new AuthenticationError(message, path, options);
  const retryable =
    failure.retryable ?? (status === undefined ? isRetryable(error) : isRetryableStatus(status));
  return new DriveError(message, path, { ...options, retryable });
};
