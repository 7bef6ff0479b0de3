import { rm } from "node:fs/promises";
import { join } from "node:path";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalDevStack } from "../../test/support/dev/local-dev-stack.ts";
import { tempDir } from "../../test/support/temp-dir.ts";
import { scheduleMessage } from "../queue/message.ts";
import { scheduledTaskId } from "../store/ids.ts";
import type { DevStack } from "./dev-stack.ts";

describe("syncron dev's dead-letter queue", () => {
  let stack: DevStack;
  let root: string;

  beforeAll(async () => {
    root = await tempDir("syncron-dev-dead-letters-");
    stack = await startLocalDevStack(root);
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it("has the consumer AWS has: a fire that reached it unseen is recorded as a FAILURE run, DEAD_LETTERED", {
    timeout: 60_000,
  }, async () => {
    const created = await fetch(`${stack.url}/api/v1/sync-configs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        name: "docs",
        source: join(root, "src"),
        target: join(root, "dst"),
        cron: "0 2 * * *",
      }),
    });
    const config = (await created.json()) as { id: string };
    const message = scheduleMessage(config.id, "2026-12-01T02:00:00Z");
    await stack.backends.sqs.send(
      new SendMessageCommand({
        QueueUrl: stack.backends.queues.dlqUrl,
        MessageBody: JSON.stringify(message),
      }),
    );
    const taskId = scheduledTaskId(config.id, message.scheduled_time);
    let result: { status?: string; error?: { code: string; message: string } } = {};
    const deadline = Date.now() + 45_000;
    while (result.status !== "FAILURE" && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const reply = await fetch(`${stack.url}/api/v1/task/scheduler/task-result/${taskId}`);
      if (reply.ok) result = (await reply.json()) as typeof result;
    }
    expect(result).toMatchObject({
      status: "FAILURE",
      error: { code: "DEAD_LETTERED", message: expect.stringMatching(/^gave up after 5 deliveries: /) },
    });
  });
});
