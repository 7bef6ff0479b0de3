import { nextRuns } from "../cron/next-runs.ts";
import type { QueueDepth } from "../queue/sqs-producer.ts";
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

/**
 * Lists the backend's schedules with each one's next fire (ISO UTC, from the config's own cron and
 * time zone; null for a disabled schedule or one whose config is gone) and the queue's depth.
 */
export async function taskStatus(deps: JobDeps): Promise<TaskStatus> {
  const [schedules, enabled, queue] = await Promise.all([
    deps.scheduler.list(),
    deps.configs.listEnabled(),
    deps.queue.queueDepth(),
  ]);
  const now = deps.clock();
  const nextRunOf = new Map(
    enabled.map((config) => {
      const [next] = nextRuns(config.cron, { timezone: config.timezone, count: 1, from: now });
      return [config.id, next === undefined ? null : next.toISOString()] as const;
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
      next_run: schedule.state === "DISABLED" ? null : (nextRunOf.get(schedule.config_id) ?? null),
    })),
    queue,
    total_scheduled_tasks: schedules.length,
    task_names: schedules.map((schedule) => schedule.name),
  };
}
