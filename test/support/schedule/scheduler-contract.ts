import { afterEach, describe, expect, it } from "vitest";
import { ScheduleValidationError } from "../../../lib/schedule/errors.ts";
import { reconcileSchedules } from "../../../lib/schedule/reconcile.ts";
import type { Scheduler, ScheduleSpec } from "../../../lib/schedule/scheduler.ts";

export interface SchedulerUnderTest {
  scheduler: Scheduler;
  /** Mutating backend calls made so far. */
  mutations(): number;
  close?(): Promise<void> | void;
}

export interface SchedulerContractOptions {
  name: string;
  /** A fresh, empty backend. */
  newScheduler(): Promise<SchedulerUnderTest> | SchedulerUnderTest;
  /** False when only UTC is accepted (eventbridge-rules). */
  timezones: boolean;
  /** Underlying schedules for a day-of-month OR day-of-week config (2 on AWS, 1 locally). */
  schedulesForEither: number;
}

const spec = (overrides: Partial<ScheduleSpec> = {}): ScheduleSpec => ({
  config_id: "cfg-1",
  name: "photos",
  cron: "0 2 * * *",
  timezone: "UTC",
  enabled: true,
  ...overrides,
});

/** The behaviour every Scheduler must show; run once per backend. */
export function runSchedulerContract(options: SchedulerContractOptions): void {
  describe(`Scheduler contract: ${options.name}`, () => {
    let current: SchedulerUnderTest | undefined;
    const open = async () => {
      current = await options.newScheduler();
      return current;
    };
    afterEach(async () => {
      await current?.close?.();
      current = undefined;
    });

    it("creates a schedule that list() shows as plan() describes it", async () => {
      const { scheduler } = await open();
      expect(await scheduler.upsert(spec())).toBe("created");
      const listed = await scheduler.list();
      expect(listed.map(({ next_run: _, ...info }) => info)).toEqual(scheduler.plan(spec()));
      expect(listed).toMatchObject([{ config_id: "cfg-1", timezone: "UTC", state: "ENABLED" }]);
    });

    it("makes no mutating call for an unchanged spec", async () => {
      const { scheduler, mutations } = await open();
      await scheduler.upsert(spec());
      const before = mutations();
      expect(await scheduler.upsert(spec())).toBe("unchanged");
      expect(mutations()).toBe(before);
    });

    it("updates the expression and the state", async () => {
      const { scheduler } = await open();
      await scheduler.upsert(spec());
      const before = (await scheduler.list())[0]?.expression;
      expect(await scheduler.upsert(spec({ cron: "30 4 * * 1-5" }))).toBe("updated");
      const after = await scheduler.list();
      expect(after).toHaveLength(1);
      expect(after[0]?.expression).not.toBe(before);
      expect(await scheduler.upsert(spec({ cron: "30 4 * * 1-5", enabled: false }))).toBe("updated");
      expect((await scheduler.list())[0]?.state).toBe("DISABLED");
      expect(await scheduler.upsert(spec({ cron: "30 4 * * 1-5" }))).toBe("updated");
      expect((await scheduler.list())[0]?.state).toBe("ENABLED");
    });

    it("holds a day-of-month OR day-of-week config, and drops the extra schedule when it no longer is", async () => {
      const { scheduler } = await open();
      await scheduler.upsert(spec({ cron: "0 0 1 * 1" }));
      expect(await scheduler.list()).toHaveLength(options.schedulesForEither);
      expect(await scheduler.upsert(spec({ cron: "0 0 1 * *" }))).toBe("updated");
      expect(await scheduler.list()).toHaveLength(1);
    });

    it("removes a config's schedules, and says when there were none", async () => {
      const { scheduler } = await open();
      await scheduler.upsert(spec({ cron: "0 0 1 * 1" }));
      await scheduler.upsert(spec({ config_id: "cfg-2" }));
      expect(await scheduler.remove("cfg-1")).toBe(true);
      expect((await scheduler.list()).map((info) => info.config_id)).toEqual(["cfg-2"]);
      expect(await scheduler.remove("cfg-1")).toBe(false);
      expect(await scheduler.remove("never-there")).toBe(false);
    });

    it("lists more schedules than one page holds", async () => {
      const { scheduler } = await open();
      const ids = Array.from({ length: 230 }, (_, i) => `cfg-${String(i).padStart(3, "0")}`);
      for (const id of ids) await scheduler.upsert(spec({ config_id: id }));
      const listed = await scheduler.list();
      expect(listed.map((info) => info.config_id).sort()).toEqual(ids);
    });

    it.each([
      ["cron", spec({ cron: "0 2 * *" })],
      ["cron", spec({ cron: "61 * * * *" })],
      ["timezone", spec({ timezone: "Mars/Olympus" })],
      ["config_id", spec({ config_id: "has space" })],
      ["config_id", spec({ config_id: "x".repeat(60) })],
    ])("refuses a bad %s before calling the backend", async (field, bad) => {
      const { scheduler, mutations } = await open();
      expect(() => scheduler.check(bad)).toThrow(ScheduleValidationError);
      const error = await scheduler.upsert(bad).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ScheduleValidationError);
      expect((error as ScheduleValidationError).field).toBe(field);
      expect(mutations()).toBe(0);
    });

    it(
      options.timezones ? "keeps the config's time zone" : "refuses a time zone other than UTC",
      async () => {
        const { scheduler, mutations } = await open();
        const zoned = spec({ timezone: "Asia/Shanghai" });
        if (options.timezones) {
          await scheduler.upsert(zoned);
          expect((await scheduler.list())[0]?.timezone).toBe("Asia/Shanghai");
        } else {
          expect(() => scheduler.check(zoned)).toThrow(/UTC/);
          await expect(scheduler.upsert(zoned)).rejects.toBeInstanceOf(ScheduleValidationError);
          expect(mutations()).toBe(0);
        }
      },
    );

    it("reconciles, and a second reconcile with no change makes no mutating call", async () => {
      const { scheduler, mutations } = await open();
      await scheduler.upsert(spec({ config_id: "orphan" }));
      await scheduler.upsert(spec({ config_id: "stale", cron: "0 1 * * *" }));
      const configs = [
        spec({ config_id: "stale" }),
        spec({ config_id: "either", cron: "0 0 1 * 1" }),
        spec(),
      ];
      expect(await reconcileSchedules(configs, scheduler)).toEqual({
        added_count: 2,
        updated_count: 1,
        removed_count: 1,
        unchanged_count: 0,
        errors: [],
      });
      const before = mutations();
      expect(await reconcileSchedules(configs, scheduler)).toMatchObject({ unchanged_count: 3, errors: [] });
      expect(mutations()).toBe(before);
    });
  });
}
