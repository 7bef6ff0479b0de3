/** Errors the store raises; DynamoDB's own failures are converted here so callers never see SDK errors. */
import { isRetryable, ServiceError } from "../util/service-error.ts";

/**
 * A DynamoDB call that failed (`retryable` when throttled, 5xx or unreachable: API 503), or, as one
 * of the subclasses below, a store rule that refused the call.
 */
export class StoreError extends ServiceError {
  override name = "StoreError";
}

/** The item does not exist (API: 404). */
export class NotFoundError extends StoreError {
  override name = "NotFoundError";

  constructor(
    readonly entity: "sync config" | "run" | "lease" | "drive",
    readonly id: string,
    options?: ErrorOptions,
  ) {
    super(`${entity} ${JSON.stringify(id)} not found`, options);
  }
}

/** A conditional write lost: the id exists already, or the version or status is not the expected one (API: 409). */
export class ConflictError extends StoreError {
  override name = "ConflictError";
}

/** A paging cursor that this store did not issue for this listing (API: 400). */
export class InvalidCursorError extends StoreError {
  override name = "InvalidCursorError";
}

/** True for DynamoDB's ConditionalCheckFailedException (by name: SDK copies may differ). */
const isConditionalCheckFailed = (error: unknown): boolean =>
  (error as { name?: unknown } | null)?.name === "ConditionalCheckFailedException";

/** DynamoDB's answers that a later try may not get: throttling (HTTP 400 on the wire) and its own 5xx. */
const DYNAMODB_RETRYABLE = new Set([
  "ProvisionedThroughputExceededException",
  "RequestLimitExceeded",
  "ThrottlingException",
  "InternalServerError",
  "ServiceUnavailable",
]);

/**
 * A DynamoDB SDK failure as a StoreError, retryable when DynamoDB (or the network) says so; the store
 * converts every call where it sends it (`createStore`). A failed condition passes as it is: the
 * repositories turn it into ConflictError or `false`.
 */
export function toStoreError(error: unknown): unknown {
  if (error instanceof StoreError || isConditionalCheckFailed(error)) return error;
  const { name, message } = (error ?? {}) as { name?: unknown; message?: unknown };
  const retryable = isRetryable(error) || (typeof name === "string" && DYNAMODB_RETRYABLE.has(name));
  return new StoreError(`DynamoDB call failed: ${String(name)}: ${String(message)}`, {
    cause: error,
    retryable,
  });
}

/**
 * Runs one conditional write and converts a failed condition into `onConditionFailed(cause)`'s
 * result or error; any other failure is rethrown as is (it may be retryable: throttling, 5xx).
 */
export async function conditional<T, F>(
  write: () => Promise<T>,
  onConditionFailed: (cause: unknown) => F | Promise<F>,
): Promise<T | F> {
  try {
    return await write();
  } catch (error) {
    if (isConditionalCheckFailed(error)) return onConditionFailed(error);
    throw error;
  }
}

/** Sends one conditional write; resolves false when its condition failed instead of throwing. */
export function succeeded(write: () => Promise<unknown>): Promise<boolean> {
  return conditional(
    async () => {
      await write();
      return true;
    },
    () => false,
  );
}
