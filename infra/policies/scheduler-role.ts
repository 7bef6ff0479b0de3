import { type AwsAccount, scheduleGroupArn } from "./arns.ts";
import { type PolicyDocument, policyDocument } from "./document.ts";

export const SCHEDULER_SERVICE = "scheduler.amazonaws.com";

/**
 * Trust policy of the role EventBridge Scheduler assumes to deliver a schedule: only the Scheduler
 * service, only for this account (`aws:SourceAccount`) and only for schedules of syncron's group
 * (`aws:SourceArn` is the schedule group's ARN, as the Scheduler guide's confused-deputy page
 * requires; it must not name a schedule).
 */
export function schedulerTrustPolicy(account: AwsAccount, group: string): PolicyDocument {
  return policyDocument({
    Sid: "SchedulerAssumesRole",
    Effect: "Allow",
    Principal: { Service: SCHEDULER_SERVICE },
    Action: ["sts:AssumeRole"],
    Condition: {
      StringEquals: { "aws:SourceAccount": account.accountId },
      ArnEquals: { "aws:SourceArn": scheduleGroupArn(account, group) },
    },
  });
}

/**
 * What the scheduler role may do: send messages to the sync queue, and to the schedule dead-letter
 * queue (Scheduler sends a fire it could not deliver there with this role), nothing else. Both
 * queues use SQS-managed encryption (SSE-SQS), so no KMS permission is needed.
 */
export function schedulerRolePolicy(queueArn: string, scheduleDlqArn: string): PolicyDocument {
  return policyDocument(
    { Sid: "SendToSyncQueue", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: [queueArn] },
    {
      Sid: "SendUndeliveredToScheduleDlq",
      Effect: "Allow",
      Action: ["sqs:SendMessage"],
      Resource: [scheduleDlqArn],
    },
  );
}
