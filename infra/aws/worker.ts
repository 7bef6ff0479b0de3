import { devRelayEnvironment, workerEnvironment } from "../../lib/env.ts";
import { WORKER_BATCH_SIZE } from "../../lib/queue/redrive.ts";
import { drivesParameterPath } from "../../lib/secrets/ssm/ssm-secret-store.ts";
import { FUNCTION_NODEJS } from "../function-bundle.ts";
import { drivesParametersArn } from "../policies/arns.ts";
import { toFunctionPermissions } from "../policies/document.ts";
import { DYNAMODB_DATA_ACTIONS } from "../policies/dynamodb.ts";
import { SQS_CONSUME_ACTIONS, workerPolicy } from "../policies/worker.ts";
import { TABLE_INDEX_NAMES } from "../table.ts";
import { queue } from "./queue.ts";
import { account, settings } from "./settings.ts";
import { reports, table } from "./storage.ts";

/** Runs sync jobs from the queue (`functions/worker.ts`). */
export const worker = new sst.aws.Function("Worker", {
  handler: "functions/worker.handler",
  runtime: "nodejs22.x",
  nodejs: FUNCTION_NODEJS,
  architecture: "arm64",
  timeout: `${settings.worker.timeoutS} seconds`,
  memory: `${settings.worker.memoryMb} MB`,
  environment: workerEnvironment({
    table: table.name,
    queueUrl: queue.url,
    drivesParameterPath: drivesParameterPath($app.stage),
    reportsBucket: reports.name,
    ...(settings.fanoutEntries === undefined ? {} : { fanoutEntries: settings.fanoutEntries }),
  }),
  permissions: $resolve({
    account,
    tableArn: table.arn,
    queueArn: queue.arn,
    reportsBucket: reports.name,
  }).apply((v) =>
    toFunctionPermissions(
      workerPolicy({
        partition: v.account.partition,
        tableArn: v.tableArn,
        queueArn: v.queueArn,
        indexNames: TABLE_INDEX_NAMES,
        s3Buckets: settings.s3Buckets,
        drivesParametersArn: drivesParametersArn(v.account, $app.stage),
        reportsBucket: v.reportsBucket,
      }),
    ),
  ),
});

/**
 * One message per invocation and at most `SYNCRON_MAX_CONCURRENCY` invocations: that many syncs
 * at once, each with the worker's whole memory (the seed's "avoid too many syncs at once"). Partial
 * batch responses stay on, so a failed record is redelivered alone whatever the batch size.
 */
/**
 * Under `sst dev` the worker is SST's bridge to the developer's machine, which answers *success* when
 * no `sst dev` is attached, and SQS would delete the messages. So on a dev stage the queue invokes a
 * small deployed relay instead (functions/dev-relay.ts, not bridged): it invokes the worker and fails
 * the batch when nobody is attached, and the messages stay in the queue.
 */
const consumer = $dev
  ? new sst.aws.Function("DevWorkerRelay", {
      handler: "functions/dev-relay.handler",
      dev: false,
      runtime: "nodejs22.x",
      architecture: "arm64",
      // It waits for the worker's whole run.
      timeout: `${settings.worker.timeoutS} seconds`,
      memory: "128 MB",
      environment: devRelayEnvironment({ worker: worker.name, table: table.name }),
      // Invoke the worker; what the event source needs to poll the queue with this role; and end
      // the runs of messages on their last delivery (the store's item actions, on the table only).
      permissions: [
        { actions: ["lambda:InvokeFunction"], resources: [worker.arn] },
        { actions: SQS_CONSUME_ACTIONS, resources: [queue.arn] },
        { actions: [...DYNAMODB_DATA_ACTIONS], resources: [table.arn] },
      ],
    })
  : worker;

export const workerSubscription = queue.subscribe(consumer.arn, {
  batch: { size: WORKER_BATCH_SIZE, partialResponses: true },
  transform: {
    eventSourceMapping: (args) => {
      args.scalingConfig = { maximumConcurrency: settings.worker.maxConcurrency };
    },
  },
});
