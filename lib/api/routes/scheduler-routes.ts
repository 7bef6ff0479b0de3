import { type CronLocale, cronReport } from "../../cron/index.ts";
import { enqueueAllEnabled, enqueueRun } from "../../jobs/enqueue-run.ts";
import { requireRun } from "../../jobs/ports.ts";
import { refreshSchedules } from "../../jobs/schedule-sync.ts";
import { taskStatus } from "../../jobs/task-status.ts";
import { readReportPage } from "../../reports/report-reader.ts";
import { clearSchedules } from "../../schedule/reconcile.ts";
import * as z from "../../util/zod.ts";
import { jsonKind, parseWith, readJsonBody } from "../body.ts";
import type { ApiDeps } from "../deps.ts";
import { validationFailed } from "../errors.ts";
import { json, type RouteHandler } from "../http.ts";
import { idParam, itemsParams, pageParams } from "../params.ts";
import { SEED_MESSAGES, seedCronFields, seedResultFields } from "../seed-replies.ts";
import { runView } from "../views.ts";

const LOCALES = ["en", "zh-CN"] as const satisfies readonly CronLocale[];

/** validate-cron's object form; the seed sends the bare expression as a JSON string instead. */
export const ValidateCronBody = z.strictObject({
  expression: z.string({ error: "expression must be a string" }),
  timezone: z.string({ error: "timezone must be a string" }).optional(),
  count: z
    .number({ error: "count must be a whole number" })
    .int({ error: "count must be a whole number" })
    .min(1, { error: "count must be at least 1" })
    .max(50, { error: "count must be at most 50" })
    .optional(),
  locale: z.enum(LOCALES, { error: `locale must be one of ${LOCALES.join(", ")}` }).optional(),
});

/** The seed's routes under /api/v1/task/scheduler, paths unchanged. */
export function schedulerRoutes(deps: ApiDeps) {
  return {
    refreshTasks: (async () => {
      const { total_configs, ...result } = await refreshSchedules(deps.configs, deps.scheduler, deps.clock());
      deps.log?.("info", "schedules refreshed", { ...result, errors: result.errors.length });
      const errorCount = new Set(result.errors.map((error) => error.config_id)).size;
      const activeTasks = total_configs - errorCount;
      return json(200, {
        success: result.errors.length === 0,
        ...result,
        message: SEED_MESSAGES.refreshed(activeTasks),
        total_configs,
        skipped_count: result.unchanged_count,
        error_count: errorCount,
        active_tasks: activeTasks,
      });
    }) satisfies RouteHandler,

    taskStatus: (async (event) =>
      json(200, await taskStatus(deps, pageParams(event)))) satisfies RouteHandler,

    validateCron: (async (event) => {
      const body = readJsonBody(event);
      if (typeof body !== "string" && (body === null || typeof body !== "object" || Array.isArray(body)))
        throw validationFailed([
          {
            path: "",
            message: `request must be a cron expression as a JSON string ("0 2 * * *") or an object {"expression": …} (got ${jsonKind(body)})`,
          },
        ]);
      const { expression, timezone, count, locale } = parseWith(
        ValidateCronBody,
        typeof body === "string" ? { expression: body } : body,
      );
      const report = cronReport(expression, {
        from: deps.clock(),
        ...(timezone === undefined ? {} : { timezone }),
        ...(count === undefined ? {} : { count }),
        ...(locale === undefined ? {} : { locale }),
      });
      return json(200, { ...report, ...seedCronFields(report, deps.clock()) });
    }) satisfies RouteHandler,

    clearTasks: (async () => {
      const result = await clearSchedules(deps.scheduler);
      deps.log?.("info", "schedules cleared", {
        removed_count: result.removed_count,
        errors: result.errors.length,
      });
      const { removed_count, errors } = result;
      return json(200, {
        success: errors.length === 0,
        removed_count,
        ...(errors.length > 0 ? { errors } : {}),
        message: SEED_MESSAGES.cleared,
        status: "cleared",
      });
    }) satisfies RouteHandler,

    executeSync: (async (event) =>
      json(202, {
        ...(await enqueueRun(idParam(event, "config_id", "sync config"), deps)),
        message: SEED_MESSAGES.submitted,
      })) satisfies RouteHandler,

    executeAllEnabled: (async () => {
      const queued = await enqueueAllEnabled(deps);
      return json(202, { ...queued, message: SEED_MESSAGES.allSubmitted(queued.count) });
    }) satisfies RouteHandler,

    taskItems: (async (event) => {
      const run = await requireRun(deps.runs, idParam(event, "task_id", "task"));
      const query = itemsParams(event);
      const page = deps.reports
        ? await readReportPage(deps.reports, run.task_id, query)
        : { items: [], next_cursor: null };
      return json(200, {
        task_id: run.task_id,
        status: run.status,
        skipped: run.result?.skipped ?? 0,
        ...page,
      });
    }) satisfies RouteHandler,

    taskResult: (async (event) => {
      const run = await requireRun(deps.runs, idParam(event, "task_id", "task"));
      return json(200, { ...runView(run), ...seedResultFields(run) });
    }) satisfies RouteHandler,
  };
}
