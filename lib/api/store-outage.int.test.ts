import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiStack, startApiStack } from "../../test/support/api/api-stack.ts";

let stack: ApiStack;
beforeAll(async () => {
  stack = await startApiStack({ ownStore: true });
});
afterAll(async () => {
  await stack?.stop();
});

describe("a store outage", () => {
  it("answers 503 STORE_UNAVAILABLE, like a scheduler or queue outage, and reveals nothing of DynamoDB", async () => {
    const created = await stack.call({
      method: "POST",
      path: "/api/v1/sync-configs",
      body: { name: "docs", source: "/a", target: "/b", cron: "0 2 * * *" },
    });
    expect(created.status).toBe(201);
    await stack.stopStore();

    for (const request of [
      { method: "GET", path: "/api/v1/sync-configs" },
      { method: "GET", path: `/api/v1/sync-configs/${created.body.id}` },
      { method: "POST", path: "/api/v1/task/scheduler/refresh-tasks" },
    ] as const) {
      const reply = await stack.call(request);
      expect(reply.status).toBe(503);
      expect(reply.body).toEqual({
        error: { code: "STORE_UNAVAILABLE", message: "the store is unavailable; retry later" },
      });
    }
  });
});
