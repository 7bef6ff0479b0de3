import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  type GetScheduleCommandOutput,
  UpdateScheduleCommand,
  type UpdateScheduleCommandInput,
} from "@aws-sdk/client-scheduler";
import { describe, expect, it } from "vitest";
import { fakeSchedulerApi } from "../../../test/support/schedule/fake-scheduler-api.ts";
import { manySpecs, schedulesOf } from "../../../test/support/schedule/many-specs.ts";
import { runSchedulerContract } from "../../../test/support/schedule/scheduler-contract.ts";
import { parseMessage } from "../../queue/message.ts";
import { SchedulerError } from "../errors.ts";
import { reconcileSchedules } from "../reconcile.ts";
import { createEventBridgeScheduler } from "./eventbridge-scheduler.ts";

const QUEUE_ARN = "arn:aws:sqs:us-east-1:123456789012:syncron-queue";
const ROLE_ARN = "arn:aws:iam::123456789012:role/syncron-scheduler";
const DLQ_ARN = "arn:aws:sqs:us-east-1:123456789012:syncron-dlq";

const setup = (options: { pageSize?: number } = {}) => {
  const api = fakeSchedulerApi(options);
  let token = 0;
  const scheduler = createEventBridgeScheduler({
    client: api.client,
    groupName: "syncron-test",
    queueArn: QUEUE_ARN,
    roleArn: ROLE_ARN,
    deadLetterArn: DLQ_ARN,
    newToken: () => `token-${++token}`,
  });
  return { api, scheduler };
};

runSchedulerContract({
  name: "eventbridge-scheduler",
  timezones: true,
  schedulesForEither: 2,
  newScheduler: () => {
    const { api, scheduler } = setup({ pageSize: 100 });
    return { scheduler, mutations: api.mutations, close: () => api.mock.restore() };
  },
});

const input = (configId: string) =>
  JSON.stringify({
    type: "sync.run",
    trigger: "schedule",
    config_id: configId,
    scheduled_time: "<aws.scheduler.scheduled-time>",
  });

const expected = (name: string, expression: string, state = "ENABLED") => ({
  Name: name,
  GroupName: "syncron-test",
  ScheduleExpression: expression,
  ScheduleExpressionTimezone: "Europe/Paris",
  FlexibleTimeWindow: { Mode: "OFF" },
  State: state,
  Description: "syncron config c1: photos",
  ActionAfterCompletion: "NONE",
  Target: {
    Arn: QUEUE_ARN,
    RoleArn: ROLE_ARN,
    Input: input("c1"),
    RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 10 },
    DeadLetterConfig: { Arn: DLQ_ARN },
  },
});

