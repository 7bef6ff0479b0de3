import { execFile } from "node:child_process";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENV } from "../lib/env.ts";
import { type FunctionReads, functionReads } from "../test/support/infra/function-reads.ts";
import {
  ACCOUNT_ID,
  type EvalResource,
  type EvalResult,
  type EvalScenario,
  PLATFORM,
  REGION,
  REPO,
} from "../test/support/infra/sst-eval.ts";
import { tempDirSync } from "../test/support/temp-dir.ts";
import { LIST_ONLY_WILDCARD_ACTIONS, REPORT_READ_ACTIONS } from "./policies/api.ts";
import type { PolicyDocument } from "./policies/document.ts";
import { MEMO_ACTIONS, REPORT_WRITE_ACTIONS } from "./policies/worker.ts";

/**
 * The offline deploy check: `sst.config.ts` + `infra/` evaluated as `sst deploy` / `sst dev` would
 * (test/support/infra/sst-eval.ts: SST's esbuild step, its globals and its RPC, Pulumi's mock
 * runtime), then the resources it would create are held against what the code does.
 */
const run = promisify(execFile);

/** The check needs SST's platform (`sst install`); CI is a fresh machine, so the set-up installs it. */
async function ensurePlatform(): Promise<void> {
  if (existsSync(join(PLATFORM, "node_modules/@pulumi/pulumi"))) return;
  await run("npx", ["sst", "install", "--stage", "ci"], {
    cwd: REPO,
    env: { ...process.env, SST_TELEMETRY_DISABLED: "1", SST_SKIP_DEPENDENCY_CHECK: "1", SST_NO_BUN: "1" },
  });
}

async function evaluate(scenario: EvalScenario): Promise<EvalResult> {
  const { stdout } = await run(
    process.execPath,
    ["--import", "tsx", join(REPO, "test/support/infra/sst-eval.ts"), JSON.stringify(scenario)],
    { cwd: REPO, env: { ...process.env, NODE_OPTIONS: "" }, maxBuffer: 64 * 1024 * 1024 },
  );
  const line = stdout.split("\n").find((l) => l.startsWith("~j"));
  if (!line) throw new Error(`no result from sst-eval:\n${stdout}`);
  return JSON.parse(line.slice(2)) as EvalResult;
}

const EVERY_SETTING: Record<string, string> = {
  SYNCRON_SCHEDULE_BACKEND: "eventbridge-rules",
  SYNCRON_WORKER_TIMEOUT_S: "300",
  SYNCRON_WORKER_MEMORY_MB: "2048",
  SYNCRON_MAX_CONCURRENCY: "8",
  SYNCRON_JWT_ISSUER: "https://id.example.com/",
  SYNCRON_JWT_AUDIENCE: "syncron",
  SYNCRON_API_TOKEN: "a-long-enough-api-token",
  SYNCRON_DEFAULT_TIMEZONE: "Asia/Shanghai",
  SYNCRON_FANOUT_ENTRIES: "5000",
  SYNCRON_ALARM_EMAIL: "ops@example.com",
  SYNCRON_S3_BUCKETS: "photos,backups.example",
};

/** Stage `team` keeps every setting (but the secret token) in its file, infra/stages/team.json here. */
const STAGES_DIR = tempDirSync("syncron-deploy-check-stages-");
const { SYNCRON_API_TOKEN: _secret, ...TEAM_SETTINGS } = EVERY_SETTING;
const TEAM_FILE = { region: "ap-southeast-2", settings: TEAM_SETTINGS };
writeFileSync(join(STAGES_DIR, "team.json"), JSON.stringify(TEAM_FILE));
afterAll(() => rmSync(STAGES_DIR, { recursive: true, force: true }));

const SCENARIOS = {
  "prod defaults": { stage: "prod", dev: false, env: {} },
  "a personal sst dev stage": { stage: "alice", dev: true, env: {} },
  "every setting on": { stage: "staging", dev: false, env: EVERY_SETTING },
  // Deployed from a shell that sets none of them: the file's settings hold.
  "every setting in the stage's file": { stage: "team", dev: false, env: { SYNCRON_STAGES_DIR: STAGES_DIR } },
} satisfies Record<string, EvalScenario>;
type ScenarioName = keyof typeof SCENARIOS;

