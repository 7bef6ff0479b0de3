import type { CronReport } from "../cron/report.ts";
import { isFinished, type Run } from "../store/run.ts";

/**
 * The fields the seed's FastAPI handlers answered (shared/seed/seed-system.md §4a), added beside
 * syncron's own so scripts written against either keep working. The messages are the seed's own
 * Chinese strings where its code has one, in its style where it has none.
 */
export const SEED_MESSAGES = {
  cronValid: "cron 表达式有效",
  refreshed: (active: number) => `定时任务已刷新，当前 ${active} 个定时任务`,
  cleared: "所有定时任务已清空",
  submitted: "同步任务已提交执行",
  allSubmitted: (count: number) => `已提交 ${count} 个启用的同步任务`,
} as const;

/** validate-cron: `message` and `next_run_in_seconds` (whole seconds from now to the first fire) for a valid expression. */
export function seedCronFields(report: CronReport, now: Date) {
  if (!report.valid) return {};
  const [next] = report.next_runs;
  return {
    message: SEED_MESSAGES.cronValid,
    next_run_in_seconds: next === undefined ? null : Math.round((Date.parse(next) - now.getTime()) / 1000),
  };
}

/** task-result: Celery's `ready` (the run is final), `successful` and `failed`. */
export function seedResultFields(run: Pick<Run, "status">) {
  return {
    ready: isFinished(run.status),
    successful: run.status === "SUCCESS",
    failed: run.status === "FAILURE",
  };
}
