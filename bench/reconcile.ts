/**
 * `npm run bench:reconcile`: `reconcileSchedules` for 10,000 configs against the EventBridge Scheduler
 * adapter over its in-memory fake API (aws-sdk-client-mock, which records every request): the first
 * refresh (everything created) and a second one with nothing changed. Wall time, mutating calls
 * (Create/Update/DeleteSchedule) and all calls. Targets: second refresh 0 mutating calls; < 10 s.
 * Flags: --scale smoke|full, --runs N, --out FILE, --json, --configs N.
 */
import { loadavg } from "node:os";
import { createEventBridgeScheduler } from "../lib/schedule/eventbridge-scheduler/eventbridge-scheduler.ts";
import { reconcileSchedules } from "../lib/schedule/reconcile.ts";
import type { ScheduleSpec } from "../lib/schedule/scheduler.ts";
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
  all_calls: number;
  added: number;
  updated: number;
  removed: number;
  unchanged: number;
  errors: number;
}

async function oneRun(count: number): Promise<{ first: Refresh; second: Refresh }> {
  const api = fakeSchedulerApi();
  const scheduler = createEventBridgeScheduler({
    client: api.client,
    groupName: "syncron-bench",
    queueArn: "arn:aws:sqs:us-east-1:123456789012:sync",
    roleArn: "arn:aws:iam::123456789012:role/scheduler",
  });
  const configs = specs(count);
  const refresh = async (): Promise<Refresh> => {
    const mutationsBefore = api.mutations();
    const callsBefore = api.mock.calls().length;
    const started = performance.now();
    const result = await reconcileSchedules(configs, scheduler);
    return {
      ms: performance.now() - started,
      mutating_calls: api.mutations() - mutationsBefore,
      all_calls: api.mock.calls().length - callsBefore,
      added: result.added_count,
      updated: result.updated_count,
      removed: result.removed_count,
      unchanged: result.unchanged_count,
      errors: result.errors.length,
    };
  };
  const first = await refresh();
  const second = await refresh();
  if (first.errors + second.errors > 0) throw new Error("reconcile reported errors");
  if (first.added !== count) throw new Error(`first refresh added ${first.added} of ${count} configs`);
  return { first, second };
}

const args = benchArgs("reconcile", ["configs"]);
const count = args.numbers.configs ?? (args.scale === "full" ? 10_000 : 200);
const machine = machineFacts();
const runs: { first: Refresh; second: Refresh }[] = [];
for (let r = 0; r < args.runs; r++) {
  const run = await oneRun(count);
  runs.push(run);
  console.error(
    `[reconcile] first ${(run.first.ms / 1000).toFixed(2)} s, ${run.first.mutating_calls} mutating; ` +
      `second ${(run.second.ms / 1000).toFixed(2)} s, ${run.second.mutating_calls} mutating`,
  );
}
const summary = (pick: (run: { first: Refresh; second: Refresh }) => Refresh) => ({
  ms: round(median(runs.map((run) => pick(run).ms))),
  mutating_calls: Math.max(...runs.map((run) => pick(run).mutating_calls)),
  all_calls: Math.max(...runs.map((run) => pick(run).all_calls)),
  samples_ms: runs.map((run) => round(pick(run).ms)),
});
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
};
await writeSection(
  args.out,
  "reconcile",
  [
    `## Reconcile: ${count.toLocaleString("en")} configs`,
    "",
    `\`reconcileSchedules\` (lib/schedule/reconcile.ts) with the EventBridge Scheduler adapter over its in-memory fake API ` +
      `(test/support/schedule/fake-scheduler-api.ts; aws-sdk-client-mock records every request). ` +
      `${count.toLocaleString("en")} configs over 7 crons and 5 time zones, 10% disabled, every 7th both day-of-month and day-of-week ` +
      `(two schedules): ${schedules.toLocaleString("en")} schedules. Targets: second refresh 0 mutating calls, a refresh < ${TARGET_MS / 1000} s.`,
    "",
    table(
      ["refresh", "wall (s)", "mutating calls (Create/Update/Delete)", "all API calls"],
      [
        [
          "first (empty backend)",
          seconds(figures.first.ms),
          figures.first.mutating_calls,
          figures.first.all_calls,
        ],
        [
          "second (nothing changed)",
          seconds(figures.second.ms),
          figures.second.mutating_calls,
          figures.second.all_calls,
        ],
      ],
    ),
    "",
    `Medians of ${args.runs} run(s) (call counts: the largest seen). The adapter lists with ListSchedules (100 a page), ` +
      "then reads each schedule with GetSchedule (ListSchedules returns no expression), compares in memory, and writes only differences.",
    "",
    `Machine: ${describeMachine(machine, figures.load_after)}.`,
    "",
    "Reproduce: `npm run bench:reconcile`",
  ].join("\n"),
);
finish(args.json, figures, args.out);
