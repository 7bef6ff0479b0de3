import { nextRuns } from "../cron/next-runs.ts";
import type { QueueDepth } from "../queue/sqs-producer.ts";
import type { ScheduleInfo } from "../schedule/scheduler.ts";
import { mapLimit } from "../util/map-limit.ts";
import type { JobDeps } from "./deps.ts";

/** The seed's task-status reply. */
export interface TaskStatus {
  readonly backend: string;
  /** Each scheduled config once (a day-of-month OR day-of-week config has two schedules). */
  readonly scheduled_config_ids: string[];
  readonly schedules: TaskSchedule[];
  readonly queue: QueueDepth;
  /** The seed's name for the number of schedules. */
  readonly total_scheduled_tasks: number;
  /** The seed's list of schedule names. */
  readonly task_names: string[];
  /** With `limit`: the `cursor` of the next page, absent on the last one. */
  readonly next_cursor?: string;
}

/** One schedule as task-status shows it. */
export interface TaskSchedule {
  readonly config_id: string;
  readonly name: string;
  readonly expression: string;
  readonly timezone: string;
  readonly state: string;
  readonly next_run: string | null;
}

/** A page of task-status: at most `limit` schedules (by name) after `cursor` (the last name of the page before). */
export interface TaskStatusPage {
  readonly limit?: number;
  readonly cursor?: string;
}

/** Config reads in flight for the next runs of one page (AWS backends, whose expressions are EventBridge's). */
const CONFIG_READS = 16;

/**
 * Lists the backend's schedules (a page of them with `limit`, in name order, `next_cursor` naming
 * the next page) with each one's next fire (ISO UTC; null for a disabled schedule or one whose config
 * is gone) and the queue's depth. The cost is one schedule listing plus the page: the next fire is the
 * backend's own where it knows it (local), else computed from the page's configs, read one by one,
 * never the whole config table. `total_scheduled_tasks` counts every schedule; `task_names` and
 * `scheduled_config_ids` are the page's.
 */
export async function taskStatus(
  deps: Pick<JobDeps, "scheduler" | "clock"> & {
    readonly configs: Pick<JobDeps["configs"], "get">;
    readonly queue: Pick<JobDeps["queue"], "queueDepth">;
  },
  page: TaskStatusPage = {},
): Promise<TaskStatus> {
  const [all, queue] = await Promise.all([deps.scheduler.list(), deps.queue.queueDepth()]);
  const sorted = page.limit === undefined && page.cursor === undefined ? all : byName(all);
  const from = page.cursor === undefined ? 0 : sorted.findIndex((schedule) => schedule.name > page.cursor!);
  const start = from < 0 ? sorted.length : from;
  const end = page.limit === undefined ? sorted.length : Math.min(sorted.length, start + page.limit);
  const schedules = sorted.slice(start, end);
  const now = deps.clock();
  const missing = [
    ...new Set(
      schedules.filter((s) => s.next_run === undefined && s.state !== "DISABLED").map((s) => s.config_id),
    ),
  ];
  const nextRunOf = new Map(
    await mapLimit(missing, CONFIG_READS, async (id) => {
      const config = await deps.configs.get(id);
      if (!config?.enabled) return [id, null] as const;
      const [next] = nextRuns(config.cron, { timezone: config.timezone, count: 1, from: now });
      return [id, next === undefined ? null : next.toISOString()] as const;
    }),
  );
  return {
    backend: deps.scheduler.backend,
    scheduled_config_ids: [...new Set(schedules.map((schedule) => schedule.config_id))],
    schedules: schedules.map((schedule) => ({
      config_id: schedule.config_id,
      name: schedule.name,
      expression: schedule.expression,
      timezone: schedule.timezone,
      state: schedule.state,
      next_run:
        schedule.state === "DISABLED"
          ? null
          : (schedule.next_run ?? nextRunOf.get(schedule.config_id) ?? null),
    })),
    queue,
    total_scheduled_tasks: all.length,
    task_names: schedules.map((schedule) => schedule.name),
    ...(end < sorted.length && schedules.length > 0 ? { next_cursor: schedules.at(-1)!.name } : {}),
  };
}

const byName = (schedules: readonly ScheduleInfo[]): ScheduleInfo[] =>
  [...schedules].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
