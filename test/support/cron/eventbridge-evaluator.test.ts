import { describe, expect, it } from "vitest";
import { evaluateEventBridge, parseEventBridge } from "./eventbridge-evaluator.ts";

const iso = (instants: number[]) => instants.map((t) => new Date(t).toISOString());
const evaluate = (expressions: string[], timezone: string, from: string, until: string) =>
  iso(evaluateEventBridge(expressions, timezone, new Date(from), new Date(until)));

// The oracle of the property test must itself be right: checked here against AWS's documented examples.
describe("the test-only EventBridge evaluator", () => {
  it("reads AWS's reference examples", () => {
    // cron(0 10 * * ? *): 10:00 every day
    expect(evaluate(["cron(0 10 * * ? *)"], "UTC", "2026-01-01T00:00:00Z", "2026-01-03T00:00:00Z")).toEqual([
      "2026-01-01T10:00:00.000Z",
      "2026-01-02T10:00:00.000Z",
    ]);
    // cron(0/15 * * * ? *) = every 15 minutes; cron(0 18 ? * MON-FRI *) in numbers: 2-6
    expect(evaluate(["cron(0/15 * * * ? *)"], "UTC", "2026-01-01T00:00:00Z", "2026-01-01T00:45:00Z")).toEqual(
      ["2026-01-01T00:15:00.000Z", "2026-01-01T00:30:00.000Z", "2026-01-01T00:45:00.000Z"],
    );
    // 2026-01-02 is a Friday (6), 2026-01-03 a Saturday (7), 2026-01-04 a Sunday (1)
    expect(evaluate(["cron(0 18 ? * 2-6 *)"], "UTC", "2026-01-02T00:00:00Z", "2026-01-06T00:00:00Z")).toEqual(
      ["2026-01-02T18:00:00.000Z", "2026-01-05T18:00:00.000Z"],
    );
    expect(evaluate(["cron(0 0 ? * 1 *)"], "UTC", "2026-01-01T00:00:00Z", "2026-01-10T00:00:00Z")).toEqual([
      "2026-01-04T00:00:00.000Z",
    ]);
  });

  it("unions two schedules and counts a shared instant once", () => {
    // 2026-06-01 is a Monday and the 1st.
    expect(
      evaluate(
        ["cron(0 0 1 * ? *)", "cron(0 0 ? * 2 *)"],
        "UTC",
        "2026-05-31T00:00:00Z",
        "2026-06-09T00:00:00Z",
      ),
    ).toEqual(["2026-06-01T00:00:00.000Z", "2026-06-08T00:00:00.000Z"]);
  });

  it("skips a time spring-forward removes and fires a repeated time once", () => {
    const ny = "America/New_York";
    expect(evaluate(["cron(30 2 * * ? *)"], ny, "2026-03-07T12:00:00Z", "2026-03-09T12:00:00Z")).toEqual([
      "2026-03-09T06:30:00.000Z",
    ]);
    expect(evaluate(["cron(30 1 * * ? *)"], ny, "2026-11-01T00:00:00Z", "2026-11-01T12:00:00Z")).toEqual([
      "2026-11-01T05:30:00.000Z",
    ]);
  });

  it("refuses what AWS refuses", () => {
    expect(() => parseEventBridge("cron(0 0 * * * *)")).toThrow(/exactly one day field/);
    expect(() => parseEventBridge("cron(0 0 ? * ? *)")).toThrow(/exactly one day field/);
    expect(() => parseEventBridge("cron(0 0 ? * 1/2 *)")).toThrow(/not allowed/);
    expect(() => parseEventBridge("cron(0 0 ? * 0 *)")).toThrow(/out of 1-7/);
    expect(() => parseEventBridge("cron(0 0 * * ?)")).toThrow(/6-field/);
  });
});
