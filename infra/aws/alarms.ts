import { alarmSpecs } from "../alarms.ts";
import { deadLetterQueue } from "./queue.ts";
import { scheduleDeadLetterQueue } from "./scheduler.ts";
import { settings } from "./settings.ts";
import { worker } from "./worker.ts";

/** Alarm notifications; an email subscription when SYNCRON_ALARM_EMAIL is set (confirm the mail). */
export const alarmTopic = new aws.sns.Topic("AlarmTopic");

if (settings.alarmEmail) {
  new aws.sns.TopicSubscription("AlarmEmail", {
    topic: alarmTopic.arn,
    protocol: "email",
    endpoint: settings.alarmEmail,
  });
}

const specs = alarmSpecs();

/** A message reached the dead-letter queue (its consumer received it): a run failed 5 times, someone should look. */
export const deadLetterReceivedAlarm = new aws.cloudwatch.MetricAlarm("DeadLetterQueueReceived", {
  ...specs.deadLetterQueueReceived,
  dimensions: { QueueName: deadLetterQueue.nodes.queue.name },
  alarmActions: [alarmTopic.arn],
  okActions: [alarmTopic.arn],
});

/** Messages the consumer has not settled stay visible: it fails, or the table is unreachable. */
export const deadLetterAlarm = new aws.cloudwatch.MetricAlarm("DeadLetterQueueNotEmpty", {
  ...specs.deadLetterQueueNotEmpty,
  dimensions: { QueueName: deadLetterQueue.nodes.queue.name },
  alarmActions: [alarmTopic.arn],
  okActions: [alarmTopic.arn],
});

/** A fire EventBridge could not deliver (queue policy or role wrong, queue gone): a run that never happened. */
export const scheduleDeadLetterAlarm = new aws.cloudwatch.MetricAlarm("ScheduleDeadLetterQueueNotEmpty", {
  ...specs.scheduleDeadLetterQueueNotEmpty,
  dimensions: { QueueName: scheduleDeadLetterQueue.nodes.queue.name },
  alarmActions: [alarmTopic.arn],
  okActions: [alarmTopic.arn],
});

/** The worker threw (an invocation error, not a sync failure it recorded). */
export const workerErrorsAlarm = new aws.cloudwatch.MetricAlarm("WorkerErrors", {
  ...specs.workerErrors,
  dimensions: { FunctionName: worker.name },
  alarmActions: [alarmTopic.arn],
  okActions: [alarmTopic.arn],
});
