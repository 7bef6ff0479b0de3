import { type PolicyDocument, policyDocument } from "./document.ts";
import { tableDataStatement } from "./dynamodb.ts";

export interface WorkerPolicyInput {
  tableArn: string;
  indexNames: readonly string[];
  queueArn: string;
}

/** What the Lambda event source mapping needs to poll the queue with the function's role. */
export const SQS_CONSUME_ACTIONS = [
  "sqs:ReceiveMessage",
  "sqs:DeleteMessage",
  "sqs:ChangeMessageVisibility",
  "sqs:GetQueueAttributes",
];

/**
 * The worker's identity policy: the table and its indexes (runs, leases, configs); consume the
 * sync queue; send to it (continuations of a run that outlives one invocation). Nothing else: it
 * never touches schedules, and the dead-letter queue is filled by SQS's redrive, not by the worker.
 */
export function workerPolicy(input: WorkerPolicyInput): PolicyDocument {
  return policyDocument(
    tableDataStatement(input.tableArn, input.indexNames),
    {
      Sid: "SyncQueueConsume",
      Effect: "Allow",
      Action: [...SQS_CONSUME_ACTIONS],
      Resource: [input.queueArn],
    },
    {
      Sid: "SyncQueueContinue",
      Effect: "Allow",
      Action: ["sqs:SendMessage"],
      Resource: [input.queueArn],
    },
  );
}
