/** The base of every error a call to an outside service (drive, queue, scheduler) is converted into. */

/** A failed call to an outside service. `retryable` says whether the same call may succeed later. */
export class ServiceError extends Error {
  override name = "ServiceError";
  readonly retryable: boolean;

  constructor(message: string, options?: ErrorOptions & { retryable?: boolean }) {
    super(message, options);
    this.retryable = options?.retryable ?? false;
  }
}

const RETRYABLE_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ENOTFOUND",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "TimeoutError",
  "RequestTimeout",
  "SlowDown",
  "Throttling",
  "ThrottlingException",
]);

/**
 * The HTTP statuses a retry can help with, rclone's list (lib/rest and its HTTP backends): timeouts,
 * throttling, a server error or an unavailable server or gateway, 509 bandwidth limit. Not 501 (the
 * server cannot do this), 505, 507 (insufficient storage: a full drive stays full for the run), 508,
 * 511: a retry of those only delays the same answer by every backoff.
 */
const RETRYABLE_HTTP_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504, 509]);

/** True for an HTTP status a retry can help with. */
export const isRetryableStatus = (status: number): boolean => RETRYABLE_HTTP_STATUSES.has(status);

/**
 * True when the error, or any error in its `cause` chain, says a retry can help: the first
 * ServiceError decides by its `retryable`; SDK and Node errors by status (429, 5xx) or code.
 */
export const isRetryable = (error: unknown): boolean => {
  for (let current = error, depth = 0; current && depth < 10; depth++) {
    if (current instanceof ServiceError) return current.retryable;
    const candidate = current as {
      code?: unknown;
      name?: unknown;
      status?: unknown;
      $metadata?: { httpStatusCode?: number };
    };
    const status =
      typeof candidate.status === "number" ? candidate.status : candidate.$metadata?.httpStatusCode;
    if (typeof status === "number" && isRetryableStatus(status)) return true;
    if (typeof candidate.code === "string" && RETRYABLE_CODES.has(candidate.code)) return true;
    if (typeof candidate.name === "string" && RETRYABLE_CODES.has(candidate.name)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
};
