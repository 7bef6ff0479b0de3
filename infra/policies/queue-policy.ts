import { rulesSendStatement } from "../../lib/schedule/eventbridge-rules/queue-policy.ts";
import { type AwsAccount, rulesWithPrefixArn } from "./arns.ts";
import { type PolicyDocument, policyDocument } from "./document.ts";

/**
 * Queue policy for the `eventbridge-rules` backend: EventBridge may send to the queue (the sync
 * queue, or the schedule dead-letter queue) only on behalf of syncron's rules (`aws:SourceArn` like
 * `rule/<group>.*` in this account and region). Scheduled rules deliver to SQS through this
 * resource policy; they take no role.
 */
export function eventsToQueuePolicy(account: AwsAccount, queueArn: string, group: string): PolicyDocument {
  return policyDocument(rulesSendStatement(queueArn, rulesWithPrefixArn(account, group)));
}
