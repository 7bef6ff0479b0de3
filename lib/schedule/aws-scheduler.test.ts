import {
  DeleteRuleCommand,
  DescribeRuleCommand,
  EventBridgeClient,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from "@aws-sdk/client-eventbridge";
import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  SchedulerClient,
} from "@aws-sdk/client-scheduler";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { createAwsScheduler, SchedulerSettingsError } from "./aws-scheduler.ts";
import type { ScheduleRecords } from "./schedule-records.ts";

const QUEUE_ARN = "arn:aws:sqs:us-east-1:123456789012:syncron-sync";
const ROLE_ARN = "arn:aws:iam::123456789012:role/scheduler";
const SCHEDULE_DLQ_ARN = "arn:aws:sqs:us-east-1:123456789012:syncron-schedule-dlq";
const DELIVERY = {
  RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 10 },
  DeadLetterConfig: { Arn: SCHEDULE_DLQ_ARN },
};
const notFound = Object.assign(new Error("gone"), { name: "ResourceNotFoundException" });
const NIGHTLY = { config_id: "c1", cron: "0 2 * * *", timezone: "UTC", enabled: true };

// Class-level mocks: the factory builds its own clients, and every instance sends here.
const schedulerApi = mockClient(SchedulerClient);
const rulesApi = mockClient(EventBridgeClient);

afterEach(() => {
  schedulerApi.reset();
  rulesApi.reset();
});

describe("createAwsScheduler", () => {
  it("eventbridge-scheduler: schedules syncron-<id> in the group, deleted from the group", async () => {
    schedulerApi.on(DeleteScheduleCommand).resolves({});
    const aws = createAwsScheduler({
      backend: "eventbridge-scheduler",
      group: "grp",
      queueArn: QUEUE_ARN,
      roleArn: ROLE_ARN,
      deadLetterArn: SCHEDULE_DLQ_ARN,
    });
    expect(aws.scheduler.backend).toBe("eventbridge-scheduler");
    expect(aws.scheduler.plan(NIGHTLY).map((s) => s.name)).toEqual(["syncron-c1"]);
    expect(await aws.scheduler.remove("c1")).toBe(true);
    expect(schedulerApi.commandCalls(DeleteScheduleCommand).map((c) => c.args[0].input)).toEqual([
      { Name: "syncron-c1", GroupName: "grp", ClientToken: expect.any(String) },
      { Name: "syncron-c1-dow", GroupName: "grp", ClientToken: expect.any(String) },
    ]);
    expect(rulesApi.calls()).toEqual([]);
    aws.destroy();
  });

  it("eventbridge-scheduler: forgets the records of the schedules it deletes, in the records it is given", async () => {
    schedulerApi.on(DeleteScheduleCommand).resolves({});
    const forgotten: string[] = [];
    const records: ScheduleRecords = {
      list: async () => [],
      put: async () => {},
      delete: async (group, name) => {
        forgotten.push(`${group}/${name}`);
      },
    };
    const aws = createAwsScheduler({
      backend: "eventbridge-scheduler",
      group: "grp",
      queueArn: QUEUE_ARN,
      roleArn: ROLE_ARN,
      deadLetterArn: SCHEDULE_DLQ_ARN,
      records,
    });
    await aws.scheduler.remove("c1");
    expect(forgotten).toEqual(["grp/syncron-c1", "grp/syncron-c1-dow"]);
    aws.destroy();
  });

  it("eventbridge-rules: rules named <group>.<id> (a separator no stage name has), as the deployed API names them", async () => {
    rulesApi.on(ListTargetsByRuleCommand).resolves({ Targets: [] });
    rulesApi.on(DeleteRuleCommand).resolves({});
    const aws = createAwsScheduler({
      backend: "eventbridge-rules",
      group: "grp",
      queueArn: QUEUE_ARN,
      deadLetterArn: SCHEDULE_DLQ_ARN,
    });
    expect(aws.scheduler.backend).toBe("eventbridge-rules");
    expect(aws.scheduler.plan(NIGHTLY).map((s) => s.name)).toEqual(["grp.c1"]);
    expect(await aws.scheduler.remove("c1")).toBe(true);
    expect(rulesApi.commandCalls(DeleteRuleCommand).map((c) => c.args[0].input)).toEqual([
      { Name: "grp.c1" },
      { Name: "grp.c1-dow" },
    ]);
    expect(schedulerApi.calls()).toEqual([]);
    aws.destroy();
  });

  it.each([undefined, ""])(
    "refuses eventbridge-scheduler with role ARN %j, naming the setting",
    (roleArn) => {
      const build = () =>
        createAwsScheduler({
          backend: "eventbridge-scheduler",
          group: "grp",
          queueArn: QUEUE_ARN,
          roleArn,
          deadLetterArn: SCHEDULE_DLQ_ARN,
        });
      expect(build).toThrow(SchedulerSettingsError);
      expect(build).toThrow(/eventbridge-scheduler needs .*SYNCRON_SCHEDULER_ROLE_ARN/);
    },
  );

  it("eventbridge-scheduler: every schedule carries the retry policy and the schedule dead-letter queue", async () => {
    schedulerApi.on(GetScheduleCommand).rejects(notFound);
    schedulerApi.on(CreateScheduleCommand).resolves({});
    const aws = createAwsScheduler({
      backend: "eventbridge-scheduler",
      group: "grp",
      queueArn: QUEUE_ARN,
      roleArn: ROLE_ARN,
      deadLetterArn: SCHEDULE_DLQ_ARN,
    });
    expect(await aws.scheduler.upsert(NIGHTLY)).toBe("created");
    const [create] = schedulerApi.commandCalls(CreateScheduleCommand).map((c) => c.args[0].input);
    expect(create?.Target).toMatchObject({ Arn: QUEUE_ARN, RoleArn: ROLE_ARN, ...DELIVERY });
    aws.destroy();
  });

  it("eventbridge-rules: every rule's target carries the retry policy and the schedule dead-letter queue", async () => {
    rulesApi.on(DescribeRuleCommand).rejects(notFound);
    rulesApi.on(PutRuleCommand).resolves({});
    rulesApi.on(PutTargetsCommand).resolves({ FailedEntryCount: 0, FailedEntries: [] });
    const aws = createAwsScheduler({
      backend: "eventbridge-rules",
      group: "grp",
      queueArn: QUEUE_ARN,
      deadLetterArn: SCHEDULE_DLQ_ARN,
    });
    expect(await aws.scheduler.upsert(NIGHTLY)).toBe("created");
    const [put] = rulesApi.commandCalls(PutTargetsCommand).map((c) => c.args[0].input);
    expect(put?.Targets).toEqual([expect.objectContaining({ Arn: QUEUE_ARN, ...DELIVERY })]);
    aws.destroy();
  });

  it.each(["eventbridge-scheduler", "eventbridge-rules"] as const)(
    "refuses %s without a schedule dead-letter queue, naming the setting",
    (backend) => {
      const build = () =>
        createAwsScheduler({
          backend,
          group: "grp",
          queueArn: QUEUE_ARN,
          roleArn: ROLE_ARN,
          deadLetterArn: "",
        });
      expect(build).toThrow(SchedulerSettingsError);
      expect(build).toThrow(/needs the schedule dead-letter queue.*SYNCRON_SCHEDULE_DLQ_ARN/);
    },
  );
});
