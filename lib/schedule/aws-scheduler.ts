/**
 * The one place that turns scheduler settings into an AWS adapter, for the deployed API
 * (functions/api.ts) and `syncron dev --aws` alike, so both name schedules and rules the same way.
 */
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { SchedulerClient } from "@aws-sdk/client-scheduler";
import { ENV } from "../env.ts";
import { SCHEDULE_RETRY_POLICY } from "./delivery.ts";
import { createEventBridgeRulesScheduler } from "./eventbridge-rules/eventbridge-rules.ts";
import { createEventBridgeScheduler } from "./eventbridge-scheduler/eventbridge-scheduler.ts";
import { rulePrefixOf } from "./names.ts";
import type { ScheduleRecords } from "./schedule-records.ts";
import type { AwsSchedulerBackend, Scheduler } from "./scheduler.ts";

/** The settings cannot make a scheduler (a required one is missing). */
export class SchedulerSettingsError extends Error {
  override name = "SchedulerSettingsError";
}

export interface AwsSchedulerSettings {
  backend: AwsSchedulerBackend;
  /** eventbridge-scheduler: the schedule group; eventbridge-rules: rule names start `<group>.` (rulePrefixOf). */
  group: string;
  /** The sync queue the schedules or rules send to. */
  queueArn: string;
  /** The role EventBridge Scheduler assumes to send to the queue; required for eventbridge-scheduler. */
  roleArn?: string | undefined;
  /**
   * The schedule dead-letter queue: fires EventBridge could not deliver after its retries
   * (SCHEDULE_RETRY_POLICY) land there instead of vanishing. Required.
   */
  deadLetterArn: string | undefined;
  /**
   * eventbridge-scheduler: where each schedule as last read is kept (the store's `scheduleRecords`),
   * so a cold start reads only the schedules changed since; without it, a process's memory alone.
   */
  records?: ScheduleRecords;
  /** Told when keeping or reading `records` failed (the adapter then reads the schedules instead). */
  onRecordsError?: (action: string, error: unknown) => void;
}

export interface AwsScheduler {
  scheduler: Scheduler;
  /** Releases the SDK client's sockets (long-lived processes; a Lambda never calls it). */
  destroy(): void;
}

/**
 * Builds the adapter `settings.backend` names, with a client that takes region, endpoint and
 * credentials from the environment. Throws SchedulerSettingsError without a dead-letter queue, or for
 * eventbridge-scheduler without a role ARN, before any client exists.
 */
export function createAwsScheduler(settings: AwsSchedulerSettings): AwsScheduler {
  const { backend, group, queueArn, roleArn, deadLetterArn } = settings;
  if (!deadLetterArn) {
    throw new SchedulerSettingsError(
      `${backend} needs the schedule dead-letter queue, where undeliverable fires go: set ${ENV.scheduleDlqArn} (syncron dev: --schedule-dlq, or --create)`,
    );
  }
  const delivery = { retryPolicy: SCHEDULE_RETRY_POLICY, deadLetterArn };
  if (backend === "eventbridge-rules") {
    const client = new EventBridgeClient({});
    const scheduler = createEventBridgeRulesScheduler({
      client,
      queueArn,
      namePrefix: rulePrefixOf(group),
      ...delivery,
    });
    return { scheduler, destroy: () => client.destroy() };
  }
  if (!roleArn) {
    throw new SchedulerSettingsError(
      `eventbridge-scheduler needs the role the Scheduler assumes to send to the queue: set ${ENV.schedulerRoleArn} (syncron dev: or --scheduler-role-arn)`,
    );
  }
  const client = new SchedulerClient({});
  const scheduler = createEventBridgeScheduler({
    client,
    groupName: group,
    queueArn,
    roleArn,
    ...delivery,
    ...(settings.records ? { records: settings.records } : {}),
    ...(settings.onRecordsError ? { onRecordsError: settings.onRecordsError } : {}),
  });
  return { scheduler, destroy: () => client.destroy() };
}
