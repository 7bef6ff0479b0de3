/**
 * `npm run bench:reconcile`: `reconcileSchedules` for 10,000 configs against the EventBridge Scheduler
 * adapter over its in-memory fake API (aws-sdk-client-mock, which records every request), keeping its
 * schedule records in a dynalite table as the API does: the first refresh (everything created), a
 * second one with nothing changed, and a third with nothing changed from a fresh adapter (a Lambda
 * cold start: no record in memory). Wall time, mutating calls (Create/Update/DeleteSchedule), GetSchedule
 * calls, all Scheduler calls and DynamoDB requests. Targets: no-change refreshes 0 mutating calls; < 10 s.
 * Flags: --scale smoke|full, --runs N, --out FILE, --json, --configs N.
 */
import { loadavg } from "node:os";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { startDynalite } from "../lib/dev/emulators/dynalite.ts";
import { createEventBridgeScheduler } from "../lib/schedule/eventbridge-scheduler/eventbridge-scheduler.ts";
import { reconcileSchedules } from "../lib/schedule/reconcile.ts";
import type { ScheduleSpec } from "../lib/schedule/scheduler.ts";
import { createDocumentClient, createStore } from "../lib/store/store.ts";
import { ensureTable } from "../lib/store/table.ts";
import { fakeSchedulerApi } from "../test/support/schedule/fake-scheduler-api.ts";
import { benchArgs } from "./support/args.ts";
import { describeMachine, machineFacts } from "./support/machine.ts";
import { finish, seconds, table, writeSection } from "./support/report.ts";
import { median, round } from "./support/stats.ts";

const TARGET_MS = 10_000;
const CRONS = [
  "0 2 * * *",
  "*/15 * * * *",
  "0 9,18 * * 1-5",
  "30 6 * * 0",
  "0 0 1 * *",
  "0 0 1 * 1",
  "5 4 * * sun",
];
const ZONES = ["UTC", "Europe/Paris", "Asia/Shanghai", "America/New_York", "Australia/Sydney"];

/** `count` varied configs (every 7th one both day-of-month and day-of-week: two schedules). */
export const specs = (count: number): ScheduleSpec[] =>
  Array.from({ length: count }, (_, i) => ({
    config_id: `bench-${String(i).padStart(6, "0")}`,
    name: `bench config ${i}`,
    cron: CRONS[i % CRONS.length]!,
    timezone: ZONES[i % ZONES.length]!,
    enabled: i % 10 !== 9,
  }));

interface Refresh {
  ms: number;
  mutating_calls: number;
  get_schedule_calls: number;
  all_calls: number;
  dynamodb_requests: number;
  added: number;
  updated: number;
  removed: number;
  unchanged: number;
  errors: number;
}

type Runs = { first: Refresh; second: Refresh; fresh: Refresh };

const dynamo = await startDynalite();
const documents = createDocumentClient(dynamo);
let dynamoRequests = 0;
/** The store's client, counting the requests sent through it. */
const counting = Object.assign(Object.create(documents) as DynamoDBDocumentClient, {
  send: (command: unknown, options?: unknown) => {
    dynamoRequests++;
    return (documents.send as (c: unknown, o?: unknown) => Promise<unknown>)(command, options);
  },
});

async function oneRun(count: number, run: number): Promise<Runs> {
  const api = fakeSchedulerApi();
  const tableName = `bench-reconcile-${run}`;
  const raw = new DynamoDBClient(dynamo);
  await ensureTable(raw, tableName);
  raw.destroy();
  /** One API process: its own adapter and memory, the table's records. */
  const newScheduler = () =>
    createEventBridgeScheduler({
      client: api.client,
      groupName: "syncron-bench",
      queueArn: "arn:aws:sqs:us-east-1:123456789012:sync",
      roleArn: "arn:aws:iam::123456789012:role/scheduler",
      records: createStore({ client: counting, tableName }).scheduleRecords,
      onRecordsError: (action, error) => {
        throw new Error(`could not ${action}`, { cause: error });
      },
    });
  const configs = specs(count);
  const refresh = async (scheduler: ReturnType<typeof newScheduler>): Promise<Refresh> => {
    const mutationsBefore = api.mutations();
    const getsBefore = api.calls("GetScheduleCommand");
    const callsBefore = api.mock.calls().length;
    const dynamoBefore = dynamoRequests;
    const started = performance.now();
    const result = await reconcileSchedules(configs, scheduler);
    return {
      ms: performance.now() - started,
      mutating_calls: api.mutations() - mutationsBefore,
      get_schedule_calls: api.calls("GetScheduleCommand") - getsBefore,
      all_calls: api.mock.calls().length - callsBefore,
      dynamodb_requests: dynamoRequests - dynamoBefore,
      added: result.added_count,
      updated: result.updated_count,
      removed: result.removed_count,
      unchanged: result.unchanged_count,
      errors: result.errors.length,
    };
  };
  const warm = newScheduler();
  const first = await refresh(warm);
  const second = await refresh(warm);
  const fresh = await refresh(newScheduler());
  if (first.errors + second.errors + fresh.errors > 0) throw new Error("reconcile reported errors");
  if (first.added !== count) throw new Error(`first refresh added ${first.added} of ${count} configs`);
  return { first, second, fresh };
}

