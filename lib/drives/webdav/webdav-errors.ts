import {
  AuthenticationError,
  DirectoryNotFoundError,
  DriveError,
  FileNotFoundError,
  isRetryable,
  isRetryableStatus,
} from "../errors.ts";

/** The HTTP status a `webdav` client error carries, if any. */
export const statusOf = (error: unknown): number | undefined => {
  const status = (error as { status?: unknown } | undefined)?.status;
  return typeof status === "number" ? status : undefined;
};

/**
 * Converts a `webdav` client failure into a DriveError (cause kept). `missing` says which not-found
 * error a 404 means in this call. 423 Locked is retryable: the lock belongs to another client and
 * expires. Aborts pass through unchanged.
 */
export const toWebdavDriveError = (
  error: unknown,
  action: string,
  path: string,
  missing: "file" | "directory" = "file",
): Error => {
  if (error instanceof DriveError) return error;
  if ((error as { name?: unknown } | undefined)?.name === "AbortError") return error as Error;
  const status = statusOf(error);
  const reason = error instanceof Error ? error.message : String(error);
  const message = `webdav ${action} "${path}" failed: ${reason}`;
  if (status === 404) {
    return missing === "file"
      ? new FileNotFoundError(message, path, { cause: error })
      : new DirectoryNotFoundError(message, path, { cause: error });
  }
  if (status === 401 || status === 403) return new AuthenticationError(message, path, { cause: error });
  const retryable = status === undefined ? isRetryable(error) : status === 423 || isRetryableStatus(status);
  return new DriveError(message, path, { cause: error, retryable });
};
