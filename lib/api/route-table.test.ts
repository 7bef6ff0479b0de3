import { describe, expect, it } from "vitest";
import { API_ROUTES, allowedMethods, routeKey } from "./route-table.ts";

describe("API_ROUTES", () => {
  it("lists exactly the routes of the API, seed paths unchanged", () => {
    expect(API_ROUTES.map(routeKey)).toEqual([
      "GET /healthz",
      "GET /openapi.json",
      "POST /api/v1/sync-configs",
      "GET /api/v1/sync-configs",
      "POST /api/v1/sync-configs/preview",
      "POST /api/v1/sync-configs/import",
      "GET /api/v1/sync-configs/{id}",
      "PATCH /api/v1/sync-configs/{id}",
      "PUT /api/v1/sync-configs/{id}",
      "DELETE /api/v1/sync-configs/{id}",
      "GET /api/v1/sync-configs/{id}/runs",
      "GET /api/v1/runs",
      "POST /api/v1/runs/{task_id}/retry",
      "POST /api/v1/runs/{task_id}/cancel",
      "POST /api/v1/drives",
      "GET /api/v1/drives",
      "GET /api/v1/drives/{name}",
      "PATCH /api/v1/drives/{name}",
      "PUT /api/v1/drives/{name}",
      "DELETE /api/v1/drives/{name}",
      "POST /api/v1/drives/{name}/check",
      "GET /api/v1/drives/{name}/entries",
      "POST /api/v1/task/scheduler/refresh-tasks",
      "GET /api/v1/task/scheduler/task-status",
      "POST /api/v1/task/scheduler/validate-cron",
      "DELETE /api/v1/task/scheduler/clear-tasks",
      "POST /api/v1/task/scheduler/execute-sync/{config_id}",
      "POST /api/v1/task/scheduler/execute-all-enabled",
      "GET /api/v1/task/scheduler/task-result/{task_id}",
      "GET /api/v1/task/scheduler/task-result/{task_id}/items",
    ]);
  });

  it("has no duplicate route keys or names (API Gateway rejects duplicate keys)", () => {
    const keys = API_ROUTES.map(routeKey);
    expect(new Set(keys).size).toBe(keys.length);
    expect(new Set(API_ROUTES.map((route) => route.name)).size).toBe(API_ROUTES.length);
  });

  it("uses API Gateway's {param} syntax and no trailing slash", () => {
    for (const { path } of API_ROUTES) {
      expect(path).toMatch(/^(\/([a-z0-9.-]+|\{[a-z_]+\}))+$/);
    }
  });

  it("list the methods served on a concrete path", () => {
    expect(allowedMethods("/api/v1/sync-configs")).toEqual(["POST", "GET"]);
    expect(allowedMethods("/api/v1/sync-configs/abc/")).toEqual(["GET", "PATCH", "PUT", "DELETE"]);
    expect(allowedMethods("/api/v1/sync-configs/abc/runs")).toEqual(["GET"]);
    expect(allowedMethods("/api/v1/sync-configs/a/b")).toEqual([]);
    expect(allowedMethods("/api/v1/task/scheduler/execute-sync/1")).toEqual(["POST"]);
  });
});
