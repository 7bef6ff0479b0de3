import { isRetryable, isRetryableStatus, statusToDriveError } from "../errors.ts";

const NOT_FOUND_NAMES = new Set(["NoSuchKey", "NotFound", "NoSuchBucket"]);
const AUTH_NAMES = new Set([
  "AccessDenied",
  "InvalidAccessKeyId",
  "SignatureDoesNotMatch",
  "ExpiredToken",
  "InvalidToken",
  "CredentialsProviderError",
]);

interface SdkErrorLike {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

/** True for an SDK error meaning "no such key" (HEAD answers a bare 404 named NotFound). */
export const isS3NotFound = (error: unknown): boolean => {
  const e = error as SdkErrorLike;
  return e?.name === "NoSuchKey" || e?.name === "NotFound" || e?.$metadata?.httpStatusCode === 404;
};

/**
 * Converts an S3 SDK failure into a DriveError, keeping it as `cause`. `missing` says which not-found
 * error a 404 means in this call. Aborts pass through unchanged so callers can recognise them.
 */
export const toS3DriveError = (
  error: unknown,
  action: string,
  path: string,
  missing: "file" | "directory" = "file",
): Error => {
  const e = (error ?? {}) as SdkErrorLike;
  const status = e.$metadata?.httpStatusCode;
  const detail = `${e.name ?? "Error"}${status ? ` (HTTP ${status})` : ""}: ${e.message ?? String(error)}`;
  return statusToDriveError(error, {
    status,
    message: `s3 ${action} "${path}" failed: ${detail}`,
    path,
    // A missing bucket is a missing directory whatever the call.
    missing: e.name === "NoSuchBucket" ? "directory" : missing,
    notFound: NOT_FOUND_NAMES.has(e.name ?? ""),
    denied: AUTH_NAMES.has(e.name ?? ""),
    retryable: isRetryable(error) || (status !== undefined && isRetryableStatus(status)),
  });
};
