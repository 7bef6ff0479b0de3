import { describe, expect, it } from "vitest";
import { fakeSchedulerApi } from "../../test/support/schedule/fake-scheduler-api.ts";
import { createEventBridgeScheduler } from "../schedule/eventbridge-scheduler/eventbridge-scheduler.ts";
import { reconcileSchedules } from "../schedule/reconcile.ts";
import type { SyncConfig } from "../store/sync-config.ts";
import { taskStatus } from "./task-status.ts";

const NOW = new Date("2026-11-28T22:00:00.000Z");

describe("taskStatus", () => {
  /** 1,000 configs on the EventBridge Scheduler backend (whose expressions need the config's cron). */
  const setup = async () => {
    const api = fakeSchedulerApi();
    const scheduler = createEventBridgeScheduler({
      client: api.client,
      groupName: "g",
      queueArn: "arn:aws:sqs:us-east-1:1:q",
      roleArn: "arn:aws:iam::1:role/r",
    });
    const configs = new Map<string, SyncConfig>();
    const specs = Array.from({ length: 1000 }, (_, i) => ({
      config_id: `c${String(i).padStart(4, "0")}`,
      cron: i % 7 === 0 ? "0 2 1 * 1" : "0 2 * * *",
      timezone: "UTC",
      enabled: true,
    }));
    for (const spec of specs) {
      configs.set(spec.config_id, { id: spec.config_id, ...spec } as unknown as SyncConfig);
    }
    await reconcileSchedules(specs, scheduler);
    const reads: string[] = [];
    const deps = {
      scheduler,
      clock: () => NOW,
      queue: {
        queueDepth: async () => ({
          messages_available: 0,
          messages_in_flight: 0,
          messages_delayed: 0,
          dead_letter: 0,
        }),
      },
      configs: {
        get: async (id: string) => {
          reads.push(id);
          return configs.get(id);
        },
      },
    };
    return { deps, reads };
  };

  it("serves a page reading only the page's configs, and pages through every schedule once", async () => {
    const { deps, reads } = await setup();
    const first = await taskStatus(deps, { limit: 100 });
    expect(first.schedules).toHaveLength(100);
    expect(first.total_scheduled_tasks).toBe(1143);
    expect(reads.length).toBeLessThanOrEqual(100);
    expect(first.schedules[0]).toMatchObject({ config_id: "c0000", next_run: "2026-11-30T02:00:00.000Z" });

    const names = first.schedules.map((s) => s.name);
    let cursor = first.next_cursor;
    while (cursor) {
      reads.length = 0;
      const page = await taskStatus(deps, { limit: 100, cursor });
      expect(reads.length).toBeLessThanOrEqual(100);
      expect(page.schedules.every((s) => s.next_run !== null)).toBe(true);
      names.push(...page.schedules.map((s) => s.name));
      cursor = page.next_cursor;
    }
    expect(names).toHaveLength(1143);
    expect(new Set(names).size).toBe(1143);
    expect([...names].sort()).toEqual(names);
  });
});
