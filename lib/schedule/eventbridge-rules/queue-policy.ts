import { rulePrefixOf } from "../names.ts";

export const EVENTS_SERVICE = "events.amazonaws.com";

/**
 * Scheduled rules take no role to reach SQS: a queue's resource policy must let EventBridge send,
 * only on behalf of syncron's rules (`aws:SourceArn` like `rule/<group>.*`). The sync queue needs it
 * to receive fires, the schedule dead-letter queue to receive the fires that could not be delivered.
 * Plain IAM JSON, shared by infra (infra/policies/queue-policy.ts) and `syncron dev --aws --create`.
 */
export function rulesSendStatement(queueArn: string, rulesArnPattern: string) {
  return {
    Sid: "EventBridgeRulesSend",
    Effect: "Allow" as const,
    Principal: { Service: EVENTS_SERVICE },
    Action: ["sqs:SendMessage"],
    Resource: [queueArn],
    Condition: { ArnLike: { "aws:SourceArn": rulesArnPattern } },
  };
}

/**
 * The ARN pattern of a group's rules (default bus) in the partition, region and account of a queue
 * ARN (`arn:<partition>:sqs:<region>:<account>:<name>`). Throws for a string that is not a queue ARN.
 */
export function rulesArnPatternOfQueue(queueArn: string, group: string): string {
  const match = /^arn:([^:]+):sqs:([^:]+):(\d+):[^:]+$/.exec(queueArn);
  if (!match) throw new Error(`not a queue ARN: ${JSON.stringify(queueArn)}`);
  const [, partition, region, account] = match;
  return `arn:${partition}:events:${region}:${account}:rule/${rulePrefixOf(group)}*`;
}
