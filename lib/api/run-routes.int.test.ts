import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JsonBody } from "../../test/support/api/api-event.ts";
import { type ApiStack, startApiStack } from "../../test/support/api/api-stack.ts";
import { parseMessage } from "../queue/message.ts";

const RUNS = "/api/v1/runs";
const SCHEDULER = "/api/v1/task/scheduler";
const NOW = new Date("2026-11-28T22:00:00.000Z");

const expectError = (reply: { status: number; body: JsonBody }, status: number, code: string) => {
  expect(reply.status, JSON.stringify(reply.body)).toBe(status);
  expect(reply.body.error).toMatchObject({ code, message: expect.any(String) });
};

let stack: ApiStack;
beforeAll(async () => {
  stack = await startApiStack({ now: NOW });
});
afterAll(async () => {
  await stack?.stop();
});

const create = async (name = "docs") => {
  const body = { name, source: "/data/docs", target: "s3://bucket/docs", cron: "0 2 * * *" };
  const reply = await stack.call({ method: "POST", path: "/api/v1/sync-configs", body });
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return reply.body.id as string;
};
const execute = async (configId: string) => {
  const reply = await stack.call({ method: "POST", path: `${SCHEDULER}/execute-sync/${configId}` });
  expect(reply.status, JSON.stringify(reply.body)).toBe(202);
  return reply.body.task_id as string;
};
const drainQueue = async () => {
  const messages = [];
  for (;;) {
    const { Messages = [] } = await stack.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: stack.queueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 600,
      }),
    );
    if (Messages.length === 0) return messages;
    messages.push(...Messages.map((m) => parseMessage(m.Body ?? "")));
  }
};
const runs = (query: Record<string, string>) =>
  stack.call({ method: "GET", path: `${RUNS}?${new URLSearchParams(query)}` });
const tick = () => stack.setNow(new Date(stack.deps.clock().getTime() + 1000));
/** What a worker does when it takes a run: the config's lease, then STARTED. */
const startRun = async (taskId: string, configId: string) => {
  expect(await stack.store.leases.acquire(configId, { owner: taskId, ttl_ms: 60_000 })).toBe(true);
  await stack.store.runs.update(taskId, { status: "STARTED", attempts: 1 }, { expectedStatus: "PENDING" });
};
const fail = (taskId: string) =>
  stack.store.runs.update(taskId, {
    status: "FAILURE",
    finished_at: stack.deps.clock().toISOString(),
    error: { code: "SYNC_FAILED", message: "1 file(s) failed" },
  });

describe("GET /api/v1/runs", () => {
  it("lists every run newest first, page by page, narrowed by status and config_id", async () => {
    const a = await create("a");
    const b = await create("b");
    const ids: string[] = [];
    for (const config of [a, b, a]) {
      ids.push(await execute(config));
      tick();
    }
    await fail(ids[1]!);
    const first = await runs({ limit: "2" });
    expect(first.status).toBe(200);
    expect(first.body.items.map((r: JsonBody) => r.task_id)).toEqual([ids[2], ids[1]]);
    expect(first.body.items[0]).toMatchObject({ config_id: a, status: "PENDING", retry_of: null });
    const second = await runs({ limit: "2", cursor: first.body.next_cursor });
    expect(second.body.items.map((r: JsonBody) => r.task_id)).toEqual([ids[0]]);
    expect(second.body.next_cursor).toBeNull();

    const failed = await runs({ status: "FAILURE" });
    expect(failed.body.items.map((r: JsonBody) => r.task_id)).toEqual([ids[1]]);
    const ofA = await runs({ config_id: a });
    expect(ofA.body.items.map((r: JsonBody) => r.task_id)).toEqual([ids[2], ids[0]]);
    const pendingOfB = await runs({ config_id: b, status: "PENDING" });
    expect(pendingOfB.body).toEqual({ items: [], next_cursor: null });
    await drainQueue();
  });

  it("answers 400 naming a bad status, config_id, limit, cursor or unknown parameter", async () => {
    const bad = async (query: Record<string, string>, field: string) => {
      const reply = await runs(query);
      expect(reply.status, JSON.stringify(reply.body)).toBe(400);
      expect(JSON.stringify(reply.body.error)).toContain(field);
    };
    await bad(
      { status: "DONE" },
      "status must be one of PENDING, STARTED, SUCCESS, FAILURE, RETRY, SKIPPED, CANCELLED",
    );
    await bad({ config_id: "../x" }, "config_id");
    await bad({ limit: "0" }, "limit");
    await bad({ cursor: "garbage!" }, "cursor");
    await bad({ state: "FAILURE" }, "state");
  });
});

