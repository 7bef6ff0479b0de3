import { mapLimit } from "../util/map-limit.ts";
import type { ScheduleInfo, Scheduler, ScheduleSpec } from "./scheduler.ts";
import { sameSchedules } from "./scheduler.ts";

export interface ReconcileError {
  config_id: string;
  message: string;
}

/** Counts in the shape of `POST /api/v1/task/scheduler/refresh-tasks` (minus `success`). */
export interface ReconcileResult {
  added_count: number;
  updated_count: number;
  removed_count: number;
  unchanged_count: number;
  errors: ReconcileError[];
}

export interface ReconcileOptions {
  /** Mutating calls in flight at once (AWS Scheduler allows ~50 TPS per account by default). */
  concurrency?: number;
}

const DEFAULT_CONCURRENCY = 8;

type Work = { upsert: ScheduleSpec } | { remove: string };

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Makes the backend hold exactly the schedules of `configs` (pass the enabled configs: every other
 * schedule is an orphan and is deleted). Lists once, compares in memory with `scheduler.plan`, and
 * calls the backend only for real differences, so a second run with no change makes no mutating
 * call. One config's failure is reported in `errors` and does not stop the others. Throws only when
 * the listing itself fails.
 */
export async function reconcileSchedules(
  configs: readonly ScheduleSpec[],
  scheduler: Scheduler,
  options: ReconcileOptions = {},
): Promise<ReconcileResult> {
  const result: ReconcileResult = {
    added_count: 0,
    updated_count: 0,
    removed_count: 0,
    unchanged_count: 0,
    errors: [],
  };
  const existing = groupByConfig(await scheduler.list());
  const wanted = new Set<string>();
  const work: Work[] = [];

  for (const spec of configs) {
    if (wanted.has(spec.config_id)) {
      result.errors.push({
        config_id: spec.config_id,
        message: "config listed twice; the first one was used",
      });
      continue;
    }
    wanted.add(spec.config_id);
    try {
      if (sameSchedules(scheduler.plan(spec), existing.get(spec.config_id) ?? [])) result.unchanged_count++;
      else work.push({ upsert: spec });
    } catch (error) {
      result.errors.push({ config_id: spec.config_id, message: messageOf(error) });
    }
  }
  for (const configId of existing.keys()) if (!wanted.has(configId)) work.push({ remove: configId });

  await mapLimit(work, options.concurrency ?? DEFAULT_CONCURRENCY, async (item) => {
    const configId = "upsert" in item ? item.upsert.config_id : item.remove;
    try {
      if ("remove" in item) {
        if (await scheduler.remove(item.remove)) result.removed_count++;
        return;
      }
      const outcome = await scheduler.upsert(item.upsert, existing.get(configId) ?? []);
      if (outcome === "created") result.added_count++;
      else if (outcome === "updated") result.updated_count++;
      else result.unchanged_count++;
    } catch (error) {
      result.errors.push({ config_id: configId, message: messageOf(error) });
    }
  });
  result.errors.sort((a, b) => a.config_id.localeCompare(b.config_id));
  return result;
}

/**
 * Removes every syncron schedule the backend holds (configs stay; a reconcile brings them back).
 * `removed_count` counts configs whose schedules were removed.
 */
export async function clearSchedules(
  scheduler: Scheduler,
  options: ReconcileOptions = {},
): Promise<{ removed_count: number; errors: ReconcileError[] }> {
  const configIds = [...groupByConfig(await scheduler.list()).keys()];
  const errors: ReconcileError[] = [];
  let removed = 0;
  await mapLimit(configIds, options.concurrency ?? DEFAULT_CONCURRENCY, async (configId) => {
    try {
      if (await scheduler.remove(configId)) removed++;
    } catch (error) {
      errors.push({ config_id: configId, message: messageOf(error) });
    }
  });
  return { removed_count: removed, errors };
}

function groupByConfig(infos: readonly ScheduleInfo[]): Map<string, ScheduleInfo[]> {
  const byConfig = new Map<string, ScheduleInfo[]>();
  for (const info of infos) {
    const group = byConfig.get(info.config_id);
    if (group) group.push(info);
    else byConfig.set(info.config_id, [info]);
  }
  return byConfig;
}
