import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JsonBody } from "../../test/support/api/api-event.ts";
import { type ApiStack, startApiStack } from "../../test/support/api/api-stack.ts";
import { cronReport } from "../cron/report.ts";
import { QueueError } from "../queue/errors.ts";
import { parseMessage } from "../queue/message.ts";
import { createApiHandler } from "./handler.ts";

const SCHEDULER = "/api/v1/task/scheduler";
const NOW = new Date("2026-11-28T22:00:00.000Z");
const seedJson = { "Content-Type": "application/json" };

const expectError = (reply: { status: number; body: JsonBody }, status: number, code: string) => {
  expect(reply.status, JSON.stringify(reply.body)).toBe(status);
  expect(reply.body.error).toMatchObject({ code, message: expect.any(String) });
};

let stack: ApiStack;
const create = async (overrides: Record<string, unknown> = {}) => {
  const body = {
    name: "docs",
    source: "/data/docs",
    target: "s3://bucket/docs",
    cron: "0 2 * * *",
    ...overrides,
  };
  const reply = await stack.call({ method: "POST", path: "/api/v1/sync-configs", body });
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return reply.body as { id: string };
};
const drainQueue = async (queueUrl = stack.queueUrl) => {
  const messages = [];
  for (;;) {
    const { Messages = [] } = await stack.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 600 }),
    );
    if (Messages.length === 0) return messages;
    messages.push(...Messages.map((m) => parseMessage(m.Body ?? "")));
  }
};

beforeAll(async () => {
  stack = await startApiStack({ now: NOW });
});
afterAll(async () => {
  await stack?.stop();
});

describe("POST /api/v1/task/scheduler/validate-cron", () => {
  it("answers the seed's curl (-d '\"0 2 * * *\"') with the `syncron cron --json` object", async () => {
    const reply = await stack.call({
      method: "POST",
      path: `${SCHEDULER}/validate-cron`,
      headers: seedJson,
      body: '"0 2 * * *"',
    });
    expect(reply.status).toBe(200);
    // syncron's object, plus the seed's `message` and `next_run_in_seconds` (NOW is 2026-11-28T22:00Z).
    expect(reply.body).toEqual({
      ...cronReport("0 2 * * *", { from: NOW }),
      message: "cron 表达式有效",
      next_run_in_seconds: 4 * 3600,
    });
    expect(reply.body).toMatchObject({ valid: true, timezone: "UTC", next_runs: expect.any(Array) });
  });

  it("takes the object form with a time zone, count and locale", async () => {
    const body = { expression: "0 9,18 * * 1-5", timezone: "Asia/Shanghai", count: 2, locale: "zh-CN" };
    const reply = await stack.call({ method: "POST", path: `${SCHEDULER}/validate-cron`, body });
    const report = cronReport(body.expression, {
      timezone: body.timezone,
      count: 2,
      locale: "zh-CN",
      from: NOW,
    });
    expect(report.valid && report.next_runs[0]).toBe("2026-11-30T01:00:00.000Z");
    expect(reply.body).toEqual({ ...report, message: "cron 表达式有效", next_run_in_seconds: 27 * 3600 });
    expect(reply.body.next_runs).toHaveLength(2);
  });

  it("answers 200 valid:false with the error for a bad expression or zone", async () => {
    for (const body of [
      '"0 2 * *"',
      '"61 * * * *"',
      '""',
      '{"expression":"0 2 * * *","timezone":"Nowhere/Land"}',
    ]) {
      const reply = await stack.call({
        method: "POST",
        path: `${SCHEDULER}/validate-cron`,
        headers: seedJson,
        body,
      });
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({ valid: false, expression: expect.any(String), error: expect.any(String) });
    }
  });

  it("answers 400 only for a malformed body", async () => {
    for (const body of [
      "{}",
      '{"expression":5}',
      "[]",
      "5",
      "null",
      '{"expression":"0 2 * * *","extra":1}',
      '{"expression":"0 2 * * *","count":0}',
      "0 2 * * *",
    ]) {
      const reply = await stack.call({
        method: "POST",
        path: `${SCHEDULER}/validate-cron`,
        headers: seedJson,
        body,
      });
      expect(reply.status, body).toBe(400);
    }
  });

  it.each([
    ["0", "a number"],
    ["[]", "an array"],
    ["null", "null"],
    ["true", "a boolean"],
  ])("names what a body of %s is and what it should be", async (body, kind) => {
    const reply = await stack.call({
      method: "POST",
      path: `${SCHEDULER}/validate-cron`,
      headers: seedJson,
      body,
    });
    expectError(reply, 400, "VALIDATION_FAILED");
    expect((reply.body.error as { message: string }).message).toBe(
      `request must be a cron expression as a JSON string ("0 2 * * *") or an object {"expression": …} (got ${kind})`,
    );
  });
});

