import { describe, expect, it } from "vitest";
import { CronError } from "./errors.ts";
import { nextRuns } from "./next-runs.ts";

const iso = (dates: Date[]) => dates.map((d) => d.toISOString());
const runs = (expression: string, from: string, count: number, timezone?: string) =>
  iso(nextRuns(expression, { from: new Date(from), count, ...(timezone !== undefined && { timezone }) }));

describe("nextRuns, the seed's examples (UTC, from Thursday 2026-01-01 00:00)", () => {
  it.each([
    ["0 2 * * *", ["2026-01-01T02:00:00.000Z", "2026-01-02T02:00:00.000Z", "2026-01-03T02:00:00.000Z"]],
    ["*/30 * * * *", ["2026-01-01T00:30:00.000Z", "2026-01-01T01:00:00.000Z", "2026-01-01T01:30:00.000Z"]],
    ["0 9,18 * * 1-5", ["2026-01-01T09:00:00.000Z", "2026-01-01T18:00:00.000Z", "2026-01-02T09:00:00.000Z"]],
    ["0 0 1 * *", ["2026-02-01T00:00:00.000Z", "2026-03-01T00:00:00.000Z", "2026-04-01T00:00:00.000Z"]],
    ["0 6 * * 0", ["2026-01-04T06:00:00.000Z", "2026-01-11T06:00:00.000Z", "2026-01-18T06:00:00.000Z"]],
    ["0 */2 * * *", ["2026-01-01T02:00:00.000Z", "2026-01-01T04:00:00.000Z", "2026-01-01T06:00:00.000Z"]],
  ])("%s", (expression, want) => {
    expect(runs(expression, "2026-01-01T00:00:00.000Z", 3)).toEqual(want);
  });
});

describe("nextRuns", () => {
  it("reads the expression in the given time zone", () => {
    expect(runs("0 9,18 * * 1-5", "2026-01-01T00:00:00Z", 3, "Asia/Shanghai")).toEqual([
      "2026-01-01T01:00:00.000Z",
      "2026-01-01T10:00:00.000Z",
      "2026-01-02T01:00:00.000Z",
    ]);
  });

  it("returns instants strictly after from, even mid-minute", () => {
    expect(runs("* * * * *", "2026-01-01T00:00:00.000Z", 1)).toEqual(["2026-01-01T00:01:00.000Z"]);
    expect(runs("* * * * *", "2026-01-01T00:00:59.999Z", 1)).toEqual(["2026-01-01T00:01:00.000Z"]);
  });

  it("ORs day-of-month and day-of-week when both are restricted", () => {
    // The 1st of the month OR any Monday; 2026-06-01 is both and fires once.
    expect(runs("0 0 1 * 1", "2026-05-20T00:00:00Z", 4)).toEqual([
      "2026-05-25T00:00:00.000Z",
      "2026-06-01T00:00:00.000Z",
      "2026-06-08T00:00:00.000Z",
      "2026-06-15T00:00:00.000Z",
    ]);
  });

  it("finds the 29th of February across the 2100 gap", () => {
    expect(runs("0 0 29 2 *", "2096-03-01T00:00:00Z", 1)).toEqual(["2104-02-29T00:00:00.000Z"]);
  });

  it("gives all runs of a yearly cron however many years they span (fast-check found 28 of 30)", () => {
    const yearly = runs("0 0 1 10 *", "2025-01-01T00:00:00Z", 30);
    expect(yearly).toHaveLength(30);
    expect(yearly.at(-1)).toBe("2054-10-01T00:00:00.000Z");
    const leap = runs("0 0 29 2 *", "2025-01-01T00:00:00Z", 20);
    expect(leap.at(-1)).toBe("2108-02-29T00:00:00.000Z");
  });

  it("defaults to UTC, 5 runs, from now", () => {
    const before = Date.now();
    const result = nextRuns("* * * * *");
    expect(result).toHaveLength(5);
    expect(result[0]!.getTime()).toBeGreaterThan(before);
    expect(result[0]!.getUTCSeconds()).toBe(0);
  });

  it("rejects a bad expression, zone, from or count", () => {
    expect(() => nextRuns("0 25 * * *")).toThrow(CronError);
    expect(() => nextRuns("0 0 * * *", { timezone: "Mars/Base" })).toThrow(
      new CronError('timezone: "Mars/Base" is not a known IANA time zone'),
    );
    expect(() => nextRuns("0 0 * * *", { timezone: "+08:00" })).toThrow(CronError);
    expect(() => nextRuns("0 0 * * *", { from: new Date("nope") })).toThrow(RangeError);
    expect(() => nextRuns("0 0 * * *", { count: 1.5 })).toThrow(RangeError);
    expect(nextRuns("0 0 * * *", { count: 0 })).toEqual([]);
  });
});

describe("nextRuns across daylight saving, as EventBridge Scheduler (America/New_York, 2026)", () => {
  const ny = "America/New_York";

  it("spring-forward (Mar 8, 02:00 EST → 03:00 EDT): a skipped local time does not fire", () => {
    expect(runs("30 2 * * *", "2026-03-07T00:00:00Z", 3, ny)).toEqual([
      "2026-03-07T07:30:00.000Z", // 02:30 EST
      "2026-03-09T06:30:00.000Z", // 02:30 EDT; Mar 8 has no 02:30
      "2026-03-10T06:30:00.000Z",
    ]);
    expect(runs("0 2,3 * * *", "2026-03-08T00:00:00Z", 2, ny)).toEqual([
      "2026-03-08T07:00:00.000Z", // 03:00 EDT, once
      "2026-03-09T06:00:00.000Z",
    ]);
    expect(runs("*/30 * * * *", "2026-03-08T06:00:00Z", 4, ny)).toEqual([
      "2026-03-08T06:30:00.000Z", // 01:30 EST
      "2026-03-08T07:00:00.000Z", // 03:00 EDT
      "2026-03-08T07:30:00.000Z",
      "2026-03-08T08:00:00.000Z",
    ]);
  });

  it("fall-back (Nov 1, 02:00 EDT → 01:00 EST): a repeated local time fires once, the first time", () => {
    expect(runs("30 1 * * *", "2026-10-31T00:00:00Z", 3, ny)).toEqual([
      "2026-10-31T05:30:00.000Z",
      "2026-11-01T05:30:00.000Z", // 01:30 EDT; not again at 01:30 EST (06:30Z)
      "2026-11-02T06:30:00.000Z",
    ]);
    expect(runs("0 * * * *", "2026-11-01T03:30:00Z", 5, ny)).toEqual([
      "2026-11-01T04:00:00.000Z", // 00:00 EDT
      "2026-11-01T05:00:00.000Z", // 01:00 EDT
      "2026-11-01T07:00:00.000Z", // 02:00 EST; 01:00 EST (06:00Z) is a repeat
      "2026-11-01T08:00:00.000Z",
      "2026-11-01T09:00:00.000Z",
    ]);
    // From inside the repeated hour: 01:30 already fired at 05:30Z, so the next is tomorrow.
    expect(runs("30 1 * * *", "2026-11-01T06:10:00Z", 1, ny)).toEqual(["2026-11-02T06:30:00.000Z"]);
  });
});
