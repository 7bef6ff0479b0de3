import { describe, expect, it } from "vitest";
import { CronError } from "./errors.ts";
import { parseCron, sorted } from "./parse.ts";

const range = (a: number, b: number, step = 1) =>
  Array.from({ length: Math.floor((b - a) / step) + 1 }, (_, i) => a + i * step);

describe("parseCron accepts the seed's examples", () => {
  it.each([
    ["0 2 * * *", { minutes: [0], hours: [2], dayRule: "every-day" }],
    ["*/30 * * * *", { minutes: [0, 30], hours: range(0, 23), dayRule: "every-day" }],
    ["0 9,18 * * 1-5", { minutes: [0], hours: [9, 18], daysOfWeek: [1, 2, 3, 4, 5], dayRule: "day-of-week" }],
    ["0 0 1 * *", { minutes: [0], hours: [0], daysOfMonth: [1], dayRule: "day-of-month" }],
    ["0 6 * * 0", { minutes: [0], hours: [6], daysOfWeek: [0], dayRule: "day-of-week" }],
    ["0 */2 * * *", { minutes: [0], hours: range(0, 22, 2), dayRule: "every-day" }],
  ] as const)("%s", (expression, want) => {
    const cron = parseCron(expression);
    expect(sorted(cron.minutes)).toEqual(want.minutes);
    expect(sorted(cron.hours)).toEqual(want.hours);
    expect(cron.dayRule).toBe(want.dayRule);
    if ("daysOfWeek" in want) expect(sorted(cron.daysOfWeek)).toEqual(want.daysOfWeek);
    if ("daysOfMonth" in want) expect(sorted(cron.daysOfMonth)).toEqual(want.daysOfMonth);
    expect(sorted(cron.months)).toEqual(range(1, 12));
  });
});

describe("parseCron syntax", () => {
  it.each([
    ["5/15 * * * *", "minutes", [5, 20, 35, 50]],
    ["10-30/10 * * * *", "minutes", [10, 20, 30]],
    ["0 0 * JAN-MAR/2 *", "months", [1, 3]],
    ["0 0 * jan,Dec *", "months", [1, 12]],
    ["0 0 * * 7", "daysOfWeek", [0]],
    ["0 0 * * 5-7", "daysOfWeek", [0, 5, 6]],
    ["0 0 * * MON-SUN", "daysOfWeek", range(0, 6)],
    ["0 0 * * SUN-SUN", "daysOfWeek", [0]],
    ["0 0 * * 0-7/2", "daysOfWeek", [0, 2, 4, 6]],
    ["0 0 * * wed,SAT", "daysOfWeek", [3, 6]],
    ["  0   0 * * *  ", "minutes", [0]],
  ] as const)("%s", (expression, field, want) => {
    expect(sorted(parseCron(expression)[field])).toEqual(want);
  });

  it("ORs day-of-month and day-of-week only when both are restricted", () => {
    expect(parseCron("0 0 1 * 1").dayRule).toBe("either");
    expect(parseCron("0 0 */2 * 1").dayRule).toBe("either");
    expect(parseCron("0 0 1-31 * 1").dayRule).toBe("every-day");
    expect(parseCron("0 0 1 * 0-7").dayRule).toBe("every-day");
    // Feb 30 never occurs, so only the Mondays of February remain.
    expect(parseCron("0 0 30 2 1").dayRule).toBe("day-of-week");
    expect(parseCron("0 0 29 2 *").dayRule).toBe("day-of-month");
  });

  it("refuses a value that is not a string", () => {
    expect(() => parseCron(5 as unknown as string)).toThrow(new CronError("expression: 5 is not a string"));
    expect(() => parseCron(null as unknown as string)).toThrow(
      new CronError("expression: null is not a string"),
    );
  });

  it("normalizes whitespace in the expression it keeps", () => {
    expect(parseCron(" 0\t2  * * * ").expression).toBe("0 2 * * *");
  });
});

