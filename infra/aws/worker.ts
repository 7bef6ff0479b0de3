import { workerEnvironment } from "../../lib/env.ts";
import { toFunctionPermissions } from "../policies/document.ts";
import { workerPolicy } from "../policies/worker.ts";
import { TABLE_INDEX_NAMES } from "../table.ts";
import { queue } from "./queue.ts";
import { account, settings } from "./settings.ts";
import { table } from "./storage.ts";

/** Runs sync jobs from the queue (`functions/worker.ts`). */
export const worker = new sst.aws.Function("Worker", {
  handler: "functions/worker.handler",
  runtime: "nodejs22.x",
  architecture: "arm64",
  timeout: `${settings.worker.timeoutS} seconds`,
  memory: `${settings.worker.memoryMb} MB`,
  environment: workerEnvironment({
    table: table.name,
    queueUrl: queue.url,
    workerTimeoutS: settings.worker.timeoutS,
  }),
  permissions: $resolve({ account, tableArn: table.arn, queueArn: queue.arn }).apply((v) =>
    toFunctionPermissions(
      workerPolicy({
        partition: v.account.partition,
        tableArn: v.tableArn,
        queueArn: v.queueArn,
        indexNames: TABLE_INDEX_NAMES,
        s3Buckets: settings.s3Buckets,
      }),
    ),
  ),
});

/**
 * Batches of up to 10 messages; failed records are reported one by one (partial batch responses)
 * so one bad config never redelivers the others. `maximumConcurrency` caps how many syncs run at
 * once (the seed's "avoid too many syncs at once").
 */
export const workerSubscription = queue.subscribe(worker.arn, {
  batch: { size: 10, partialResponses: true },
  transform: {
    eventSourceMapping: (args) => {
      args.scalingConfig = { maximumConcurrency: settings.worker.maxConcurrency };
    },
  },
});
