import { cancelRun, retryRun } from "../../jobs/run-control.ts";
import { RUN_STATUSES } from "../../store/run.ts";
import * as z from "../../util/zod.ts";
import { parseWith } from "../body.ts";
import type { ApiDeps } from "../deps.ts";
import { json, type RouteHandler } from "../http.ts";
import { idParam, PATH_ID, PageQuery } from "../params.ts";
import { runView } from "../views.ts";

/** The query of GET /api/v1/runs. */
export const RunsQuery = z.strictObject({
  status: z.enum(RUN_STATUSES, { error: `status must be one of ${RUN_STATUSES.join(", ")}` }).optional(),
  config_id: z.string().regex(PATH_ID, { error: "config_id must be a sync config id" }).optional(),
  /** `true`: the preview runs (POST /sync-configs/preview) instead; they are no config's runs. */
  previews: z.enum(["true", "false"], { error: "previews must be true or false" }).optional(),
  ...PageQuery.shape,
});

/** Run control under /api/v1/runs: every run of a config (or, asked for, every preview), newest first; retry; cancel. */
export function runRoutes(deps: ApiDeps) {
  return {
    listAllRuns: (async (event) => {
      const { status, config_id, previews, limit, cursor } = parseWith(
        RunsQuery,
        event.queryStringParameters ?? {},
      );
      const page = await deps.runs.list({
        previews: previews === "true",
        ...(status === undefined ? {} : { status }),
        ...(config_id === undefined ? {} : { configId: config_id }),
        ...(limit === undefined ? {} : { limit }),
        ...(cursor === undefined ? {} : { cursor }),
      });
      return json(200, { items: page.items.map(runView), next_cursor: page.next_cursor });
    }) satisfies RouteHandler,

    retryRun: (async (event) => {
      const queued = await retryRun(idParam(event, "task_id", "task"), deps);
      return json(202, { ...queued, message: `retry of run ${queued.retry_of} queued as ${queued.task_id}` });
    }) satisfies RouteHandler,

    cancelRun: (async (event) => {
      const { run, cancelled } = await cancelRun(idParam(event, "task_id", "task"), deps);
      return cancelled
        ? json(200, { ...runView(run), message: `run ${run.task_id} is cancelled` })
        : json(202, {
            ...runView(run),
            message: `run ${run.task_id} stops at its next file boundary and ends CANCELLED`,
          });
    }) satisfies RouteHandler,
  };
}
