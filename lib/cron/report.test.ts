import { describe, expect, it } from "vitest";
import { cronReport, validateCron } from "./report.ts";

describe("validateCron", () => {
  it("says valid or gives the one-sentence error", () => {
    expect(validateCron("0 2 * * *")).toEqual({ valid: true });
    expect(validateCron("0 2 * * *", "Asia/Shanghai")).toEqual({ valid: true });
    expect(validateCron("0 25 * * *")).toEqual({ valid: false, error: "hour: 25 is out of range 0-23" });
    expect(validateCron("0 2 * * *", "Mars/Base")).toEqual({
      valid: false,
      error: 'timezone: "Mars/Base" is not a known IANA time zone',
    });
  });
});

describe("cronReport", () => {
  it("is the issue's JSON, byte for byte, with keys in order", () => {
    const report = cronReport("0 9,18 * * 1-5", {
      timezone: "Asia/Shanghai",
      from: new Date("2026-01-01T00:00:00Z"),
      count: 3,
    });
    expect(JSON.stringify(report)).toBe(
      '{"valid":true,"expression":"0 9,18 * * 1-5","timezone":"Asia/Shanghai","description":"At 09:00 AM and 06:00 PM, Monday through Friday","next_runs":["2026-01-01T01:00:00.000Z","2026-01-01T10:00:00.000Z","2026-01-02T01:00:00.000Z"],"eventbridge":["cron(0 9,18 ? * 2-6 *)"]}',
    );
  });

  it("defaults to UTC, English and 5 runs", () => {
    const report = cronReport("0 0 1 * 1", { from: new Date("2026-01-01T00:00:00Z") });
    expect(report).toEqual({
      valid: true,
      expression: "0 0 1 * 1",
      timezone: "UTC",
      description: "At 12:00 AM, on day 1 of the month, and on Monday",
      next_runs: [
        "2026-01-05T00:00:00.000Z",
        "2026-01-12T00:00:00.000Z",
        "2026-01-19T00:00:00.000Z",
        "2026-01-26T00:00:00.000Z",
        "2026-02-01T00:00:00.000Z",
      ],
      eventbridge: ["cron(0 0 1 * ? *)", "cron(0 0 ? * 2 *)"],
    });
  });

  it("describes in Chinese", () => {
    const report = cronReport("0 2 * * *", { locale: "zh-CN", count: 1 });
    expect(report.valid && report.description).toBe("在 02:00");
  });

  it("reports an invalid expression or zone as {valid, expression, error}", () => {
    expect(JSON.stringify(cronReport("* * *"))).toBe(
      '{"valid":false,"expression":"* * *","error":"expression: expected 5 fields (minute hour day-of-month month day-of-week) but got 3"}',
    );
    expect(cronReport("0 2 * * *", { timezone: "Mars/Base" })).toEqual({
      valid: false,
      expression: "0 2 * * *",
      error: 'timezone: "Mars/Base" is not a known IANA time zone',
    });
  });
});
