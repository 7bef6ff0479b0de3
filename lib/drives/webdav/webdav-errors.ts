import { statusToDriveError } from "../errors.ts";

/** The HTTP status a failed WebDAV request carries (WebdavHttpError), if any. */
export const statusOf = (error: unknown): number | undefined => {
  const status = (error as { status?: unknown } | undefined)?.status;
  return typeof status === "number" ? status : undefined;
};

/**
 * Converts a failed WebDAV request (webdav-http.ts) into a DriveError (cause kept). `missing` says which not-found
 * error a 404 means in this call. 423 Locked is retryable: the lock belongs to another client and
 * expires. Aborts pass through unchanged.
 */
export const toWebdavDriveError = (
  error: unknown,
  action: string,
  path: string,
  missing: "file" | "directory" = "file",
): Error => {
  const status = statusOf(error);
  const reason = error instanceof Error ? error.message : String(error);
  return statusToDriveError(error, {
    status,
    message: `webdav ${action} "${path}" failed: ${reason}`,
    path,
    missing,
    ...(status === 423 ? { retryable: true } : {}),
  });
};
