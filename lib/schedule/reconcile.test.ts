import { describe, expect, it } from "vitest";
import { ScheduleValidationError } from "./errors.ts";
import { clearSchedules, reconcileSchedules } from "./reconcile.ts";
import type { ScheduleInfo, Scheduler, ScheduleSpec } from "./scheduler.ts";

/** A port-level fake that stores plans and counts mutating calls. "bad" crons fail validation, "boom" fails upsert. */
function countingScheduler() {
  const held = new Map<string, ScheduleInfo[]>();
  const calls = { upsert: 0, remove: 0, list: 0 };
  const scheduler: Scheduler = {
    backend: "local",
    check(spec) {
      if (spec.cron === "bad") throw new ScheduleValidationError(`cron "bad" is not valid`, "cron");
    },
    plan(spec) {
      scheduler.check(spec);
      const state = spec.enabled ? "ENABLED" : "DISABLED";
      return [
        {
          config_id: spec.config_id,
          name: `s-${spec.config_id}`,
          expression: spec.cron,
          timezone: spec.timezone,
          state,
        },
      ];
    },
    async upsert(spec) {
      calls.upsert++;
      if (spec.cron === "boom") throw new Error("backend down");
      const existed = held.has(spec.config_id);
      held.set(spec.config_id, scheduler.plan(spec));
      return existed ? "updated" : "created";
    },
    async remove(configId) {
      calls.remove++;
      return held.delete(configId);
    },
    async list() {
      calls.list++;
      return [...held.values()].flat();
    },
  };
  return { scheduler, calls, held };
}

const spec = (id: string, cron = "0 2 * * *", enabled = true): ScheduleSpec => ({
  config_id: id,
  cron,
  timezone: "UTC",
  enabled,
});

describe("reconcileSchedules", () => {
  it("creates missing, updates changed, deletes orphans and leaves the rest", async () => {
    const { scheduler, calls, held } = countingScheduler();
    await scheduler.upsert(spec("same"));
    await scheduler.upsert(spec("changed"));
    await scheduler.upsert(spec("orphan"));
    calls.upsert = 0;

    const result = await reconcileSchedules(
      [spec("same"), spec("changed", "5 2 * * *"), spec("new")],
      scheduler,
    );

    expect(result).toEqual({
      added_count: 1,
      updated_count: 1,
      removed_count: 1,
      unchanged_count: 1,
      errors: [],
    });
    expect([...held.keys()].sort()).toEqual(["changed", "new", "same"]);
    expect(held.get("changed")?.[0]?.expression).toBe("5 2 * * *");
    expect(calls).toEqual({ upsert: 2, remove: 1, list: 1 });
  });

  it("makes no mutating call the second time", async () => {
    const { scheduler, calls } = countingScheduler();
    const configs = [spec("a"), spec("b", "0 0 1 * 1"), spec("c", "0 3 * * *", false)];
    await reconcileSchedules(configs, scheduler);
    calls.upsert = 0;
    calls.remove = 0;
    const again = await reconcileSchedules(configs, scheduler);
    expect(again).toEqual({
      added_count: 0,
      updated_count: 0,
      removed_count: 0,
      unchanged_count: 3,
      errors: [],
    });
    expect(calls.upsert + calls.remove).toBe(0);
  });

  it("reports one config's failure and goes on with the others", async () => {
    const { scheduler, held } = countingScheduler();
    const result = await reconcileSchedules(
      [spec("x", "bad"), spec("y", "boom"), spec("z"), spec("z")],
      scheduler,
    );
    expect(result.added_count).toBe(1);
    expect(result.errors).toEqual([
      { config_id: "x", message: 'cron "bad" is not valid' },
      { config_id: "y", message: "backend down" },
      { config_id: "z", message: "config listed twice; the first one was used" },
    ]);
    expect([...held.keys()]).toEqual(["z"]);
  });

  it("reconciles 10,000 configs, then makes no call for them", async () => {
    const { scheduler, calls } = countingScheduler();
    const configs = Array.from({ length: 10_000 }, (_, i) => spec(`c${i}`, `${i % 60} ${i % 24} * * *`));
    const first = await reconcileSchedules(configs, scheduler);
    expect(first.added_count).toBe(10_000);
    calls.upsert = 0;
    const changed = configs.map((c, i) => (i % 100 === 0 ? { ...c, enabled: false } : c));
    const second = await reconcileSchedules(changed.slice(0, 9_990), scheduler);
    expect(second).toMatchObject({
      updated_count: 100,
      removed_count: 10,
      unchanged_count: 9_890,
      errors: [],
    });
    expect(calls.upsert).toBe(100);
  });
});

describe("reconcileSchedules limits", () => {
  it("keeps at most `concurrency` mutating calls in flight", async () => {
    const { scheduler } = countingScheduler();
    let inFlight = 0;
    let peak = 0;
    const upsert = scheduler.upsert;
    scheduler.upsert = async (s) => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
      return upsert(s);
    };
    const configs = Array.from({ length: 50 }, (_, i) => spec(`c${i}`));
    expect((await reconcileSchedules(configs, scheduler, { concurrency: 3 })).added_count).toBe(50);
    expect(peak).toBe(3);
  });

  it("throws when the listing fails, before changing anything", async () => {
    const { scheduler, calls } = countingScheduler();
    scheduler.list = async () => {
      throw new Error("list failed");
    };
    await expect(reconcileSchedules([spec("a")], scheduler)).rejects.toThrow("list failed");
    await expect(clearSchedules(scheduler)).rejects.toThrow("list failed");
    expect(calls.upsert + calls.remove).toBe(0);
  });
});

describe("clearSchedules", () => {
  it("reports a config it could not clear and clears the others", async () => {
    const { scheduler, held } = countingScheduler();
    await reconcileSchedules([spec("a"), spec("b")], scheduler);
    const remove = scheduler.remove;
    scheduler.remove = async (id) => {
      if (id === "a") throw new Error("denied");
      return remove(id);
    };
    expect(await clearSchedules(scheduler)).toEqual({
      removed_count: 1,
      errors: [{ config_id: "a", message: "denied" }],
    });
    expect([...held.keys()]).toEqual(["a"]);
  });

  it("removes every schedule and counts configs", async () => {
    const { scheduler, held } = countingScheduler();
    await reconcileSchedules([spec("a"), spec("b")], scheduler);
    expect(await clearSchedules(scheduler)).toEqual({ removed_count: 2, errors: [] });
    expect(held.size).toBe(0);
    expect(await clearSchedules(scheduler)).toEqual({ removed_count: 0, errors: [] });
  });
});