describe("refresh-tasks, task-status, clear-tasks", () => {
  it("follow the seed's shapes and keep the configs", async () => {
    const a = await create();
    const b = await create({ cron: "0 0 1 * 1", timezone: "Europe/Berlin" });
    const off = await create({ enabled: false });

    const status = await stack.call({ method: "GET", path: `${SCHEDULER}/task-status` });
    expect(status.status).toBe(200);
    expect(status.body.backend).toBe("eventbridge-scheduler");
    expect(status.body.scheduled_config_ids.sort()).toEqual([a.id, b.id].sort());
    expect(status.body.scheduled_config_ids).not.toContain(off.id);
    const schedulesOfB = status.body.schedules.filter((s: { config_id: string }) => s.config_id === b.id);
    expect(schedulesOfB).toHaveLength(2);
    expect(status.body.schedules.find((s: { config_id: string }) => s.config_id === a.id)).toEqual({
      config_id: a.id,
      name: expect.any(String),
      expression: "cron(0 2 * * ? *)",
      timezone: "UTC",
      state: "ENABLED",
      next_run: "2026-11-29T02:00:00.000Z",
    });
    expect(status.body.queue).toEqual({
      messages_available: 0,
      messages_in_flight: 0,
      messages_delayed: 0,
      dead_letter: 0,
    });

    // The seed's curl: POST with no body and no content type.
    const unchanged = await stack.call({ method: "POST", path: `${SCHEDULER}/refresh-tasks` });
    expect(unchanged).toMatchObject({
      status: 200,
      body: {
        success: true,
        added_count: 0,
        updated_count: 0,
        removed_count: 0,
        unchanged_count: 2,
        errors: [],
        message: "定时任务已刷新，当前 2 个定时任务",
        total_configs: 2,
        skipped_count: 2,
        error_count: 0,
        active_tasks: 2,
      },
    });

    const cleared = await stack.call({ method: "DELETE", path: `${SCHEDULER}/clear-tasks` });
    expect(cleared.body).toEqual({
      success: true,
      removed_count: 2,
      message: "所有定时任务已清空",
      status: "cleared",
    });
    expect(await stack.scheduler.list()).toEqual([]);
    expect((await stack.store.configs.listEnabled()).map((c) => c.id).sort()).toEqual([a.id, b.id].sort());

    const refreshed = await stack.call({ method: "POST", path: `${SCHEDULER}/refresh-tasks` });
    expect(refreshed.body).toEqual({
      success: true,
      added_count: 2,
      updated_count: 0,
      removed_count: 0,
      unchanged_count: 0,
      errors: [],
      message: "定时任务已刷新，当前 2 个定时任务",
      total_configs: 2,
      skipped_count: 0,
      error_count: 0,
      active_tasks: 2,
    });
    await stack.call({ method: "DELETE", path: `${SCHEDULER}/clear-tasks` });
  });
});

