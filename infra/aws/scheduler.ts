import { eventsToQueuePolicy } from "../policies/queue-policy.ts";
import { schedulerRolePolicy, schedulerTrustPolicy } from "../policies/scheduler-role.ts";
import { queue } from "./queue.ts";
import { account, settings } from "./settings.ts";

/**
 * One schedule group per stage: every config's schedules live in it, and the API may touch
 * nothing outside it. With the `eventbridge-rules` backend its name is the rule name prefix.
 */
export const scheduleGroup = new aws.scheduler.ScheduleGroup("ScheduleGroup", {
  name: `${$app.name}-${$app.stage}`,
});

/**
 * Fires EventBridge could not deliver to the sync queue after its retries (SCHEDULE_RETRY_POLICY:
 * an hour, 10 attempts), kept 14 days (SQS's maximum); an alarm watches its depth (alarms.ts).
 */
export const scheduleDeadLetterQueue = new sst.aws.Queue("ScheduleDeadLetterQueue", {
  transform: { queue: { sqsManagedSseEnabled: true, messageRetentionSeconds: 14 * 24 * 3600 } },
});

/**
 * The role EventBridge Scheduler assumes to deliver a fire: it may only send to the sync queue, and
 * to the schedule dead-letter queue (Scheduler sends an undeliverable fire there with this role).
 */
export const schedulerRole = new aws.iam.Role("SchedulerRole", {
  assumeRolePolicy: $resolve({ account, group: scheduleGroup.name }).apply((v) =>
    JSON.stringify(schedulerTrustPolicy(v.account, v.group)),
  ),
});

new aws.iam.RolePolicy("SchedulerRoleSendToQueue", {
  role: schedulerRole.id,
  policy: $resolve([queue.arn, scheduleDeadLetterQueue.arn]).apply(([queueArn, dlqArn]) =>
    JSON.stringify(schedulerRolePolicy(queueArn, dlqArn)),
  ),
});

if (settings.scheduleBackend === "eventbridge-rules") {
  // Scheduled rules deliver through the queues' resource policies, limited to syncron's rules: fires
  // to the sync queue, undeliverable fires to the schedule dead-letter queue.
  for (const [name, target] of [
    ["SyncQueueEventsPolicy", queue],
    ["ScheduleDeadLetterQueueEventsPolicy", scheduleDeadLetterQueue],
  ] as const) {
    new aws.sqs.QueuePolicy(name, {
      queueUrl: target.url,
      policy: $resolve({ account, queueArn: target.arn, group: scheduleGroup.name }).apply((v) =>
        JSON.stringify(eventsToQueuePolicy(v.account, v.queueArn, v.group)),
      ),
    });
  }
}
