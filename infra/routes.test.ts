import { describe, expect, it } from "vitest";
import { API_ROUTES as SERVED_ROUTES } from "../lib/api/route-table.ts";
import { API_ROUTES, HEALTH_ROUTE, routeKey } from "./routes.ts";

describe("API_ROUTES", () => {
  it("lists exactly the routes of the API, seed paths unchanged", () => {
    expect(API_ROUTES.map(routeKey)).toEqual([
      "GET /healthz",
      "POST /api/v1/sync-configs",
      "GET /api/v1/sync-configs",
      "GET /api/v1/sync-configs/{id}",
      "PATCH /api/v1/sync-configs/{id}",
      "PUT /api/v1/sync-configs/{id}",
      "DELETE /api/v1/sync-configs/{id}",
      "GET /api/v1/sync-configs/{id}/runs",
      "POST /api/v1/task/scheduler/refresh-tasks",
      "GET /api/v1/task/scheduler/task-status",
      "POST /api/v1/task/scheduler/validate-cron",
      "DELETE /api/v1/task/scheduler/clear-tasks",
      "POST /api/v1/task/scheduler/execute-sync/{config_id}",
      "POST /api/v1/task/scheduler/execute-all-enabled",
      "GET /api/v1/task/scheduler/task-result/{task_id}",
    ]);
  });

  it("has no duplicate route keys (API Gateway rejects them)", () => {
    const keys = API_ROUTES.map(routeKey);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("uses API Gateway's {param} syntax and no trailing slash", () => {
    for (const { path } of API_ROUTES) {
      expect(path).toMatch(/^(\/([a-z0-9-]+|\{[a-z_]+\}))+$/);
    }
  });

  it("includes the health route", () => {
    expect(API_ROUTES).toContainEqual(HEALTH_ROUTE);
  });

  it("is exactly what the API's router serves (lib/api/route-table.ts), in any order", () => {
    expect([...API_ROUTES.map(routeKey)].sort()).toEqual([...SERVED_ROUTES.map(routeKey)].sort());
  });
});
