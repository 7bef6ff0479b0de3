import { describe, expect, it } from "vitest";
import { describeCron } from "./describe.ts";
import { CronError } from "./errors.ts";

describe("describeCron", () => {
  it.each([
    ["0 2 * * *", "At 02:00 AM", "在上午 02:00"],
    ["*/30 * * * *", "Every 30 minutes", "每隔 30 分钟"],
    [
      "0 9,18 * * 1-5",
      "At 09:00 AM and 06:00 PM, Monday through Friday",
      "在 上午 09:00 和 下午 06:00, 星期一至星期五",
    ],
    ["0 0 1 * *", "At 12:00 AM, on day 1 of the month", "在上午 12:00, 限每月 1 号"],
    ["0 6 * * 0", "At 06:00 AM, only on Sunday", "在上午 06:00, 仅星期日"],
    ["0 */2 * * *", "On the hour, every 2 hours", "整点, 每隔 2 小时"],
  ])("%s", (expression, en, zh) => {
    expect(describeCron(expression)).toBe(en);
    expect(describeCron(expression, "en")).toBe(en);
    expect(describeCron(expression, "zh-CN")).toBe(zh);
  });

  it("refuses what syncron refuses, though cronstrue would describe it", () => {
    expect(() => describeCron("0 0 L * *")).toThrow(CronError);
    expect(() => describeCron("* * * * * *")).toThrow(CronError);
  });
});
