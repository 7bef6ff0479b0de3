/**
 * Every route the API serves, as data, in one place: the router serves exactly these, and infra
 * declares exactly these on API Gateway (infra/aws/api.ts imports this list), each one to the single
 * API function. Pure on purpose: no `sst` globals.
 */

export type RouteMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface RouteSpec {
  readonly method: RouteMethod;
  /** API Gateway style: `{name}` is one path segment. */
  readonly path: string;
  /** A stable name the handler table is keyed on. */
  readonly name: RouteName;
}

const SCHEDULER = "/api/v1/task/scheduler";
const CONFIGS = "/api/v1/sync-configs";
const DRIVES = "/api/v1/drives";
const RUNS = "/api/v1/runs";

export const API_ROUTES = [
  { method: "GET", path: "/healthz", name: "healthz" },
  { method: "GET", path: "/openapi.json", name: "openapi" },
  { method: "POST", path: CONFIGS, name: "createConfig" },
  { method: "GET", path: CONFIGS, name: "listConfigs" },
  { method: "POST", path: `${CONFIGS}/preview`, name: "previewConfig" },
  { method: "POST", path: `${CONFIGS}/import`, name: "importConfigs" },
  { method: "GET", path: `${CONFIGS}/{id}`, name: "getConfig" },
  { method: "PATCH", path: `${CONFIGS}/{id}`, name: "patchConfig" },
  { method: "PUT", path: `${CONFIGS}/{id}`, name: "putConfig" },
  { method: "DELETE", path: `${CONFIGS}/{id}`, name: "deleteConfig" },
  { method: "GET", path: `${CONFIGS}/{id}/runs`, name: "listRuns" },
  { method: "GET", path: RUNS, name: "listAllRuns" },
  { method: "POST", path: `${RUNS}/{task_id}/retry`, name: "retryRun" },
  { method: "POST", path: `${RUNS}/{task_id}/cancel`, name: "cancelRun" },
  { method: "POST", path: DRIVES, name: "createDrive" },
  { method: "GET", path: DRIVES, name: "listDrives" },
  { method: "GET", path: `${DRIVES}/{name}`, name: "getDrive" },
  { method: "PATCH", path: `${DRIVES}/{name}`, name: "patchDrive" },
  { method: "PUT", path: `${DRIVES}/{name}`, name: "putDrive" },
  { method: "DELETE", path: `${DRIVES}/{name}`, name: "deleteDrive" },
  { method: "POST", path: `${DRIVES}/{name}/check`, name: "checkDrive" },
  { method: "GET", path: `${DRIVES}/{name}/entries`, name: "driveEntries" },
  { method: "POST", path: `${SCHEDULER}/refresh-tasks`, name: "refreshTasks" },
  { method: "GET", path: `${SCHEDULER}/task-status`, name: "taskStatus" },
  { method: "POST", path: `${SCHEDULER}/validate-cron`, name: "validateCron" },
  { method: "DELETE", path: `${SCHEDULER}/clear-tasks`, name: "clearTasks" },
  { method: "POST", path: `${SCHEDULER}/execute-sync/{config_id}`, name: "executeSync" },
  { method: "POST", path: `${SCHEDULER}/execute-all-enabled`, name: "executeAllEnabled" },
  { method: "GET", path: `${SCHEDULER}/task-result/{task_id}`, name: "taskResult" },
  { method: "GET", path: `${SCHEDULER}/task-result/{task_id}/items`, name: "taskItems" },
] as const satisfies readonly { method: RouteMethod; path: string; name: string }[];

export type RouteName = (typeof API_ROUTES)[number]["name"];

/** API Gateway's route key, `"METHOD /path"` (what `sst.aws.ApiGatewayV2#route` takes). */
export const routeKey = (route: Pick<RouteSpec, "method" | "path">): string =>
  `${route.method} ${route.path}`;

const segmentPattern = (path: string): RegExp =>
  new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^/}]+\}/g, "[^/]+")}/?$`);

const patterns = API_ROUTES.map((route) => ({ route, pattern: segmentPattern(route.path) }));

/** The methods served on `path` (empty when no route matches the path): the `Allow` of a 405. */
export function allowedMethods(path: string): RouteMethod[] {
  return patterns.filter(({ pattern }) => pattern.test(path)).map(({ route }) => route.method);
}
