/**
 * Deliveries of one message before SQS moves it to the dead-letter queue. One number for the
 * deployed queue (infra), the dev stack's queue and the worker, which marks the run FAILURE on the
 * last delivery.
 */
export const MAX_RECEIVE_COUNT = 5;

/**
 * Messages per invocation of the deployed worker (infra's event source mapping). The worker runs a
 * batch's records one after another, so the event source's maximum concurrency
 * (SYNCRON_MAX_CONCURRENCY) is the number of syncs at once, each with the worker's whole memory.
 */
export const WORKER_BATCH_SIZE = 1;

/**
 * The dead-letter consumer's timeout (seconds): it only reads and writes a few store items per
 * message. The dead-letter queue's visibility timeout is 6× this (AWS's advice for a Lambda
 * source), so a message it could not settle yet (its run's lease still live, the store unreachable)
 * is looked at again 3 minutes later.
 */
export const DEAD_LETTER_TIMEOUT_S = 30;
