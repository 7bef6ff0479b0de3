import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  DescribeRuleCommand,
  EventBridgeClient,
  ListTargetsByRuleCommand,
  RemoveTargetsCommand,
} from "@aws-sdk/client-eventbridge";
import {
  GetScheduleCommand,
  type GetScheduleCommandOutput,
  ListScheduleGroupsCommand,
  SchedulerClient,
  UpdateScheduleCommand,
} from "@aws-sdk/client-scheduler";
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCHEDULER_TIME_PLACEHOLDER } from "../../lib/schedule/schedule-input.ts";
import {
  type DevProcess,
  E2E_TIMEOUT_MS,
  http,
  killAll,
  removeTempDirs,
  startDev,
  tempDir,
  waitFor,
} from "../support/dev/dev-process.ts";
import { MOTO_SERVER, type MotoServer, startMotoServer } from "../support/secrets/moto-server.ts";

/**
 * Fidelity: `syncron dev --aws --create` against moto_server (an independent implementation of
 * DynamoDB, SQS, EventBridge Scheduler and rules), each schedule backend: what --create makes, config
 * CRUD reaching the backend with the retry policy and the schedule dead-letter queue, drift repaired by
 * refresh-tasks, and a fire delivered exactly as AWS sends it (placeholder filled in), twice, making
 * one run. moto stores schedules but never fires them: the test sends the fire the way AWS would.
 */
const ROLE_ARN = "arn:aws:iam::123456789012:role/syncron-moto-scheduler";
/** What AWS writes for `<aws.scheduler.scheduled-time>` and a rule event's `$.time`. */
const FIRE_TIME = "2026-12-01T03:00:00Z";
const RETRY = { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 10 };

let moto: MotoServer | undefined;
let scheduler: SchedulerClient;
let rules: EventBridgeClient;
let sqs: SQSClient;

beforeAll(async () => {
  moto = await startMotoServer();
  if (!moto) return;
  const config = { endpoint: moto.endpoint, region: moto.region, credentials: moto.credentials };
  scheduler = new SchedulerClient(config);
  rules = new EventBridgeClient(config);
  sqs = new SQSClient(config);
}, 60_000);

afterAll(async () => {
  await killAll();
  for (const client of [scheduler, rules, sqs]) client?.destroy();
  await moto?.stop();
  await removeTempDirs();
});

type Backend = "eventbridge-scheduler" | "eventbridge-rules";

interface Delivered {
  /** The queue the schedule sends to, its retry policy and dead-letter queue. */
  target: {
    Arn?: string | undefined;
    RetryPolicy?: unknown;
    DeadLetterConfig?: { Arn?: string | undefined } | undefined;
  };
  /** The message body AWS would send for a fire at FIRE_TIME. */
  body: string;
  expression: string;
}

/** What the backend holds for a config, read straight from moto. */
async function deployed(backend: Backend, group: string, configId: string): Promise<Delivered> {
  if (backend === "eventbridge-scheduler") {
    const s: GetScheduleCommandOutput = await scheduler.send(
      new GetScheduleCommand({ GroupName: group, Name: `syncron-${configId}` }),
    );
    const input = s.Target?.Input ?? "";
    expect(input).toContain(SCHEDULER_TIME_PLACEHOLDER);
    return {
      target: s.Target ?? {},
      body: input.replaceAll(SCHEDULER_TIME_PLACEHOLDER, FIRE_TIME),
      expression: s.ScheduleExpression ?? "",
    };
  }
  const name = `${group}.${configId}`;
  const rule = await rules.send(new DescribeRuleCommand({ Name: name }));
  const { Targets = [] } = await rules.send(new ListTargetsByRuleCommand({ Rule: name }));
  expect(Targets).toHaveLength(1);
  const [target] = Targets;
  // An input transformer: EventBridge fills <time> from the event's $.time.
  expect(target?.InputTransformer?.InputPathsMap).toEqual({ time: "$.time" });
  return {
    target: target ?? {},
    body: (target?.InputTransformer?.InputTemplate ?? "").replaceAll("<time>", FIRE_TIME),
    expression: rule.ScheduleExpression ?? "",
  };
}

