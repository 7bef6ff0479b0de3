import { describe, expect, it } from "vitest";
import { CronError } from "./errors.ts";
import { toEventBridge } from "./eventbridge.ts";

describe("toEventBridge", () => {
  it.each([
    // the seed's examples
    ["0 2 * * *", ["cron(0 2 * * ? *)"]],
    ["*/30 * * * *", ["cron(0,30 * * * ? *)"]],
    ["0 9,18 * * 1-5", ["cron(0 9,18 ? * 2-6 *)"]],
    ["0 0 1 * *", ["cron(0 0 1 * ? *)"]],
    ["0 6 * * 0", ["cron(0 6 ? * 1 *)"]],
    ["0 */2 * * *", ["cron(0 0/2 * * ? *)"]],
    // steps: a/step runs to the field's end; day-of-week never gets a slash
    ["*/15 * * * *", ["cron(0/15 * * * ? *)"]],
    ["5/15 * * * *", ["cron(5/15 * * * ? *)"]],
    ["10-30/10 * * * *", ["cron(10,20,30 * * * ? *)"]],
    ["0 0 */5 * *", ["cron(0 0 1/5 * ? *)"]],
    ["0 0 * */3 *", ["cron(0 0 * 1/3 ? *)"]],
    ["0 0 * * 0-7/2", ["cron(0 0 ? * 1,3,5,7 *)"]],
    ["0 0 * * 1-7/2", ["cron(0 0 ? * 1,2,4,6 *)"]],
    // Sunday as 0 and 7, ranges through Sunday, names
    ["0 0 * * 7", ["cron(0 0 ? * 1 *)"]],
    ["0 0 * * 5-7", ["cron(0 0 ? * 1,6,7 *)"]],
    ["0 0 * * 4-7", ["cron(0 0 ? * 1,5-7 *)"]],
    ["0 0 * * SAT,SUN", ["cron(0 0 ? * 1,7 *)"]],
    ["0 0 * * MON-FRI", ["cron(0 0 ? * 2-6 *)"]],
    ["0 0 * * MON-SUN", ["cron(0 0 * * ? *)"]],
    ["0 0 * JAN-MAR *", ["cron(0 0 * 1-3 ? *)"]],
    ["0 0 * jun,Dec *", ["cron(0 0 * 6,12 ? *)"]],
    // both day fields restricted: Unix ORs them, so two schedules
    ["0 0 1 * 1", ["cron(0 0 1 * ? *)", "cron(0 0 ? * 2 *)"]],
    ["30 7 15 * 0", ["cron(30 7 15 * ? *)", "cron(30 7 ? * 1 *)"]],
    ["0 0 */2 * MON", ["cron(0 0 1/2 * ? *)", "cron(0 0 ? * 2 *)"]],
    // ... unless one of them covers every day, or the day of month never occurs
    ["0 0 1-31 * 1", ["cron(0 0 * * ? *)"]],
    ["0 0 1 * 0-6", ["cron(0 0 * * ? *)"]],
    ["0 0 30 2 1", ["cron(0 0 ? 2 2 *)"]],
  ])("%s → %j", (expression, want) => {
    expect(toEventBridge(expression)).toEqual(want);
  });

  it("throws CronError for an invalid expression", () => {
    expect(() => toEventBridge("0 0 ? * MON")).toThrow(CronError);
  });
});
