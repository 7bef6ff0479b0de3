/** Errors of the queue edge: a message that does not match the schema, and a failed SQS call. */
import { ServiceError } from "../util/service-error.ts";

/** A queue message body that is not a valid `sync.run` message. `field` is the dotted path of the first bad field. */
export class InvalidMessageError extends Error {
  override name = "InvalidMessageError";

  constructor(
    message: string,
    readonly field: string,
    readonly value?: unknown,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** An SQS call that failed. `retryable` says whether the same call may succeed later. */
export class QueueError extends ServiceError {
  override name = "QueueError";
}