describe("createEventBridgeScheduler requests", () => {
  const photos = {
    config_id: "c1",
    name: "photos",
    cron: "0 9,18 * * 1-5",
    timezone: "Europe/Paris",
    enabled: true,
  };

  it("creates with the EventBridge expression, the zone, the queue target and a client token", async () => {
    const { api, scheduler } = setup();
    await scheduler.upsert(photos);
    expect(api.mock.commandCalls(CreateScheduleCommand).map((call) => call.args[0].input)).toEqual([
      { ...expected("syncron-c1", "cron(0 9,18 ? * 2-6 *)"), ClientToken: "token-1" },
    ]);
    api.mock.restore();
  });

  it("creates two schedules for day-of-month OR day-of-week", async () => {
    const { api, scheduler } = setup();
    await scheduler.upsert({ ...photos, cron: "0 0 1 * 1" });
    expect(api.mock.commandCalls(CreateScheduleCommand).map((call) => call.args[0].input)).toEqual([
      { ...expected("syncron-c1", "cron(0 0 1 * ? *)"), ClientToken: "token-1" },
      { ...expected("syncron-c1-dow", "cron(0 0 ? * 2 *)"), ClientToken: "token-2" },
    ]);
    api.mock.restore();
  });

  it("sends an input that is a valid message once Scheduler fills in the time", async () => {
    const { api, scheduler } = setup();
    await scheduler.upsert(photos);
    const text = api.mock.commandCalls(CreateScheduleCommand)[0]?.args[0].input.Target?.Input ?? "";
    const filled = text.replace("<aws.scheduler.scheduled-time>", "2026-03-02T08:00:00Z");
    expect(parseMessage(filled)).toEqual({
      type: "sync.run",
      trigger: "schedule",
      config_id: "c1",
      scheduled_time: "2026-03-02T08:00:00Z",
    });
    api.mock.restore();
  });

  it("sends the config's end_time as EndDate, and updates when only the end moves", async () => {
    const { api, scheduler } = setup();
    const ending = { ...photos, end_time: "2026-12-31T08:00:00.000Z" };
    await scheduler.upsert(ending);
    expect(api.mock.commandCalls(CreateScheduleCommand).map((call) => call.args[0].input)).toEqual([
      {
        ...expected("syncron-c1", "cron(0 9,18 ? * 2-6 *)"),
        EndDate: new Date(ending.end_time),
        ClientToken: "token-1",
      },
    ]);
    expect(await scheduler.upsert(ending)).toBe("unchanged");
    expect(await scheduler.upsert({ ...ending, end_time: "2027-01-31T08:00:00.000Z" })).toBe("updated");
    expect(api.mock.commandCalls(UpdateScheduleCommand).map((call) => call.args[0].input.EndDate)).toEqual([
      new Date("2027-01-31T08:00:00.000Z"),
    ]);
    api.mock.restore();
  });

  it("updates in full on a change, and deletes the schedule no longer needed", async () => {
    const { api, scheduler } = setup();
    await scheduler.upsert({ ...photos, cron: "0 0 1 * 1" });
    await scheduler.upsert({ ...photos, cron: "0 0 1 * *", enabled: false });
    expect(api.mock.commandCalls(UpdateScheduleCommand).map((call) => call.args[0].input)).toEqual([
      { ...expected("syncron-c1", "cron(0 0 1 * ? *)", "DISABLED"), ClientToken: "token-3" },
    ]);
    expect(api.mock.commandCalls(DeleteScheduleCommand).map((call) => call.args[0].input)).toEqual([
      { Name: "syncron-c1-dow", GroupName: "syncron-test", ClientToken: "token-4" },
    ]);
    api.mock.restore();
  });

  it("treats a conflict on create as an existing schedule", async () => {
    const { api, scheduler } = setup();
    // Both read "missing", both create: the second gets ConflictException and finds ours in place.
    const results = await Promise.all([scheduler.upsert(photos), scheduler.upsert(photos)]);
    expect(results.sort()).toEqual(["created", "unchanged"]);
    expect(api.mock.commandCalls(CreateScheduleCommand)).toHaveLength(2);
    expect(api.mock.commandCalls(UpdateScheduleCommand)).toHaveLength(0);
    api.mock.restore();
  });

  it("takes a listing's word for what exists, and converges when a schedule appeared after it", async () => {
    const { api, scheduler } = setup();
    const listed = await scheduler.list(); // empty
    expect(await scheduler.upsert(photos, listed)).toBe("created");
    expect(api.mock.commandCalls(GetScheduleCommand)).toHaveLength(1); // the re-read after the write
    // Made by another refresh after this listing: its create conflicts, and the schedule is ours already.
    expect(await scheduler.upsert(photos, listed)).toBe("unchanged");
    expect(api.mock.commandCalls(CreateScheduleCommand)).toHaveLength(2);
    expect(api.mock.commandCalls(UpdateScheduleCommand)).toHaveLength(0);
    api.mock.restore();
  });

  it("wraps backend failures in a SchedulerError that keeps the cause and says whether to retry", async () => {
    const { api, scheduler } = setup();
    const throttled = Object.assign(new Error("Rate exceeded"), {
      name: "ThrottlingException",
      $metadata: { httpStatusCode: 429 },
    });
    api.mock.on(CreateScheduleCommand).rejects(throttled);
    const error = await scheduler.upsert(photos).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchedulerError);
    expect((error as SchedulerError).retryable).toBe(true);
    expect((error as SchedulerError).cause).toBe(throttled);
    api.mock.restore();
  });
});