const args = benchArgs("reconcile", ["configs"]);
const count = args.numbers.configs ?? (args.scale === "full" ? 10_000 : 200);
const machine = machineFacts();
const runs: Runs[] = [];
for (let r = 0; r < args.runs; r++) {
  const run = await oneRun(count, r);
  runs.push(run);
  console.error(
    `[reconcile] first ${(run.first.ms / 1000).toFixed(2)} s, ${run.first.mutating_calls} mutating; ` +
      `second ${(run.second.ms / 1000).toFixed(2)} s, ${run.second.mutating_calls} mutating; ` +
      `fresh process ${(run.fresh.ms / 1000).toFixed(2)} s, ${run.fresh.get_schedule_calls} GetSchedule`,
  );
}
documents.destroy();
await dynamo.stop();
const summary = (pick: (run: Runs) => Refresh) => {
  const most = (field: "mutating_calls" | "get_schedule_calls" | "all_calls" | "dynamodb_requests") =>
    Math.max(...runs.map((run) => pick(run)[field]));
  return {
    ms: round(median(runs.map((run) => pick(run).ms))),
    mutating_calls: most("mutating_calls"),
    get_schedule_calls: most("get_schedule_calls"),
    all_calls: most("all_calls"),
    dynamodb_requests: most("dynamodb_requests"),
    samples_ms: runs.map((run) => round(pick(run).ms)),
  };
};
const schedules = specs(count).filter((spec) => spec.cron === "0 0 1 * 1").length + count;
const figures = {
  bench: "reconcile",
  scale: args.scale,
  runs: args.runs,
  configs: count,
  schedules,
  machine,
  load_after: loadavg().map((x) => round(x, 2)),
  target_ms: TARGET_MS,
  first: summary((run) => run.first),
  second: summary((run) => run.second),
  fresh: summary((run) => run.fresh),
};
const row = (label: string, refresh: typeof figures.first) => [
  label,
  seconds(refresh.ms),
  refresh.mutating_calls,
  refresh.get_schedule_calls,
  refresh.all_calls,
  refresh.dynamodb_requests,
];
await writeSection(
  args.out,
  "reconcile",
  [
    `## Reconcile: ${count.toLocaleString("en")} configs`,
    "",
    `\`reconcileSchedules\` (lib/schedule/reconcile.ts) with the EventBridge Scheduler adapter over its in-memory fake API ` +
      `(test/support/schedule/fake-scheduler-api.ts; aws-sdk-client-mock records every request). ` +
      `${count.toLocaleString("en")} configs over 7 crons and 5 time zones, 10% disabled, every 7th both day-of-month and day-of-week ` +
      `(two schedules): ${schedules.toLocaleString("en")} schedules. Targets: a no-change refresh, warm or in a fresh process, 0 mutating calls and 0 GetSchedule; a refresh < ${TARGET_MS / 1000} s.`,
    "",
    table(
      [
        "refresh",
        "wall (s)",
        "mutating calls (Create/Update/Delete)",
        "GetSchedule",
        "all Scheduler calls",
        "DynamoDB requests (records)",
      ],
      [
        row("first (empty backend)", figures.first),
        row("second (nothing changed)", figures.second),
        row("third, fresh process (nothing changed)", figures.fresh),
      ],
    ),
    "",
    `Medians of ${args.runs} run(s) (call counts: the largest seen). The adapter lists with ListSchedules (100 a page), ` +
      "reads with GetSchedule only the schedules whose LastModificationDate it has no record of (ListSchedules returns no expression), " +
      "compares in memory, and writes only differences. Its records are kept in a dynalite table (in process) as the API keeps them in " +
      "the stage's table, so the fresh process (a Lambda cold start) reads them in a few Query pages instead of reading every schedule.",
    "",
    `Machine: ${describeMachine(machine, figures.load_after)}.`,
    "",
    "Reproduce: `npm run bench:reconcile`",
  ].join("\n"),
);
finish(args.json, figures, args.out);
