import { type AwsAccount, rulesWithPrefixArn } from "./arns.ts";
import { type PolicyDocument, policyDocument } from "./document.ts";

export const EVENTS_SERVICE = "events.amazonaws.com";

/**
 * Queue policy for the `eventbridge-rules` backend: EventBridge may send to the sync queue only
 * on behalf of syncron's rules (`aws:SourceArn` like `rule/<prefix>-*` in this account and region).
 * Scheduled rules deliver to SQS through this resource policy; they take no role.
 */
export function eventsToQueuePolicy(
  account: AwsAccount,
  queueArn: string,
  rulePrefix: string,
): PolicyDocument {
  return policyDocument({
    Sid: "EventBridgeRulesSend",
    Effect: "Allow",
    Principal: { Service: EVENTS_SERVICE },
    Action: ["sqs:SendMessage"],
    Resource: [queueArn],
    Condition: { ArnLike: { "aws:SourceArn": rulesWithPrefixArn(account, rulePrefix) } },
  });
}
