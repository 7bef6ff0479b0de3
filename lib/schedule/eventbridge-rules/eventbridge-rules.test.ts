import {
  DeleteRuleCommand,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from "@aws-sdk/client-eventbridge";
import { describe, expect, it } from "vitest";
import { fakeRulesApi } from "../../../test/support/schedule/fake-rules-api.ts";
import { runSchedulerContract } from "../../../test/support/schedule/scheduler-contract.ts";
import { parseMessage } from "../../queue/message.ts";
import { rulePrefixOf } from "../names.ts";
import { clearSchedules, reconcileSchedules } from "../reconcile.ts";
import { createEventBridgeRulesScheduler, TARGET_ID } from "./eventbridge-rules.ts";

const QUEUE_ARN = "arn:aws:sqs:us-east-1:123456789012:syncron-queue";
const DLQ_ARN = "arn:aws:sqs:us-east-1:123456789012:syncron-dlq";
const RETRY = { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 10 };

const setup = () => {
  const api = fakeRulesApi();
  const scheduler = createEventBridgeRulesScheduler({
    client: api.client,
    queueArn: QUEUE_ARN,
    retryPolicy: RETRY,
    deadLetterArn: DLQ_ARN,
  });
  return { api, scheduler };
};

runSchedulerContract({
  name: "eventbridge-rules",
  timezones: false,
  schedulesForEither: 2,
  newScheduler: () => {
    const { api, scheduler } = setup();
    return { scheduler, mutations: api.mutations, close: () => api.mock.restore() };
  },
});

const target = (configId: string) => ({
  Id: TARGET_ID,
  Arn: QUEUE_ARN,
  InputTransformer: {
    InputPathsMap: { time: "$.time" },
    InputTemplate: `{"type":"sync.run","trigger":"schedule","config_id":"${configId}","scheduled_time":"<time>"}`,
  },
  RetryPolicy: RETRY,
  DeadLetterConfig: { Arn: DLQ_ARN },
});

describe("createEventBridgeRulesScheduler requests", () => {
  const nightly = { config_id: "c1", name: "photos", cron: "0 0 1 * 1", timezone: "UTC", enabled: true };

  it("puts a UTC rule per EventBridge expression, then its SQS target with the event time as scheduled_time", async () => {
    const { api, scheduler } = setup();
    await scheduler.upsert(nightly);
    expect(api.mock.commandCalls(PutRuleCommand).map((call) => call.args[0].input)).toEqual([
      {
        Name: "syncron-c1",
        ScheduleExpression: "cron(0 0 1 * ? *)",
        State: "ENABLED",
        Description: "syncron config c1: photos",
      },
      {
        Name: "syncron-c1-dow",
        ScheduleExpression: "cron(0 0 ? * 2 *)",
        State: "ENABLED",
        Description: "syncron config c1: photos",
      },
    ]);
    expect(api.mock.commandCalls(PutTargetsCommand).map((call) => call.args[0].input)).toEqual([
      { Rule: "syncron-c1", Targets: [target("c1")] },
      { Rule: "syncron-c1-dow", Targets: [target("c1")] },
    ]);
    api.mock.restore();
  });

  it("builds a template that is a valid message once EventBridge fills in <time>", () => {
    const filled = target("c1").InputTransformer.InputTemplate.replace("<time>", "2026-03-02T00:00:00Z");
    expect(parseMessage(filled)).toMatchObject({ config_id: "c1", scheduled_time: "2026-03-02T00:00:00Z" });
  });

  it("changes only the rule when only the state changes", async () => {
    const { api, scheduler } = setup();
    await scheduler.upsert({ ...nightly, cron: "0 2 * * *" });
    api.mock.resetHistory();
    expect(await scheduler.upsert({ ...nightly, cron: "0 2 * * *", enabled: false })).toBe("updated");
    expect(api.mock.commandCalls(PutRuleCommand).map((call) => call.args[0].input.State)).toEqual([
      "DISABLED",
    ]);
    expect(api.mock.commandCalls(PutTargetsCommand)).toHaveLength(0);
    api.mock.restore();
  });

  it("removes targets before deleting each rule", async () => {
    const { api, scheduler } = setup();
    await scheduler.upsert(nightly);
    api.mock.resetHistory();
    expect(await scheduler.remove("c1")).toBe(true);
    const order = api.mock
      .calls()
      .map((call) => call.args[0])
      .filter((command) => command instanceof RemoveTargetsCommand || command instanceof DeleteRuleCommand)
      .map((command) => [command.constructor.name, command.input]);
    expect(order).toEqual([
      ["RemoveTargetsCommand", { Rule: "syncron-c1", Ids: [TARGET_ID] }],
      ["RemoveTargetsCommand", { Rule: "syncron-c1-dow", Ids: [TARGET_ID] }],
      ["DeleteRuleCommand", { Name: "syncron-c1" }],
      ["DeleteRuleCommand", { Name: "syncron-c1-dow" }],
    ]);
    expect(api.rules.size).toBe(0);
    api.mock.restore();
  });

  it("names the zone and the way out when refusing one", () => {
    const { api, scheduler } = setup();
    expect(() => scheduler.check({ ...nightly, timezone: "Europe/Paris" })).toThrow(
      'timezone "Europe/Paris" is not supported by the eventbridge-rules backend, whose rules run in UTC only: use "UTC" or the eventbridge-scheduler backend.',
    );
    expect(() => scheduler.check({ ...nightly, timezone: "Etc/UTC" })).not.toThrow();
    api.mock.restore();
  });
});

describe("createEventBridgeRulesScheduler drift and stages", () => {
  const config = { config_id: "drift", cron: "0 2 * * *", timezone: "UTC", enabled: true, name: "n" };

  it("refresh-tasks restores a removed target, replaces a changed one and drops a foreign one", async () => {
    const { api, scheduler } = setup();
    await reconcileSchedules([config], scheduler);
    const name = "syncron-drift";
    await api.client.send(new RemoveTargetsCommand({ Rule: name, Ids: [TARGET_ID] }));
    expect(await reconcileSchedules([config], scheduler)).toMatchObject({ updated_count: 1 });
    const restored = await api.client.send(new ListTargetsByRuleCommand({ Rule: name }));
    expect(restored.Targets).toEqual([target("drift")]);

    await api.client.send(
      new PutTargetsCommand({
        Rule: name,
        Targets: [
          { ...target("drift"), RetryPolicy: { MaximumEventAgeInSeconds: 60, MaximumRetryAttempts: 0 } },
          { Id: "other", Arn: "arn:aws:sqs:us-east-1:123456789012:elsewhere" },
        ],
      }),
    );
    expect(await reconcileSchedules([config], scheduler)).toMatchObject({ updated_count: 1 });
    expect((await api.client.send(new ListTargetsByRuleCommand({ Rule: name }))).Targets).toEqual([
      target("drift"),
    ]);
    expect(await reconcileSchedules([config], scheduler)).toMatchObject({
      updated_count: 0,
      unchanged_count: 1,
    });
  });

  it("stage prod's clear-tasks leaves stage prod-eu's rules alone (prefixes cannot overlap)", async () => {
    const api = fakeRulesApi();
    const stage = (group: string) =>
      createEventBridgeRulesScheduler({
        client: api.client,
        queueArn: QUEUE_ARN,
        namePrefix: rulePrefixOf(group),
      });
    const [prod, prodEu] = [stage("syncron-prod"), stage("syncron-prod-eu")];
    await reconcileSchedules([config], prod);
    await reconcileSchedules([{ ...config, config_id: "eu1" }], prodEu);
    expect((await prod.list()).map((i) => i.config_id)).toEqual(["drift"]);
    expect(await clearSchedules(prod)).toMatchObject({ removed_count: 1 });
    expect((await prodEu.list()).map((i) => i.name)).toEqual(["syncron-prod-eu.eu1"]);
    expect(await reconcileSchedules([], prod)).toMatchObject({ removed_count: 0 });
    expect(await prodEu.list()).toHaveLength(1);
  });
});
