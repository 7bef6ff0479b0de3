import { deadLetterEnvironment } from "../../lib/env.ts";
import { DEAD_LETTER_TIMEOUT_S } from "../../lib/queue/redrive.ts";
import { FUNCTION_NODEJS } from "../function-bundle.ts";
import { deadLetterPolicy } from "../policies/dead-letter.ts";
import { toFunctionPermissions } from "../policies/document.ts";
import { deadLetterQueue } from "./queue.ts";
import { table } from "./storage.ts";

/**
 * The sync queue's dead-letter consumer (`functions/dead-letter.ts`): ends the run of each message
 * SQS gave up on. Not bridged under `sst dev` (`dev: false`): a killed worker's runs must end
 * whether or not anyone is attached.
 */
export const deadLetterConsumer = new sst.aws.Function("DeadLetterConsumer", {
  handler: "functions/dead-letter.handler",
  dev: false,
  runtime: "nodejs22.x",
  nodejs: FUNCTION_NODEJS,
  architecture: "arm64",
  timeout: `${DEAD_LETTER_TIMEOUT_S} seconds`,
  memory: "256 MB",
  environment: deadLetterEnvironment({ table: table.name }),
  permissions: $resolve({ tableArn: table.arn, deadLetterQueueArn: deadLetterQueue.arn }).apply((v) =>
    toFunctionPermissions(deadLetterPolicy(v)),
  ),
});

/** Batches of up to 10, partial responses on: a record it cannot settle yet stays alone. */
export const deadLetterSubscription = deadLetterQueue.subscribe(deadLetterConsumer.arn, {
  batch: { size: 10, partialResponses: true },
});
