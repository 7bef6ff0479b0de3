/**
 * The worker Lambda: SQS `sync.run` messages → sync runs. A composition root: everything is built
 * once per cold start from the environment infra sets (lib/env.ts) and handed to lib/jobs.
 * Logs are Powertools JSON lines; run figures go out as CloudWatch EMF metrics.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { SQSClient } from "@aws-sdk/client-sqs";
import { SSMClient } from "@aws-sdk/client-ssm";
import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { confineLocal, lambdaLocalRoots } from "../lib/drives/local-roots.ts";
import { type DriveExtras, driveFor } from "../lib/drives/open-drive.ts";
import { ENV, requiredEnv } from "../lib/env.ts";
import { createDriveResolver } from "../lib/jobs/drives/resolve-drive.ts";
import { runMetrics } from "../lib/jobs/run-metrics.ts";
import { workerSettingsFromEnv } from "../lib/jobs/run-sync-job/settings.ts";
import { createWorkerHandler } from "../lib/jobs/worker-handler.ts";
import { createSqsProducer } from "../lib/queue/sqs-producer.ts";
import { reportsBucketMemos, reportsBucketUploader } from "../lib/reports/s3/reports-bucket.ts";
import { createSsmSecretStore } from "../lib/secrets/ssm/ssm-secret-store.ts";
import { createDocumentClient, createStore } from "../lib/store/store.ts";

const logger = new Logger({ serviceName: "syncron-worker" });
const metrics = new Metrics({ namespace: "syncron", serviceName: "syncron-worker" });

const store = createStore({
  client: createDocumentClient({}),
  tableName: requiredEnv(process.env, ENV.table),
});
// One store per cold start: Powertools caches each drive's secrets version for the life of the process.
const secrets = createSsmSecretStore({
  client: new SSMClient({}),
  path: requiredEnv(process.env, ENV.drivesParameterPath),
});

const worker = createWorkerHandler(
  {
    store,
    resolveLocation: createDriveResolver({ records: store.drives, secrets }),
    queue: createSqsProducer({ client: new SQSClient({}), queueUrl: requiredEnv(process.env, ENV.queueUrl) }),
    // Local locations checked again at run time: a config stored earlier, or a symlink swapped since.
    openDrive: confineLocal(
      (location, name: string, extras?: DriveExtras) => driveFor(location, name, process.env, extras),
      lambdaLocalRoots(process.env),
    ),
    clock: () => new Date(),
    log: (level, message, data) => logger[level](message, data ?? {}),
    reports: reportsBucketUploader(requiredEnv(process.env, ENV.reportsBucket)),
    listingMemos: reportsBucketMemos(requiredEnv(process.env, ENV.reportsBucket)),
    onRunFinished: (run) => {
      for (const metric of runMetrics(run)) metrics.addMetric(metric.name, metric.unit, metric.value);
      metrics.publishStoredMetrics();
    },
  },
  workerSettingsFromEnv(process.env),
);

export const handler = (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
  worker(event, context);
