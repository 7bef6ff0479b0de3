/**
 * One invocation of the worker in a process of its own, as Lambda runs one: an SQS event on stdin,
 * the batch response on stdout. Built like functions/worker.ts, from the environment: SYNCRON_TABLE
 * and SYNCRON_QUEUE_URL (required, so a missing one fails the init as a broken deploy would), the
 * SDK's own AWS_ENDPOINT_URL_* for the emulators, and WORKER_TEST_LEASE_TTL_MS (a short lease, so a
 * killed invocation's run is taken over at the next delivery). A test kills it to see what a
 * worker killed mid-run (out of memory, its timeout) leaves behind.
 *
 *   node --import tsx test/support/jobs/worker-invocation.ts < event.json
 */
import { text } from "node:stream/consumers";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { SQSEvent } from "aws-lambda";
import { lambdaContext } from "../../../lib/dev/lambda-context.ts";
import { driveFor } from "../../../lib/drives/open-drive.ts";
import { ENV, requiredEnv } from "../../../lib/env.ts";
import { createWorkerHandler } from "../../../lib/jobs/worker-handler.ts";
import { createSqsProducer } from "../../../lib/queue/sqs-producer.ts";
import { createDocumentClient, createStore } from "../../../lib/store/store.ts";

const store = createStore({
  client: createDocumentClient({}),
  tableName: requiredEnv(process.env, ENV.table),
});
const worker = createWorkerHandler(
  {
    store,
    queue: createSqsProducer({ client: new SQSClient({}), queueUrl: requiredEnv(process.env, ENV.queueUrl) }),
    openDrive: (location, name) => driveFor(location, name, process.env),
    clock: () => new Date(),
  },
  { leaseTtlMs: Number(process.env.WORKER_TEST_LEASE_TTL_MS ?? 1_000), progressIntervalMs: 100 },
);
const event = JSON.parse(await text(process.stdin)) as SQSEvent;
const response = await worker(event, lambdaContext({ functionName: "syncron-worker", timeoutMs: 60_000 }));
process.stdout.write(JSON.stringify(response));
