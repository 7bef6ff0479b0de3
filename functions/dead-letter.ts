/**
 * The consumer of the sync queue's dead-letter queue: each message SQS gave up on (usually because
 * the worker was killed on every delivery: out of memory, its timeout, a crash before it could
 * record anything) ends its run FAILURE, DEAD_LETTERED (a partition of a fanned-out run ends failed,
 * so its run deletes nothing and ends FAILURE), is logged whole, then acknowledged
 * (lib/jobs/dead-letter-handler.ts says why). A composition root, like functions/worker.ts. Not
 * bridged under `sst dev` (infra): it must run while no `sst dev` is attached.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { ENV, requiredEnv } from "../lib/env.ts";
import { createDeadLetterHandler } from "../lib/jobs/dead-letter-handler.ts";
import { storeOnlyFailPartition } from "../lib/jobs/dead-letter-partitions.ts";
import type { JobLog } from "../lib/jobs/deps.ts";
import { runMetrics } from "../lib/jobs/run-metrics.ts";
import type { FinishedRun } from "../lib/jobs/run-sync-job/types.ts";
import { DEAD_LETTER_TIMEOUT_S } from "../lib/queue/redrive.ts";
import { createDocumentClient, createStore } from "../lib/store/store.ts";

const logger = new Logger({ serviceName: "syncron-dead-letter" });
const metrics = new Metrics({ namespace: "syncron", serviceName: "syncron-dead-letter" });

const store = createStore({
  client: createDocumentClient({}),
  tableName: requiredEnv(process.env, ENV.table),
});

const clock = () => new Date();
const log: JobLog = (level, message, data) => logger[level](message, data ?? {});
// The run_failures metric counts a dead-lettered run as the worker's failures are counted.
const onRunFinished = (run: FinishedRun) => {
  for (const metric of runMetrics(run)) metrics.addMetric(metric.name, metric.unit, metric.value);
  metrics.publishStoredMetrics();
};

const consumer = createDeadLetterHandler({
  runs: store.runs,
  configs: store.configs,
  leases: store.leases,
  clock,
  log,
  onRunFinished,
  failPartition: storeOnlyFailPartition({ store, clock, log, onRunFinished }, DEAD_LETTER_TIMEOUT_S * 1000),
});

export const handler = (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
  consumer(event, context);
