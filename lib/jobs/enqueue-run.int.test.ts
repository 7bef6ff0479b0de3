import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiStack, startApiStack } from "../../test/support/api/api-stack.ts";
import { newSyncConfig, SyncConfigInputSchema } from "../store/sync-config.ts";
import type { JobDeps } from "./deps.ts";
import { enqueueAllEnabled } from "./enqueue-run.ts";

let stack: ApiStack;
beforeAll(async () => {
  stack = await startApiStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe("enqueueAllEnabled", () => {
  it("leaves out, and marks FAILURE, the runs whose message a batch failed to send", async () => {
    const ids = ["cfg-a", "cfg-b", "cfg-c"];
    for (const id of ids) {
      await stack.store.configs.create(
        newSyncConfig(
          SyncConfigInputSchema.parse({ name: id, source: "/a", target: "/b", cron: "0 2 * * *" }),
          { id, now: stack.deps.clock() },
        ),
      );
    }
    const deps: JobDeps = {
      ...stack.deps,
      queue: {
        ...stack.deps.queue,
        sendBatch: async (messages) => ({
          sent_count: messages.length - 1,
          failed: [
            {
              index: 1,
              config_id: messages[1]?.config_id ?? "",
              code: "InternalError",
              message: "boom",
              sender_fault: false,
            },
          ],
        }),
      },
    };
    const result = await enqueueAllEnabled(deps);
    expect(result.count).toBe(2);
    const runs = await Promise.all(ids.map(async (id) => (await stack.store.runs.listByConfig(id)).items));
    const failed = runs.flat().filter((run) => run.status === "FAILURE");
    expect(failed).toEqual([
      expect.objectContaining({
        error: { code: "QUEUE_SEND_FAILED", message: expect.stringContaining("boom") },
      }),
    ]);
    expect(result.task_ids).not.toContain(failed[0]?.task_id);
    // Ended like every other FAILURE: the config's last run says so.
    expect((await stack.store.configs.get(failed[0]?.config_id ?? ""))?.last_run).toEqual({
      task_id: failed[0]?.task_id,
      status: "FAILURE",
      finished_at: failed[0]?.finished_at,
    });
    expect(
      runs
        .flat()
        .filter((run) => run.status === "PENDING")
        .map((run) => run.task_id)
        .sort(),
    ).toEqual([...result.task_ids].sort());
  });
});
