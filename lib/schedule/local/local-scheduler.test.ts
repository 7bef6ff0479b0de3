import { describe, expect, it } from "vitest";
import { runSchedulerContract } from "../../../test/support/schedule/scheduler-contract.ts";
import type { ScheduleMessage } from "../../queue/message.ts";
import { createManualClock } from "./clock.ts";
import { createLocalScheduler } from "./local-scheduler.ts";

const START = Date.UTC(2026, 0, 1, 0, 0, 0); // a Thursday

const setup = () => {
  const clock = createManualClock(START);
  const sent: ScheduleMessage[] = [];
  let mutations = 0;
  const scheduler = createLocalScheduler({
    clock,
    send: async (message) => {
      sent.push(message);
    },
  });
  // Local has no backend calls: count the mutating port calls that changed something.
  const counted = {
    ...scheduler,
    upsert: async (spec: Parameters<typeof scheduler.upsert>[0]) => {
      const result = await scheduler.upsert(spec);
      if (result !== "unchanged") mutations++;
      return result;
    },
    remove: async (id: string) => {
      const removed = await scheduler.remove(id);
      if (removed) mutations++;
      return removed;
    },
  };
  return { clock, sent, scheduler, counted, mutations: () => mutations };
};

runSchedulerContract({
  name: "local",
  timezones: true,
  schedulesForEither: 1,
  newScheduler: () => {
    const { counted, mutations, scheduler } = setup();
    return { scheduler: counted, mutations, close: () => scheduler.stop() };
  },
});

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe("createLocalScheduler", () => {
  it("fires no more at or after the spec's end_time, as EventBridge Scheduler's EndDate", async () => {
    const { clock, sent, scheduler } = setup();
    await scheduler.upsert({
      config_id: "c1",
      cron: "*/30 * * * *",
      timezone: "UTC",
      enabled: true,
      end_time: "2026-01-01T01:00:00.000Z",
    });
    clock.advance(3 * HOUR);
    await scheduler.idle();
    expect(sent.map((m) => m.scheduled_time)).toEqual(["2026-01-01T00:30:00Z"]);
    expect(await scheduler.list()).toEqual([
      expect.objectContaining({ config_id: "c1", end_time: "2026-01-01T01:00:00.000Z" }),
    ]);
    expect((await scheduler.list())[0]?.next_run).toBeUndefined();
  });

  it("sends the schedule message at each fire, with the fire instant as scheduled_time", async () => {
    const { clock, sent, scheduler } = setup();
    await scheduler.upsert({ config_id: "c1", cron: "*/30 * * * *", timezone: "UTC", enabled: true });
    clock.advance(HOUR);
    await scheduler.idle();
    expect(sent).toEqual([
      { type: "sync.run", trigger: "schedule", config_id: "c1", scheduled_time: "2026-01-01T00:30:00Z" },
      { type: "sync.run", trigger: "schedule", config_id: "c1", scheduled_time: "2026-01-01T01:00:00Z" },
    ]);
    expect((await scheduler.list())[0]?.next_run).toBe("2026-01-01T01:30:00.000Z");
  });

  it("lists each schedule's next fire as it moves: after a fire, an edit and a disable", async () => {
    const { clock, scheduler } = setup();
    const spec = { config_id: "c1", cron: "*/30 * * * *", timezone: "UTC", enabled: true };
    await scheduler.upsert(spec);
    expect((await scheduler.list())[0]?.next_run).toBe("2026-01-01T00:30:00.000Z");
    clock.advance(HOUR / 2);
    await scheduler.idle();
    expect((await scheduler.list())[0]?.next_run).toBe("2026-01-01T01:00:00.000Z");
    await scheduler.upsert({ ...spec, cron: "0 3 * * *" });
    expect((await scheduler.list())[0]).toMatchObject({
      expression: "0 3 * * *",
      next_run: "2026-01-01T03:00:00.000Z",
    });
    await scheduler.upsert({ ...spec, cron: "0 3 * * *", enabled: false });
    expect((await scheduler.list())[0]).toMatchObject({ state: "DISABLED" });
    expect((await scheduler.list())[0]?.next_run).toBeUndefined();
  });

  it("fires in the config's time zone", async () => {
    const { clock, sent, scheduler } = setup();
    await scheduler.upsert({ config_id: "c1", cron: "0 9 * * *", timezone: "Asia/Shanghai", enabled: true });
    clock.advance(24 * HOUR);
    await scheduler.idle();
    expect(sent.map((m) => m.scheduled_time)).toEqual(["2026-01-01T01:00:00Z"]);
  });

  it("fires on day-of-month OR day-of-week", async () => {
    const { clock, sent, scheduler } = setup();
    // The 1st or any Monday: Jan 5, 12, 19, 26 (Mon), Feb 1 (Sun), Feb 2 (Mon); Jan 1 00:00 is the start, not after it.
    await scheduler.upsert({ config_id: "c1", cron: "0 0 1 * 1", timezone: "UTC", enabled: true });
    clock.advance(32 * 24 * HOUR);
    await scheduler.idle();
    expect(sent.map((m) => m.scheduled_time.slice(0, 10))).toEqual([
      "2026-01-05",
      "2026-01-12",
      "2026-01-19",
      "2026-01-26",
      "2026-02-01",
      "2026-02-02",
    ]);
  });

  it("sends nothing while disabled, after remove, or after stop", async () => {
    const { clock, sent, scheduler } = setup();
    await scheduler.upsert({ config_id: "off", cron: "* * * * *", timezone: "UTC", enabled: false });
    await scheduler.upsert({ config_id: "gone", cron: "* * * * *", timezone: "UTC", enabled: true });
    await scheduler.remove("gone");
    await scheduler.upsert({ config_id: "stopped", cron: "* * * * *", timezone: "UTC", enabled: true });
    scheduler.stop();
    clock.advance(HOUR);
    await scheduler.idle();
    expect(sent).toEqual([]);
    expect(clock.pending()).toBe(0);
  });

  it("keeps firing after a failed send and reports it", async () => {
    const clock = createManualClock(START);
    const errors: string[] = [];
    let calls = 0;
    const scheduler = createLocalScheduler({
      clock,
      send: async () => {
        if (++calls === 1) throw new Error("queue down");
      },
      onError: (error, message) => errors.push(`${message.scheduled_time} ${(error as Error).message}`),
    });
    await scheduler.upsert({ config_id: "c1", cron: "* * * * *", timezone: "UTC", enabled: true });
    clock.advance(2 * MINUTE);
    await scheduler.idle();
    expect(calls).toBe(2);
    expect(errors).toEqual(["2026-01-01T00:01:00Z queue down"]);
  });

  it("waits more than setTimeout's 24.8-day ceiling", async () => {
    const { clock, sent, scheduler } = setup();
    await scheduler.upsert({ config_id: "yearly", cron: "0 0 1 12 *", timezone: "UTC", enabled: true });
    clock.advance(334 * 24 * HOUR);
    await scheduler.idle();
    expect(sent.map((m) => m.scheduled_time)).toEqual(["2026-12-01T00:00:00Z"]);
  });
});
