import { describe, expect, it } from "vitest";
import { API_ROUTES as INFRA_ROUTES } from "../../infra/routes.ts";
import { API_ROUTES, allowedMethods } from "./route-table.ts";

describe("API_ROUTES", () => {
  it("are exactly the routes infra declares on API Gateway", () => {
    const ours = API_ROUTES.map((r) => `${r.method} ${r.path}`).sort();
    expect(ours).toEqual(INFRA_ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  });

  it("list the methods served on a concrete path", () => {
    expect(allowedMethods("/api/v1/sync-configs")).toEqual(["POST", "GET"]);
    expect(allowedMethods("/api/v1/sync-configs/abc/")).toEqual(["GET", "PATCH", "PUT", "DELETE"]);
    expect(allowedMethods("/api/v1/sync-configs/abc/runs")).toEqual(["GET"]);
    expect(allowedMethods("/api/v1/sync-configs/a/b")).toEqual([]);
    expect(allowedMethods("/api/v1/task/scheduler/execute-sync/1")).toEqual(["POST"]);
  });
});
