/**
 * Every route the HTTP API serves, as data. Infra declares exactly these on API Gateway (each
 * one to the single API function); the API's router should serve exactly these too, and can
 * test it against this list. Path parameters use API Gateway's `{name}` syntax.
 *
 * Pure on purpose: no `sst` globals, importable by `functions/` and tests.
 */
export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export interface ApiRoute {
  readonly method: HttpMethod;
  readonly path: `/${string}`;
}

/** The health check. API Gateway authenticates it like every route; the API skips its own token check. */
export const HEALTH_ROUTE = { method: "GET", path: "/healthz" } as const satisfies ApiRoute;

const CONFIGS = "/api/v1/sync-configs";
const SCHEDULER = "/api/v1/task/scheduler";

export const API_ROUTES = [
  HEALTH_ROUTE,
  { method: "POST", path: CONFIGS },
  { method: "GET", path: CONFIGS },
  { method: "GET", path: `${CONFIGS}/{id}` },
  { method: "PATCH", path: `${CONFIGS}/{id}` },
  { method: "PUT", path: `${CONFIGS}/{id}` },
  { method: "DELETE", path: `${CONFIGS}/{id}` },
  { method: "GET", path: `${CONFIGS}/{id}/runs` },
  { method: "POST", path: `${SCHEDULER}/refresh-tasks` },
  { method: "GET", path: `${SCHEDULER}/task-status` },
  { method: "POST", path: `${SCHEDULER}/validate-cron` },
  { method: "DELETE", path: `${SCHEDULER}/clear-tasks` },
  { method: "POST", path: `${SCHEDULER}/execute-sync/{config_id}` },
  { method: "POST", path: `${SCHEDULER}/execute-all-enabled` },
  { method: "GET", path: `${SCHEDULER}/task-result/{task_id}` },
] as const satisfies readonly ApiRoute[];

/** API Gateway's route key, `"METHOD /path"` (what `sst.aws.ApiGatewayV2#route` takes). */
export const routeKey = (route: ApiRoute): string => `${route.method} ${route.path}`;