describe("createEventBridgeScheduler listing", () => {
  const specs = manySpecs();
  const schedules = schedulesOf(specs.length); // 11,428

  it("reads no schedule whose LastModificationDate is the one recorded: a no-change refresh of 10,000 configs", async () => {
    const { api, scheduler } = setup();
    const first = await reconcileSchedules(specs, scheduler, { concurrency: 32 });
    expect(first).toMatchObject({ added_count: 10_000, errors: [] });
    // A first refresh reads only what it wrote (for its LastModificationDate), never a name the listing lacked.
    expect(api.calls("GetScheduleCommand")).toBe(schedules);
    expect(api.calls("CreateScheduleCommand")).toBe(schedules);
    api.mock.resetHistory();

    const again = await reconcileSchedules(specs, scheduler, { concurrency: 32 });

    expect(again).toMatchObject({ unchanged_count: 10_000, added_count: 0, updated_count: 0, errors: [] });
    expect(api.mutations()).toBe(0);
    expect(api.calls("GetScheduleCommand")).toBe(0);
    const lists = api.calls("ListSchedulesCommand");
    expect(lists).toBe(Math.ceil(schedules / 100));
    expect(api.mock.calls().length).toBeLessThanOrEqual(schedules / 100 + 1);
  }, 120_000);

  it("reads again, and repairs, a schedule changed behind its back", async () => {
    const { api, scheduler } = setup();
    const few = specs.slice(0, 30);
    await reconcileSchedules(few, scheduler);
    api.tamper("syncron-test", "syncron-cfg-00003", { ScheduleExpression: "cron(0 0 * * ? *)" });
    api.mock.resetHistory();

    const repaired = await reconcileSchedules(few, scheduler);

    expect(repaired).toMatchObject({ updated_count: 1, unchanged_count: 29, errors: [] });
    expect(api.mock.commandCalls(GetScheduleCommand).map((call) => call.args[0].input.Name)).toContain(
      "syncron-cfg-00003",
    );
    expect(api.calls("UpdateScheduleCommand")).toBe(1);
    api.mock.resetHistory();
    expect(await reconcileSchedules(few, scheduler)).toMatchObject({ unchanged_count: 30 });
    expect(api.calls("GetScheduleCommand")).toBe(0);
  });
});

describe("createEventBridgeScheduler drift", () => {
  const config = { config_id: "drift", cron: "0 2 * * *", timezone: "UTC", enabled: true, name: "n" };
  /** Each field syncron sets, changed behind its back (another tool, a console edit). */
  const drifts: [string, (s: GetScheduleCommandOutput) => Partial<UpdateScheduleCommandInput>][] = [
    ["target queue", (s) => ({ Target: { ...s.Target!, Arn: `${QUEUE_ARN}-other` } })],
    ["target role", (s) => ({ Target: { ...s.Target!, RoleArn: `${ROLE_ARN}-other` } })],
    ["input", (s) => ({ Target: { ...s.Target!, Input: '{"type":"sync.run"}' } })],
    [
      "retry policy",
      (s) => ({
        Target: { ...s.Target!, RetryPolicy: { MaximumEventAgeInSeconds: 60, MaximumRetryAttempts: 0 } },
      }),
    ],
    ["dead-letter queue", (s) => ({ Target: { ...s.Target!, DeadLetterConfig: undefined } })],
    ["flexible window", () => ({ FlexibleTimeWindow: { Mode: "FLEXIBLE", MaximumWindowInMinutes: 15 } })],
    ["description", () => ({ Description: "edited" })],
  ];

  it.each(drifts)("refresh-tasks repairs a schedule whose %s drifted", async (_field, drift) => {
    const { api, scheduler } = setup();
    await reconcileSchedules([config], scheduler);
    const name = "syncron-drift";
    const before = await api.client.send(new GetScheduleCommand({ Name: name, GroupName: "syncron-test" }));
    const { $metadata: _m, Arn: _a, CreationDate: _c, LastModificationDate: _l, ...current } = before;
    await api.client.send(
      new UpdateScheduleCommand({ ...current, ...drift(before) } as UpdateScheduleCommandInput),
    );
    expect(await reconcileSchedules([config], scheduler)).toMatchObject({
      updated_count: 1,
      unchanged_count: 0,
    });
    const after = await api.client.send(new GetScheduleCommand({ Name: name, GroupName: "syncron-test" }));
    expect({ ...after, LastModificationDate: undefined, $metadata: undefined }).toEqual({
      ...before,
      LastModificationDate: undefined,
      $metadata: undefined,
    });
    expect(await reconcileSchedules([config], scheduler)).toMatchObject({
      updated_count: 0,
      unchanged_count: 1,
    });
  });
});
