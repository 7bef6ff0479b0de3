import { describe, expect, it } from "vitest";
import { describeCron } from "./describe.ts";
import { CronError } from "./errors.ts";

describe("describeCron", () => {
  it.each([
    ["0 2 * * *", "At 02:00 AM", "在 02:00"],
    ["*/30 * * * *", "Every 30 minutes", "每隔 30 分钟"],
    [
      "0 9,18 * * 1-5",
      "At 09:00 AM and 06:00 PM, Monday through Friday",
      "在 09:00 和 18:00, 星期一至星期五",
    ],
    ["0 0 1 * *", "At 12:00 AM, on day 1 of the month", "在 00:00, 限每月 1 号"],
    ["0 6 * * 0", "At 06:00 AM, only on Sunday", "在 06:00, 仅星期日"],
    ["0 */2 * * *", "On the hour, every 2 hours", "整点, 每隔 2 小时"],
    ["30 14 * * *", "At 02:30 PM", "在 14:30"],
    ["0 0 * * *", "At 12:00 AM", "在 00:00"],
  ])("%s", (expression, en, zh) => {
    expect(describeCron(expression)).toBe(en);
    expect(describeCron(expression, "en")).toBe(en);
    expect(describeCron(expression, "zh-CN")).toBe(zh);
  });

  // A step past its range's end leaves one value: cron fires at it, not "every 61 minutes".
  it.each([
    ["*/61 * * * *", "0 * * * *"],
    ["0-59/61 * * * *", "0 * * * *"],
    ["0 */25 * * *", "0 0 * * *"],
    ["5-10/20 9 * * *", "5 9 * * *"],
    ["0 0 */32 * *", "0 0 1 * *"],
    ["0 0 * * 1/7", "0 0 * * 1"],
    ["7,*/90 * * * *", "7,0 * * * *"],
  ])("describes %s as %s, the one value its step leaves", (expression, meaning) => {
    for (const locale of ["en", "zh-CN"] as const)
      expect(describeCron(expression, locale)).toBe(describeCron(meaning, locale));
    expect(describeCron(expression)).not.toMatch(/every (25|32|61|90|7|20)/i);
  });

  it("refuses what syncron refuses, though cronstrue would describe it", () => {
    expect(() => describeCron("0 0 L * *")).toThrow(CronError);
    expect(() => describeCron("* * * * * *")).toThrow(CronError);
  });
});
