import { CreateScheduleGroupCommand, SchedulerClient } from "@aws-sdk/client-scheduler";
import { SetQueueAttributesCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { rulesArnPatternOfQueue, rulesSendStatement } from "../schedule/eventbridge-rules/queue-policy.ts";
import type { AwsSchedulerBackend } from "../schedule/scheduler.ts";

/** A queue syncron's schedules send to: the sync queue, or the schedule dead-letter queue. */
export interface QueueRef {
  readonly url: string;
  readonly arn: string;
}

/**
 * `syncron dev --aws --create`: what infra creates for the schedule backend on a deployed stage, so a
 * fresh LocalStack or moto works. eventbridge-scheduler: the schedule group (one that exists is
 * kept). eventbridge-rules: each queue's resource policy letting syncron's rules send to it (the
 * same statement infra writes; it replaces the queue's policy).
 */
export async function provisionSchedules(input: {
  backend: AwsSchedulerBackend;
  group: string;
  sqs: SQSClient;
  queues: readonly QueueRef[];
}): Promise<void> {
  if (input.backend === "eventbridge-scheduler") {
    const client = new SchedulerClient({});
    try {
      await client.send(new CreateScheduleGroupCommand({ Name: input.group }));
    } catch (error) {
      if (!(error instanceof Error && error.name === "ConflictException")) throw error;
    } finally {
      client.destroy();
    }
    return;
  }
  for (const queue of input.queues) {
    const policy = {
      Version: "2012-10-17",
      Statement: [rulesSendStatement(queue.arn, rulesArnPatternOfQueue(queue.arn, input.group))],
    };
    await input.sqs.send(
      new SetQueueAttributesCommand({ QueueUrl: queue.url, Attributes: { Policy: JSON.stringify(policy) } }),
    );
  }
}
