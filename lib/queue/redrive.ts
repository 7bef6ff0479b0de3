/**
 * Deliveries of one message before SQS moves it to the dead-letter queue. One number for the
 * deployed queue (infra), the dev stack's queue and the worker, which marks the run FAILURE on the
 * last delivery.
 */
export const MAX_RECEIVE_COUNT = 5;