/** The settings a scenario deploys with: its stage file's, then its environment. */
const settingsOf = (name: ScenarioName): Record<string, string | undefined> => ({
  ...(SCENARIOS[name].stage === "team" ? TEAM_FILE.settings : {}),
  ...SCENARIOS[name].env,
});

/** The functions infra creates and the handler each one runs. */
const HANDLERS = {
  ApiHandler: "functions/api.ts",
  Worker: "functions/worker.ts",
  DeadLetterConsumer: "functions/dead-letter.ts",
} as const;
/** The functions an SQS event source feeds (they poll with their own role); not bridged under sst dev. */
const QUEUE_CONSUMERS: readonly string[] = ["Worker", "DeadLetterConsumer"];
const NOT_BRIDGED: readonly string[] = ["DeadLetterConsumer"];

const results = {} as Record<ScenarioName, Extract<EvalResult, { ok: true }>>;
const reads = {} as Record<keyof typeof HANDLERS, FunctionReads>;

beforeAll(async () => {
  await ensurePlatform();
  const names = Object.keys(SCENARIOS) as ScenarioName[];
  const evaluated = await Promise.all(names.map((name) => evaluate(SCENARIOS[name])));
  for (const [i, name] of names.entries()) {
    const result = evaluated[i];
    if (!result?.ok) throw new Error(`${name}: ${result?.error}`);
    results[name] = result;
  }
  for (const fn of Object.keys(HANDLERS) as (keyof typeof HANDLERS)[])
    reads[fn] = await functionReads(REPO, HANDLERS[fn]);
}, 600_000);

const find = (resources: EvalResource[], type: string, name: string): EvalResource => {
  const found = resources.find((r) => r.type === type && r.name === name);
  if (!found) throw new Error(`no ${type} named ${name}`);
  return found;
};
/** The domain name the mock gives a CloudFront distribution (test/support/infra/sst-eval.ts). */
const mockDomainOf = (distribution: EvalResource) => `${distribution.name.toLowerCase()}.cloudfront.net`;
const fnOf = (r: EvalResource[], fn: string) => find(r, "aws:lambda/function:Function", `${fn}Function`);
const roleOf = (r: EvalResource[], fn: string): PolicyDocument => {
  const policies = find(r, "aws:iam/role:Role", `${fn}Role`).inputs.inlinePolicies as { policy: string }[];
  return { Version: "2012-10-17", Statement: policies.flatMap((p) => JSON.parse(p.policy).Statement) };
};
const syncronEnv = (r: EvalResource[], fn: string): Record<string, string> => {
  const variables = (fnOf(r, fn).inputs.environment as { variables: Record<string, string> }).variables;
  return Object.fromEntries(Object.entries(variables).filter(([k]) => k.startsWith("SYNCRON_")));
};
const queue = (r: EvalResource[], name: string) => find(r, "aws:sqs/queue:Queue", `${name}Queue`).inputs;
/** The one event source mapping that polls queue `name`. */
const mappingOf = (r: EvalResource[], name: string): EvalResource => {
  const polling = r.filter(
    (x) =>
      x.type === "aws:lambda/eventSourceMapping:EventSourceMapping" &&
      String(x.inputs.eventSourceArn).endsWith(`:${queue(r, name).name}`),
  );
  expect(polling, `event source mappings of ${name}`).toHaveLength(1);
  return polling[0]!;
};
const arnOf = (r: EvalResource[], type: string, name: string) => {
  const { inputs } = find(r, type, name);
  return String(inputs.name);
};

/** Actions SST grants a `sst dev` function to reach the dev bridge (AppSync events, the asset bucket). */
const SST_DEV_ACTIONS = ["appsync:*", "s3:*"];
/** What the event source mapping polls the queue with: the worker role (AWSLambdaSQSQueueExecutionRole). */
const EVENT_SOURCE_ACTIONS = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"];

it("refuses `sst dev --stage prod`: the evaluation fails before any resource", {
  timeout: 180_000,
}, async () => {
  // The program throws while SST loads it, as `sst dev` would show it.
  await expect(evaluate({ stage: "prod", dev: true, env: {} })).rejects.toThrow(
    /InfraConfigError: sst dev --stage prod is refused/,
  );
});

