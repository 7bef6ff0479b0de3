/** Errors the store raises; DynamoDB's own failures are converted here so callers never see SDK errors. */

export class StoreError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "StoreError";
  }
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
export const isConditionalCheckFailed = (error: unknown): boolean =>
  (error as { name?: unknown } | null)?.name === "ConditionalCheckFailedException";

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
