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

/** The role EventBridge Scheduler assumes to deliver a fire: it may only send to the sync queue. */
export const schedulerRole = new aws.iam.Role("SchedulerRole", {
  assumeRolePolicy: $resolve({ account, group: scheduleGroup.name }).apply((v) =>
    JSON.stringify(schedulerTrustPolicy(v.account, v.group)),
  ),
});

new aws.iam.RolePolicy("SchedulerRoleSendToQueue", {
  role: schedulerRole.id,
  policy: queue.arn.apply((arn) => JSON.stringify(schedulerRolePolicy(arn))),
});

if (settings.scheduleBackend === "eventbridge-rules") {
  // Scheduled rules deliver through the queue's resource policy, limited to syncron's rules.
  new aws.sqs.QueuePolicy("SyncQueueEventsPolicy", {
    queueUrl: queue.url,
    policy: $resolve({ account, queueArn: queue.arn, group: scheduleGroup.name }).apply((v) =>
      JSON.stringify(eventsToQueuePolicy(v.account, v.queueArn, v.group)),
    ),
  });
}