/** Changes the deployed schedule behind syncron's back: another input, no dead-letter queue; a rule loses its target. */
async function drift(backend: Backend, group: string, configId: string): Promise<void> {
  if (backend === "eventbridge-scheduler") {
    const s = await scheduler.send(new GetScheduleCommand({ GroupName: group, Name: `syncron-${configId}` }));
    await scheduler.send(
      new UpdateScheduleCommand({
        Name: s.Name,
        GroupName: group,
        ScheduleExpression: s.ScheduleExpression,
        ScheduleExpressionTimezone: s.ScheduleExpressionTimezone,
        FlexibleTimeWindow: s.FlexibleTimeWindow,
        State: s.State,
        Target: { Arn: s.Target?.Arn, RoleArn: s.Target?.RoleArn, Input: '{"drifted":true}' },
      }),
    );
    return;
  }
  const name = `${group}.${configId}`;
  const { Targets = [] } = await rules.send(new ListTargetsByRuleCommand({ Rule: name }));
  await rules.send(new RemoveTargetsCommand({ Rule: name, Ids: Targets.map((t) => t.Id!) }));
}

const queueUrl = async (name: string) =>
  (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl!;
const attributes = async (name: string, names: string[]) =>
  (
    await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: await queueUrl(name),
        AttributeNames: names as never,
      }),
    )
  ).Attributes ?? {};

