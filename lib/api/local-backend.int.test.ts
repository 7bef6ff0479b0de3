import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiStack, startApiStack } from "../../test/support/api/api-stack.ts";
import { parseMessage } from "../queue/message.ts";

const NOW = new Date("2026-11-28T22:00:00.000Z");
let stack: ApiStack;

const received = async () => {
  await stack.idle();
  const { Messages = [] } = await stack.sqs.send(
    new ReceiveMessageCommand({ QueueUrl: stack.queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 600 }),
  );
  return Messages.map((m) => parseMessage(m.Body ?? ""));
};

beforeAll(async () => {
  stack = await startApiStack({ backend: "local", now: NOW });
});
afterAll(async () => {
  await stack?.stop();
});

describe("the API over the local scheduler", () => {
  it("schedules a created config at once, fires it into SQS, and stops when it is disabled", async () => {
    const created = await stack.call({
      method: "POST",
      path: "/api/v1/sync-configs",
      body: { name: "every 5", source: "/a", target: "/b", cron: "*/5 * * * *" },
    });
    expect(created.status).toBe(201);
    const id: string = created.body.id;

    const status = await stack.call({ method: "GET", path: "/api/v1/task/scheduler/task-status" });
    expect(status.body).toMatchObject({
      backend: "local",
      scheduled_config_ids: [id],
      schedules: [
        {
          config_id: id,
          expression: "*/5 * * * *",
          timezone: "UTC",
          state: "ENABLED",
          next_run: "2026-11-28T22:05:00.000Z",
        },
      ],
    });

    stack.setNow(new Date("2026-11-28T22:05:00.000Z"));
    expect(await received()).toEqual([
      { type: "sync.run", trigger: "schedule", config_id: id, scheduled_time: "2026-11-28T22:05:00Z" },
    ]);

    await stack.call({ method: "PATCH", path: `/api/v1/sync-configs/${id}`, body: { enabled: false } });
    stack.setNow(new Date("2026-11-28T22:30:00.000Z"));
    expect(await received()).toEqual([]);

    const refresh = await stack.call({ method: "POST", path: "/api/v1/task/scheduler/refresh-tasks" });
    expect(refresh.body).toMatchObject({ success: true, added_count: 0, unchanged_count: 0 });
    await stack.call({ method: "PATCH", path: `/api/v1/sync-configs/${id}`, body: { enabled: true } });
    stack.setNow(new Date("2026-11-28T22:35:00.000Z"));
    expect((await received()).map((m) => "scheduled_time" in m && m.scheduled_time)).toEqual([
      "2026-11-28T22:35:00Z",
    ]);

    await stack.call({ method: "DELETE", path: `/api/v1/sync-configs/${id}` });
    stack.setNow(new Date("2026-11-28T23:00:00.000Z"));
    expect(await received()).toEqual([]);
    expect(await stack.scheduler.list()).toEqual([]);
  });
});