describe("POST /api/v1/runs/{task_id}/retry", () => {
  it("queues a new run of the same config linked to the failed one, visible in task-result", async () => {
    const config = await create();
    const failed = await execute(config);
    await fail(failed);
    await drainQueue();
    const reply = await stack.call({ method: "POST", path: `${RUNS}/${failed}/retry` });
    expect(reply.status, JSON.stringify(reply.body)).toBe(202);
    expect(reply.body).toMatchObject({ config_id: config, status: "PENDING", retry_of: failed });
    expect(reply.body.task_id).not.toBe(failed);
    expect(await drainQueue()).toEqual([
      { type: "sync.run", trigger: "manual", config_id: config, task_id: reply.body.task_id },
    ]);
    const result = await stack.call({
      method: "GET",
      path: `${SCHEDULER}/task-result/${reply.body.task_id}`,
    });
    expect(result.body).toMatchObject({ status: "PENDING", retry_of: failed, config_id: config });
  });

  it("answers 404 for an unknown run and 409 RUN_NOT_RETRYABLE for one that did not fail", async () => {
    expectError(await stack.call({ method: "POST", path: `${RUNS}/nope/retry` }), 404, "NOT_FOUND");
    const config = await create();
    const pending = await execute(config);
    const reply = await stack.call({ method: "POST", path: `${RUNS}/${pending}/retry` });
    expectError(reply, 409, "RUN_NOT_RETRYABLE");
    expect(reply.body.error.message).toContain("is PENDING; only a FAILURE or CANCELLED run can be retried");
    await stack.store.runs.update(pending, { status: "SUCCESS", finished_at: NOW.toISOString() });
    expectError(
      await stack.call({ method: "POST", path: `${RUNS}/${pending}/retry` }),
      409,
      "RUN_NOT_RETRYABLE",
    );
    expect(await drainQueue()).toHaveLength(1);
  });
});

describe("POST /api/v1/runs/{task_id}/cancel", () => {
  it("ends a PENDING run CANCELLED at once (its message is then dropped), and says so again", async () => {
    const config = await create();
    const taskId = await execute(config);
    const reply = await stack.call({ method: "POST", path: `${RUNS}/${taskId}/cancel` });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.body).toMatchObject({
      task_id: taskId,
      status: "CANCELLED",
      finished_at: expect.any(String),
      error: { code: "CANCELLED" },
    });
    const again = await stack.call({ method: "POST", path: `${RUNS}/${taskId}/cancel` });
    expect(again).toMatchObject({ status: 200, body: { status: "CANCELLED" } });
    const result = await stack.call({ method: "GET", path: `${SCHEDULER}/task-result/${taskId}` });
    expect(result.body).toMatchObject({ status: "CANCELLED", ready: true, successful: false, failed: false });
    expect((await stack.store.configs.get(config))?.last_run).toMatchObject({
      task_id: taskId,
      status: "CANCELLED",
    });
    // A cancelled run can be retried.
    const retry = await stack.call({ method: "POST", path: `${RUNS}/${taskId}/retry` });
    expect(retry).toMatchObject({ status: 202, body: { retry_of: taskId } });
    await drainQueue();
  });

  it("asks the worker holding a STARTED run's lease to stop it (202), and refuses a finished run (409)", async () => {
    const config = await create();
    const taskId = await execute(config);
    await startRun(taskId, config);
    const reply = await stack.call({ method: "POST", path: `${RUNS}/${taskId}/cancel` });
    expect(reply.status, JSON.stringify(reply.body)).toBe(202);
    expect(reply.body).toMatchObject({ status: "STARTED", cancel_requested_at: expect.any(String) });
    expect((await stack.store.runs.get(taskId))?.cancel_requested_at).toBe(reply.body.cancel_requested_at);
    await stack.store.runs.update(taskId, { status: "SUCCESS", finished_at: NOW.toISOString() });
    await stack.store.leases.release(config, taskId);
    const late = await stack.call({ method: "POST", path: `${RUNS}/${taskId}/cancel` });
    expectError(late, 409, "RUN_FINISHED");
    expect(late.body.error.message).toContain("already finished as SUCCESS");
    expectError(await stack.call({ method: "POST", path: `${RUNS}/nope/cancel` }), 404, "NOT_FOUND");
    await drainQueue();
  });

  it("ends a STARTED run whose worker is gone (lease lapsed) CANCELLED at once", async () => {
    const config = await create();
    const taskId = await execute(config);
    await startRun(taskId, config);
    stack.setNow(new Date(stack.deps.clock().getTime() + 120_000));
    const reply = await stack.call({ method: "POST", path: `${RUNS}/${taskId}/cancel` });
    expect(reply).toMatchObject({ status: 200, body: { status: "CANCELLED" } });
    await drainQueue();
  });
});

describe("a manual run of a busy config", () => {
  it("answers 409 CONFIG_BUSY naming the running task, for execute-sync and retry, and queues nothing", async () => {
    const config = await create();
    const running = await execute(config);
    const earlier = await execute(config);
    await fail(earlier);
    await drainQueue();
    await startRun(running, config);
    const reply = await stack.call({ method: "POST", path: `${SCHEDULER}/execute-sync/${config}` });
    expectError(reply, 409, "CONFIG_BUSY");
    expect(reply.body.error.message).toContain(`is running (task ${running})`);
    expect(reply.body.error.details).toEqual({ task_id: running });
    expectError(await stack.call({ method: "POST", path: `${RUNS}/${earlier}/retry` }), 409, "CONFIG_BUSY");
    expect(await drainQueue()).toEqual([]);
    // Once that run is final, a lease it left behind does not block the config.
    await stack.store.runs.update(running, { status: "SUCCESS", finished_at: NOW.toISOString() });
    expect((await stack.call({ method: "POST", path: `${SCHEDULER}/execute-sync/${config}` })).status).toBe(
      202,
    );
    await drainQueue();
  });
});