describe.skipIf(!MOTO_SERVER)("syncron dev --aws --create against moto_server", () => {
  it.each<[Backend, string]>([
    ["eventbridge-scheduler", "sched"],
    ["eventbridge-rules", "rules"],
  ])(
    "%s: creates what a deploy would, keeps the schedule as configured, repairs drift, and a fire delivered twice makes one run",
    { timeout: E2E_TIMEOUT_MS },
    async (backend, tag) => {
      const group = `syncron-moto${tag}`;
      const names = { table: `t-${tag}`, queue: `q-${tag}`, dlq: `q-${tag}-dlq`, scheduleDlq: `sd-${tag}` };
      const work = await tempDir();
      await mkdir(join(work, "source"), { recursive: true });
      await writeFile(join(work, "source", "fired.txt"), `fired by ${backend}`);
      const dev: DevProcess = await startDev({
        dataDir: join(work, "unused"),
        args: [
          "--aws",
          "--create",
          ...["--table", names.table, "--queue", names.queue, "--dlq", names.dlq],
          ...["--schedule-backend", backend, "--schedule-group", group, "--schedule-dlq", names.scheduleDlq],
          ...(backend === "eventbridge-scheduler" ? ["--scheduler-role-arn", ROLE_ARN] : []),
        ],
        env: {
          AWS_ENDPOINT_URL: moto!.endpoint,
          AWS_REGION: moto!.region,
          AWS_ACCESS_KEY_ID: moto!.credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: moto!.credentials.secretAccessKey,
          // This machine's CA bundle is for HTTPS; moto speaks plain HTTP.
          AWS_CA_BUNDLE: undefined,
        },
      });
      const scheduleDlqArn = (await attributes(names.scheduleDlq, ["QueueArn"])).QueueArn;
      const queueArn = (await attributes(names.queue, ["QueueArn"])).QueueArn;
      expect(scheduleDlqArn).toMatch(new RegExp(`:${names.scheduleDlq}$`));

      // --create made what infra makes for this backend.
      if (backend === "eventbridge-scheduler") {
        const { ScheduleGroups = [] } = await scheduler.send(new ListScheduleGroupsCommand({}));
        expect(ScheduleGroups.map((g) => g.Name)).toContain(group);
      } else {
        for (const [name, arn] of [
          [names.queue, queueArn],
          [names.scheduleDlq, scheduleDlqArn],
        ]) {
          const policy = JSON.parse((await attributes(name!, ["Policy"])).Policy ?? "{}");
          expect(policy.Statement).toEqual([
            expect.objectContaining({
              Principal: { Service: "events.amazonaws.com" },
              Action: ["sqs:SendMessage"],
              Resource: [arn],
              Condition: {
                ArnLike: { "aws:SourceArn": `arn:aws:events:us-east-1:123456789012:rule/${group}.*` },
              },
            }),
          ]);
        }
      }

      // Config CRUD reaches the backend, with the retry policy and the schedule dead-letter queue.
      const created = await http(dev.url, "POST", "/api/v1/sync-configs", {
        json: {
          name: `moto ${tag}`,
          source: join(work, "source"),
          target: join(work, "target"),
          cron: "0 3 * * *",
          timezone: "UTC",
        },
      });
      expect(created.status, created.text).toBe(201);
      const id: string = created.body.id;
      const first = await deployed(backend, group, id);
      expect(first.expression).toBe("cron(0 3 * * ? *)");
      expect(first.target).toMatchObject({
        Arn: queueArn,
        RetryPolicy: RETRY,
        DeadLetterConfig: { Arn: scheduleDlqArn },
      });
      expect((await http(dev.url, "GET", `/api/v1/sync-configs/${id}`)).body.cron).toBe("0 3 * * *");
      const patched = await http(dev.url, "PATCH", `/api/v1/sync-configs/${id}`, {
        json: { cron: "30 4 * * *" },
      });
      expect(patched.status, patched.text).toBe(200);
      expect((await deployed(backend, group, id)).expression).toBe("cron(30 4 * * ? *)");

      // Drift behind syncron's back is repaired by refresh-tasks, and then nothing is left to do.
      await drift(backend, group, id);
      const repaired = await http(dev.url, "POST", "/api/v1/task/scheduler/refresh-tasks");
      expect(repaired.body, repaired.text).toMatchObject({ updated_count: 1, added_count: 0, errors: [] });
      const restored = await deployed(backend, group, id);
      expect(restored.target).toMatchObject({
        RetryPolicy: RETRY,
        DeadLetterConfig: { Arn: scheduleDlqArn },
      });
      expect(JSON.parse(restored.body)).toMatchObject({ config_id: id, scheduled_time: FIRE_TIME });
      const again = await http(dev.url, "POST", "/api/v1/task/scheduler/refresh-tasks");
      expect(again.body).toMatchObject({ updated_count: 0, added_count: 0, unchanged_count: 1 });

      // A fire exactly as AWS delivers it, twice (delivery is at least once): one run.
      const url = await queueUrl(names.queue);
      for (let i = 0; i < 2; i++)
        await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: restored.body }));
      await waitFor(async () => {
        const a = await attributes(names.queue, [
          "ApproximateNumberOfMessages",
          "ApproximateNumberOfMessagesNotVisible",
        ]);
        return a.ApproximateNumberOfMessages === "0" && a.ApproximateNumberOfMessagesNotVisible === "0"
          ? true
          : undefined;
      }, "both deliveries to be taken off the queue");
      const runs = await waitFor(async () => {
        const list = await http(dev.url, "GET", `/api/v1/sync-configs/${id}/runs`);
        return list.body.items.every((run: { status: string }) => run.status === "SUCCESS") &&
          list.body.items.length > 0
          ? list.body.items
          : undefined;
      }, "the run to finish");
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatchObject({ status: "SUCCESS", trigger: "schedule" });
      expect(await readFile(join(work, "target", "fired.txt"), "utf8")).toBe(`fired by ${backend}`);
      expect((await attributes(names.dlq, ["ApproximateNumberOfMessages"])).ApproximateNumberOfMessages).toBe(
        "0",
      );

      // Deleting the config deletes its schedule.
      expect((await http(dev.url, "DELETE", `/api/v1/sync-configs/${id}`)).status).toBe(200);
      await expect(deployed(backend, group, id)).rejects.toThrow();
      expect(await dev.stop()).toBe(0);
    },
  );
});

if (!MOTO_SERVER) {
  it("runs the moto fidelity suite only where moto_server is missing (pyenv's shim or /usr/local/bin)", () => {
    expect(MOTO_SERVER).toBeUndefined();
  });
}