describe("parseCron rejects with one sentence naming the field and the token", () => {
  const fields = "expected 5 fields (minute hour day-of-month month day-of-week) but got";
  it.each([
    ["", `expression: ${fields} 0`],
    ["   ", `expression: ${fields} 0`],
    ["* * *", `expression: ${fields} 3`],
    ["* * * *", `expression: ${fields} 4`],
    ["0 0 2 * * *", `expression: ${fields} 6 (seconds and years are not supported)`],
    ["0 0 2 * * * 2026", `expression: ${fields} 7`],
    ["@daily", 'expression: the macro "@daily" is not supported; write the 5 fields'],
    ["@reboot", 'expression: the macro "@reboot" is not supported; write the 5 fields'],
    ["0 25 * * *", "hour: 25 is out of range 0-23"],
    ["60 * * * *", "minute: 60 is out of range 0-59"],
    ["0 0 0 * *", "day-of-month: 0 is out of range 1-31"],
    ["0 0 32 * *", "day-of-month: 32 is out of range 1-31"],
    ["0 0 * 13 *", "month: 13 is out of range 1-12"],
    ["0 0 * * 8", "day-of-week: 8 is out of range 0-7"],
    ["0 0 L * *", 'day-of-month: "L" is not supported (only numbers, names, *, lists, ranges and steps are)'],
    [
      "0 0 15W * *",
      'day-of-month: "15W" is not supported (only numbers, names, *, lists, ranges and steps are)',
    ],
    [
      "0 0 * * 5L",
      'day-of-week: "5L" is not supported (only numbers, names, *, lists, ranges and steps are)',
    ],
    [
      "0 0 * * 1#2",
      'day-of-week: "1#2" is not supported (only numbers, names, *, lists, ranges and steps are)',
    ],
    ["0 0 ? * *", 'day-of-month: "?" is not supported (only numbers, names, *, lists, ranges and steps are)'],
    ["0 0 * * ?", 'day-of-week: "?" is not supported (only numbers, names, *, lists, ranges and steps are)'],
    ["H * * * *", 'minute: "H" is not supported (only numbers, names, *, lists, ranges and steps are)'],
    ["H/15 * * * *", 'minute: "H" is not supported (only numbers, names, *, lists, ranges and steps are)'],
    ["*/0 * * * *", 'minute: step 0 in "*/0" must be at least 1'],
    ["0 1-5/0 * * *", 'hour: step 0 in "1-5/0" must be at least 1'],
    ["5-2 * * * *", "minute: range 5-2 is reversed (its start is after its end)"],
    ["0 0 * DEC-JAN *", "month: range DEC-JAN is reversed (its start is after its end)"],
    ["0 0 * * 6-0", "day-of-week: range 6-0 is reversed (its start is after its end)"],
    ["0 0 30 2 *", "day-of-month: 30 never occurs in month 2"],
    ["0 0 31 4,6,9,11 *", "day-of-month: 31 never occurs in month 4,6,9,11"],
    ["0 0 30,31 FEB *", "day-of-month: 30,31 never occurs in month FEB"],
    ["0 0 * FOO *", 'month: "FOO" is not a number 1-12 or a name'],
    ["0 0 * * MONDAY", 'day-of-week: "MONDAY" is not a number 0-7 or a name'],
    ["0 JAN * * *", 'hour: "JAN" is not a number 0-23'],
    ["1,,2 * * * *", 'minute: "1,,2" has an empty list item'],
    ["1-2-3 * * * *", 'minute: "1-2-3" is not a value, range or step'],
    ["*/5/2 * * * *", 'minute: "*/5/2" is not a value, range or step'],
  ])("%j", (expression, message) => {
    expect(() => parseCron(expression)).toThrow(expect.objectContaining({ name: "CronError", message }));
    expect(() => parseCron(expression)).toThrow(CronError);
  });
});