it("refuses a deploy whose environment would change the stage file's backend, naming the file and the flag", {
  timeout: 180_000,
}, async () => {
  const env = { SYNCRON_STAGES_DIR: STAGES_DIR, SYNCRON_SCHEDULE_BACKEND: "eventbridge-scheduler" };
  await expect(evaluate({ stage: "team", dev: false, env })).rejects.toThrow(
    /SYNCRON_SCHEDULE_BACKEND="eventbridge-scheduler" is refused: stage team's settings live in .*team\.json, which says "eventbridge-rules".*SYNCRON_ALLOW_SETTINGS_CHANGE=1/,
  );
});

it("pins each stage's region to its file's", () => {
  const region = (name: ScenarioName) =>
    (results[name].app.providers as { aws: { region?: string } }).aws.region;
  expect(region("every setting in the stage's file")).toBe("ap-southeast-2");
  expect(region("prod defaults")).toMatch(/^[a-z]{2}-[a-z]+-\d$/);
  expect(region("every setting on")).toBeUndefined(); // no file: AWS_REGION or the profile's
});

describe.each(Object.keys(SCENARIOS) as ScenarioName[])("offline deploy check: %s", (scenario) => {
  const r = () => results[scenario].resources;
  const settings = settingsOf(scenario);

  it.each(Object.keys(HANDLERS) as (keyof typeof HANDLERS)[])(
    "%s: every SYNCRON_* variable the code reads is set on it, and none it never reads",
    (fn) => {
      const set = Object.keys(syncronEnv(r(), fn)).sort();
      // The API token and the default time zone are settings: unset means no token is demanded and UTC. Infra never sets the local
      // roots: on Lambda local locations are refused.
      const optional: string[] = [
        ENV.localRoots,
        ...[ENV.apiToken, ENV.defaultTimezone, ENV.fanoutEntries].filter((name) => !settings[name]),
      ];
      expect(set).toEqual(reads[fn].env.filter((name) => !optional.includes(name)));
    },
  );

  it.each(Object.keys(HANDLERS) as (keyof typeof HANDLERS)[])(
    "%s: its role allows each AWS call the code makes and nothing more",
    (fn) => {
      const document = roleOf(r(), fn);
      const granted = new Set(document.Statement.flatMap((s) => s.Action));
      const backend = settings[ENV.scheduleBackend] ?? "eventbridge-scheduler";
      const s3 = Boolean(settings.SYNCRON_S3_BUCKETS);
      // Runs' reports: the worker writes them (and keeps listing memos), the API reads them, whatever the S3 buckets setting.
      const reportActions: readonly string[] =
        fn === "Worker" ? [...REPORT_WRITE_ACTIONS, ...MEMO_ACTIONS] : REPORT_READ_ACTIONS;
      const needed = reads[fn].actions.filter((action) => {
        // Only the configured backend's calls run; S3 with the role only for configured buckets.
        if (action.startsWith("scheduler:") || action === "iam:PassRole")
          return backend === "eventbridge-scheduler";
        if (action.startsWith("events:")) return backend === "eventbridge-rules";
        if (action.startsWith("s3:"))
          return (s3 && (fn === "Worker" || action === "s3:ListBucket")) || reportActions.includes(action);
        // The worker only reads drive secrets (Powertools' SSMProvider, in its bundle, can also set them).
        if (fn === "Worker" && (action === "ssm:PutParameter" || action === "ssm:DeleteParameter"))
          return false;
        return true;
      });
      const platform = [
        ...(QUEUE_CONSUMERS.includes(fn) ? EVENT_SOURCE_ACTIONS : []),
        ...(SCENARIOS[scenario].dev && !NOT_BRIDGED.includes(fn) ? SST_DEV_ACTIONS : []),
      ];
      expect([...granted].sort()).toEqual([...new Set([...needed, ...platform])].sort());
      const wildcard = document.Statement.filter(
        (s) => s.Resource?.includes("*") && !SST_DEV_ACTIONS.some((a) => s.Action.includes(a)),
      );
      for (const statement of wildcard)
        expect(LIST_ONLY_WILDCARD_ACTIONS as readonly string[]).toEqual(
          expect.arrayContaining(statement.Action),
        );
    },
  );

  it("the worker's role reaches only this stage's table, queue, drive secrets and configured buckets", () => {
    const table = arnOf(r(), "aws:dynamodb/table:Table", "TableTable");
    const syncQueue = String(queue(r(), "SyncQueue").name);
    const resources = roleOf(r(), "Worker")
      .Statement.filter((s) => !SST_DEV_ACTIONS.some((a) => s.Action.includes(a)))
      .flatMap((s) => s.Resource ?? []);
    for (const arn of resources)
      expect(arn).toMatch(
        new RegExp(
          `table/${table}(/index/\\w+)?$|:${syncQueue}$|^arn:aws:s3:::(photos|backups\\.example)(/\\*)?$|:parameter/syncron/${SCENARIOS[scenario].stage}/drives/\\*$|^arn:aws:s3:::syncron-[a-z0-9-]*reports[a-z0-9-]*(/(reports|listing-memos)/\\*)?$`,
        ),
      );
  });

  it("every bucket aborts incomplete multipart uploads after a day, and keeps its other lifecycle rules", () => {
    const buckets = r().filter((x) => x.type === "aws:s3/bucket:Bucket");
    // The dashboard's assets bucket too, where the stage has one (`sst dev` serves no site).
    expect(buckets.map((b) => b.name).sort()).toEqual(
      SCENARIOS[scenario].dev ? ["ReportsBucket"] : ["ReportsBucket", "WebAssetsBucket"],
    );
    for (const bucket of buckets) {
      const lifecycle = r().find(
        (x) =>
          x.type === "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration" &&
          x.inputs.bucket === bucket.inputs.bucket,
      );
      const rules = (lifecycle?.inputs.rules ?? []) as Record<string, unknown>[];
      expect(rules, bucket.name).toContainEqual({
        id: "abort-incomplete-multipart-uploads",
        status: "Enabled",
        filter: { prefix: "" },
        abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
      });
    }
    const reports = r().find((x) => x.name === "ReportsLifecycle")?.inputs.rules as { filter?: unknown }[];
    expect(reports.map((rule) => rule.filter)).toEqual([
      { prefix: "reports/" },
      { prefix: "listing-memos/" },
      { prefix: "" },
    ]);
  });

  it("the queue hides a message 6× the worker's timeout (AWS's advice), then the DLQ after 5 receives", () => {
    const timeout = Number(fnOf(r(), "Worker").inputs.timeout);
    const sync = queue(r(), "SyncQueue");
    expect(timeout).toBe(Number(settings[ENV.workerTimeoutS] ?? 900));
    expect(sync.visibilityTimeoutSeconds).toBeGreaterThanOrEqual(6 * timeout);
    const redrive = JSON.parse(String(sync.redrivePolicy));
    expect(redrive.maxReceiveCount).toBe(5);
    expect(redrive.deadLetterTargetArn).toMatch(new RegExp(`:${queue(r(), "DeadLetterQueue").name}$`));
  });

  it("SYNCRON_MAX_CONCURRENCY is the number of syncs at once: batch size × invocations", () => {
    const mapping = mappingOf(r(), "SyncQueue");
    const inputs = mapping?.inputs as { batchSize: number; scalingConfig: { maximumConcurrency: number } };
    expect(mapping?.inputs.eventSourceArn).toMatch(new RegExp(`:${queue(r(), "SyncQueue").name}$`));
    // One sync per invocation (the worker runs a batch's records one after another).
    expect(inputs.batchSize).toBe(1);
    expect(inputs.scalingConfig.maximumConcurrency).toBe(Number(settings.SYNCRON_MAX_CONCURRENCY ?? 5));
  });

  it("alarms watch this stage's dead-letter queue and worker, and notify the topic", () => {
    const topic = find(r(), "aws:sns/topic:Topic", "AlarmTopic");
    const alarms = r().filter((x) => x.type === "aws:cloudwatch/metricAlarm:MetricAlarm");
    const dimensions = Object.fromEntries(alarms.map((a) => [a.name, a.inputs.dimensions]));
    expect(dimensions.DeadLetterQueueNotEmpty).toEqual({ QueueName: queue(r(), "DeadLetterQueue").name });
    expect(dimensions.DeadLetterQueueReceived).toEqual({ QueueName: queue(r(), "DeadLetterQueue").name });
    expect(dimensions.ScheduleDeadLetterQueueNotEmpty).toEqual({
      QueueName: queue(r(), "ScheduleDeadLetterQueue").name,
    });
    expect(dimensions.WorkerErrors).toEqual({ FunctionName: fnOf(r(), "Worker").inputs.name });
    for (const alarm of alarms) {
      expect(alarm.inputs.alarmActions).toEqual([expect.stringContaining(`${topic.name}`)]);
    }
    const email = r().filter((x) => x.type === "aws:sns/topicSubscription:TopicSubscription");
    expect(email.map((e) => e.inputs.endpoint)).toEqual(
      settings.SYNCRON_ALARM_EMAIL ? [settings.SYNCRON_ALARM_EMAIL] : [],
    );
  });

  it("a fire EventBridge cannot deliver goes to the schedule dead-letter queue, which the alarm watches", () => {
    const dlq = queue(r(), "ScheduleDeadLetterQueue");
    const dlqArn = `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:${dlq.name}`;
    expect(dlq.messageRetentionSeconds).toBe(14 * 24 * 3600);
    // The API gives it to every schedule (or rule target) it writes, with the retry policy.
    expect(syncronEnv(r(), "ApiHandler")[ENV.scheduleDlqArn]).toBe(dlqArn);
    // Scheduler sends there with the scheduler role; rules through the queue's resource policy.
    const role = JSON.parse(
      String(find(r(), "aws:iam/rolePolicy:RolePolicy", "SchedulerRoleSendToQueue").inputs.policy),
    );
    expect(role.Statement).toContainEqual(
      expect.objectContaining({ Action: ["sqs:SendMessage"], Resource: [dlqArn] }),
    );
    const policies = r().filter((x) => x.type === "aws:sqs/queuePolicy:QueuePolicy");
    const rules = (settings[ENV.scheduleBackend] ?? "eventbridge-scheduler") === "eventbridge-rules";
    const dlqPolicy = policies.find((p) => String(p.inputs.queueUrl).endsWith(`/${dlq.name}`));
    if (rules) {
      expect(JSON.parse(String(dlqPolicy?.inputs.policy)).Statement).toEqual([
        expect.objectContaining({
          Principal: { Service: "events.amazonaws.com" },
          Action: ["sqs:SendMessage"],
          Resource: [dlqArn],
          Condition: { ArnLike: { "aws:SourceArn": expect.stringMatching(/:rule\/syncron-[a-z]+\.\*$/) } },
        }),
      ]);
    } else expect(dlqPolicy).toBeUndefined();
    const alarm = find(r(), "aws:cloudwatch/metricAlarm:MetricAlarm", "ScheduleDeadLetterQueueNotEmpty");
    expect(alarm.inputs.dimensions).toEqual({ QueueName: dlq.name });
    expect(alarm.inputs).toMatchObject({ metricName: "ApproximateNumberOfMessagesVisible", threshold: 0 });
  });

  it("the queue's consumer is the worker; under sst dev a deployed relay that fails the batch while no sst dev is attached", async () => {
    const consumer = String(mappingOf(r(), "SyncQueue").inputs.functionName);
    const relays = r().filter(
      (x) => x.type === "aws:lambda/function:Function" && x.name === "DevWorkerRelayFunction",
    );
    if (!SCENARIOS[scenario].dev) {
      expect(relays).toEqual([]);
      expect(consumer).toMatch(new RegExp(`:function/${fnOf(r(), "Worker").inputs.name}$`));
      return;
    }
    const relay = fnOf(r(), "DevWorkerRelay");
    expect(consumer).toMatch(new RegExp(`:function/${relay.inputs.name}$`));
    // Its own code (not SST's bridge, which answers success when nobody is attached) ...
    expect(fnOf(r(), "Worker").inputs.handler).toBe("bootstrap");
    expect(relay.inputs.handler).toBe("index.handler");
    // ... invoking the (bridged) worker, and ending on the table the runs of messages on their last
    // delivery: the variables it reads; waiting as long as the worker may run.
    const relayReads = await functionReads(REPO, "functions/dev-relay.ts");
    const tableName = arnOf(r(), "aws:dynamodb/table:Table", "TableTable");
    expect(syncronEnv(r(), "DevWorkerRelay")).toEqual({
      [ENV.devWorker]: fnOf(r(), "Worker").inputs.name,
      [ENV.table]: tableName,
    });
    expect(relayReads.env).toEqual([ENV.devWorker, ENV.table].sort());
    expect(relay.inputs.timeout).toBe(fnOf(r(), "Worker").inputs.timeout);
    const role = roleOf(r(), "DevWorkerRelay");
    const grants = role.Statement.map((s) => [s.Action, s.Resource]);
    expect(grants).toEqual([
      [
        ["lambda:InvokeFunction"],
        [expect.stringMatching(new RegExp(`:function/${fnOf(r(), "Worker").inputs.name}$`))],
      ],
      [EVENT_SOURCE_ACTIONS, [expect.stringMatching(new RegExp(`:${queue(r(), "SyncQueue").name}$`))]],
      [
        expect.arrayContaining(["dynamodb:UpdateItem"]),
        [expect.stringMatching(new RegExp(`:table/${tableName}$`))],
      ],
    ]);
    // Every call its bundle makes is granted.
    const granted = new Set(role.Statement.flatMap((s) => s.Action));
    expect(relayReads.actions.filter((action) => !granted.has(action))).toEqual([]);
  });

  it("the dead-letter queue's consumer is its own deployed code (not bridged under sst dev), in batches with partial responses", () => {
    const mappings = r().filter((x) => x.type === "aws:lambda/eventSourceMapping:EventSourceMapping");
    expect(mappings).toHaveLength(2); // the sync queue's and the dead-letter queue's
    const consumer = fnOf(r(), "DeadLetterConsumer");
    const mapping = mappingOf(r(), "DeadLetterQueue");
    expect(String(mapping.inputs.functionName)).toMatch(new RegExp(`:function/${consumer.inputs.name}$`));
    expect(mapping.inputs).toMatchObject({
      batchSize: 10,
      functionResponseTypes: ["ReportBatchItemFailures"],
    });
    expect(consumer.inputs.handler).toBe("index.handler");
    // A message it cannot settle yet is not received again while an invocation may still be on it.
    const dlq = queue(r(), "DeadLetterQueue");
    expect(dlq.visibilityTimeoutSeconds).toBeGreaterThanOrEqual(6 * Number(consumer.inputs.timeout));
    expect(dlq.messageRetentionSeconds).toBe(14 * 24 * 3600);
    // Its grants reach this stage's table and dead-letter queue only.
    const tableName = arnOf(r(), "aws:dynamodb/table:Table", "TableTable");
    const resources = roleOf(r(), "DeadLetterConsumer").Statement.flatMap((s) => s.Resource ?? []);
    for (const arn of resources) expect(arn).toMatch(new RegExp(`:table/${tableName}$|:${dlq.name}$`));
  });

  it("every route of the API is served, authenticated as the stage says", () => {
    const routes = r().filter((x) => x.type === "aws:apigatewayv2/route:Route");
    const kinds = new Set(routes.map((x) => x.inputs.authorizationType));
    const expected = settings.SYNCRON_JWT_ISSUER ? "JWT" : SCENARIOS[scenario].dev ? "NONE" : "AWS_IAM";
    expect([...kinds]).toEqual([expected]);
  });

  it("the API allows CORS from the stage's dashboard only, with the headers and methods it sends", () => {
    const distribution = find(r(), "aws:cloudfront/distribution:Distribution", "WebRouterCdnDistribution");
    const cors = find(r(), "aws:apigatewayv2/api:Api", "ApiApi").inputs.corsConfiguration as Record<
      string,
      unknown
    >;
    expect(cors.allowOrigins).toEqual([`https://${mockDomainOf(distribution)}`]);
    expect(cors.allowHeaders).toEqual(["authorization", "x-syncron-token", "content-type"]);
    expect(cors.allowMethods).toEqual(["DELETE", "GET", "PATCH", "POST", "PUT"]);
    expect(cors.allowCredentials).toBe(false);
  });
});