describe("execute-sync, execute-all-enabled, task-result", () => {
  it("queues a manual run: 202, a PENDING run, one sync.run message", async () => {
    const config = await create();
    const reply = await stack.call({ method: "POST", path: `${SCHEDULER}/execute-sync/${config.id}` });
    expect(reply).toMatchObject({
      status: 202,
      body: { task_id: expect.any(String), config_id: config.id, status: "PENDING" },
    });
    expect(Object.keys(reply.body).sort()).toEqual(["config_id", "message", "status", "task_id"]);
    expect(reply.body.message).toBe("同步任务已提交执行");
    expect(await drainQueue()).toEqual([
      { type: "sync.run", trigger: "manual", config_id: config.id, task_id: reply.body.task_id },
    ]);

    const result = await stack.call({
      method: "GET",
      path: `${SCHEDULER}/task-result/${reply.body.task_id}`,
    });
    expect(result).toMatchObject({ status: 200 });
    expect(result.body).toEqual({
      task_id: reply.body.task_id,
      config_id: config.id,
      status: "PENDING",
      trigger: "manual",
      scheduled_time: null,
      created_at: NOW.toISOString(),
      started_at: null,
      finished_at: null,
      attempts: 0,
      progress: { files_done: 0, files_planned: 0, bytes_done: 0, bytes_planned: 0 },
      result: null,
      error: null,
      retry_of: null,
      cancel_requested_at: null,
      ready: false,
      successful: false,
      failed: false,
    });
  });

  it("shows a finished run's result and error as the worker stored them", async () => {
    const config = await create();
    const { body } = await stack.call({ method: "POST", path: `${SCHEDULER}/execute-sync/${config.id}` });
    await stack.store.runs.update(body.task_id, {
      status: "SUCCESS",
      started_at: "2026-11-28T22:00:01.000Z",
      finished_at: "2026-11-28T22:00:09.000Z",
      result: { copied: 3, bytes: 1024 },
    });
    const result = await stack.call({ method: "GET", path: `${SCHEDULER}/task-result/${body.task_id}` });
    expect(result.body).toMatchObject({
      status: "SUCCESS",
      result: { copied: 3, bytes: 1024 },
      finished_at: "2026-11-28T22:00:09.000Z",
      ready: true,
      successful: true,
      failed: false,
    });
    await drainQueue();
  });

  it("answers 404 for an unknown config or task, 409 for a disabled config", async () => {
    expectError(await stack.call({ method: "POST", path: `${SCHEDULER}/execute-sync/1` }), 404, "NOT_FOUND");
    expectError(await stack.call({ method: "GET", path: `${SCHEDULER}/task-result/nope` }), 404, "NOT_FOUND");
    expectError(
      await stack.call({ method: "GET", path: `${SCHEDULER}/task-result/{task_id}` }),
      404,
      "NOT_FOUND",
    );
    const off = await create({ enabled: false });
    expectError(
      await stack.call({ method: "POST", path: `${SCHEDULER}/execute-sync/${off.id}` }),
      409,
      "CONFIG_DISABLED",
    );
    expect(await drainQueue()).toEqual([]);
  });

  it("execute-all-enabled queues one run per enabled config", async () => {
    const enabled = await stack.store.configs.listEnabled();
    const reply = await stack.call({ method: "POST", path: `${SCHEDULER}/execute-all-enabled` });
    expect(reply.status).toBe(202);
    expect(reply.body).toEqual({
      count: enabled.length,
      task_ids: expect.any(Array),
      message: `已提交 ${enabled.length} 个启用的同步任务`,
    });
    expect(reply.body.task_ids).toHaveLength(enabled.length);
    const messages = await drainQueue();
    expect(messages.map((m) => m.task_id).sort()).toEqual([...reply.body.task_ids].sort());
    expect(messages.map((m) => m.config_id).sort()).toEqual(enabled.map((c) => c.id).sort());
  });

  it("answers 503 when the queue refuses, and the run ends FAILURE instead of PENDING forever", async () => {
    const config = await create();
    const broken = createApiHandler({
      ...stack.deps,
      queue: {
        ...stack.deps.queue,
        send: async () => {
          throw new QueueError("SQS SendMessage failed: injected", { retryable: true });
        },
      },
    });
    const { apiEvent, parseResult } = await import("../../test/support/api/api-event.ts");
    const reply = parseResult(
      await broken(apiEvent({ method: "POST", path: `${SCHEDULER}/execute-sync/${config.id}` })),
    );
    expectError(reply, 503, "QUEUE_UNAVAILABLE");
    const runs = await stack.store.runs.listByConfig(config.id);
    expect(runs.items).toEqual([
      expect.objectContaining({
        status: "FAILURE",
        error: expect.objectContaining({ code: "QUEUE_SEND_FAILED" }),
      }),
    ]);
  });
});

describe("a config's end_time", () => {
  it("gives a running config's schedules an end, and refuses a manual run after it, naming end_time", async () => {
    await stack.call({ method: "DELETE", path: `${SCHEDULER}/clear-tasks` });
    const ending = await create({ end_time: "2026-12-31T16:00:00+08:00" });
    expect(
      (await stack.call({ method: "GET", path: `/api/v1/sync-configs/${ending.id}` })).body.end_time,
    ).toBe("2026-12-31T16:00:00+08:00");
    const schedules = (await stack.scheduler.list()).filter((s) => s.config_id === ending.id);
    expect(schedules.map((s) => s.end_time)).toEqual(["2026-12-31T08:00:00.000Z"]);

    const ended = await create({ end_time: "2026-11-28T21:59:00Z" });
    expect((await stack.scheduler.list()).some((s) => s.config_id === ended.id)).toBe(false);
    const run = await stack.call({ method: "POST", path: `${SCHEDULER}/execute-sync/${ended.id}` });
    expectError(run, 409, "CONFIG_ENDED");
    expect(run.body.error.message).toContain("end_time");
    expect((await stack.store.runs.listByConfig(ended.id)).items).toEqual([]);

    const all = await stack.call({ method: "POST", path: `${SCHEDULER}/execute-all-enabled` });
    const queued = await drainQueue();
    expect(queued.map((m) => m.config_id)).not.toContain(ended.id);
    expect(queued.map((m) => m.config_id)).toContain(ending.id);
    expect(all.body.count).toBe(queued.length);

    const refreshed = await stack.call({ method: "POST", path: `${SCHEDULER}/refresh-tasks` });
    expect(refreshed.body.total_configs).toBe((await stack.store.configs.listEnabled()).length - 1);
    expect((await stack.scheduler.list()).some((s) => s.config_id === ended.id)).toBe(false);
    await stack.call({ method: "DELETE", path: `${SCHEDULER}/clear-tasks` });
  });

  it("refuses an end_time that is not an ISO date-time with an offset, naming it", async () => {
    const reply = await stack.call({
      method: "POST",
      path: "/api/v1/sync-configs",
      body: {
        name: "x",
        source: "/data/x",
        target: "s3://bucket/x",
        cron: "0 2 * * *",
        end_time: "tomorrow",
      },
    });
    expectError(reply, 400, "VALIDATION_FAILED");
    expect(reply.body.error.details.map((d: { path: string }) => d.path)).toEqual(["end_time"]);
  });
});
