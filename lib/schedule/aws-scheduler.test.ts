import { DeleteRuleCommand, EventBridgeClient, ListTargetsByRuleCommand } from "@aws-sdk/client-eventbridge";
import { DeleteScheduleCommand, SchedulerClient } from "@aws-sdk/client-scheduler";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { createAwsScheduler, SchedulerSettingsError } from "./aws-scheduler.ts";

const QUEUE_ARN = "arn:aws:sqs:us-east-1:123456789012:syncron-sync";
const ROLE_ARN = "arn:aws:iam::123456789012:role/scheduler";
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

  it("eventbridge-rules: rules named <group>.<id> (a separator no stage name has), as the deployed API names them", async () => {
    rulesApi.on(ListTargetsByRuleCommand).resolves({ Targets: [] });
    rulesApi.on(DeleteRuleCommand).resolves({});
    const aws = createAwsScheduler({ backend: "eventbridge-rules", group: "grp", queueArn: QUEUE_ARN });
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
        createAwsScheduler({ backend: "eventbridge-scheduler", group: "grp", queueArn: QUEUE_ARN, roleArn });
      expect(build).toThrow(SchedulerSettingsError);
      expect(build).toThrow(/eventbridge-scheduler needs .*SYNCRON_SCHEDULER_ROLE_ARN/);
    },
  );
});
