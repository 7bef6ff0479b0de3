import { type PolicyDocument, policyDocument } from "./document.ts";
import { tableDataStatement } from "./dynamodb.ts";
import { SQS_CONSUME_ACTIONS } from "./worker.ts";

/**
 * The dead-letter consumer's identity policy (functions/dead-letter.ts): the table's items (it
 * reads a run and its lease, records a lost fire, ends the run, sets the config's `last_run`; no
 * index), and consuming the sync queue's dead-letter queue. It sends nowhere: a message it cannot
 * settle yet stays in the dead-letter queue.
 */
export function deadLetterPolicy(input: { tableArn: string; deadLetterQueueArn: string }): PolicyDocument {
  return policyDocument(tableDataStatement(input.tableArn, []), {
    Sid: "DeadLetterQueueConsume",
    Effect: "Allow",
    Action: [...SQS_CONSUME_ACTIONS],
    Resource: [input.deadLetterQueueArn],
  });
}
