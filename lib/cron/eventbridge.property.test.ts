import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cronExpression } from "../../test/support/cron/arbitraries.ts";
import { evaluateEventBridge } from "../../test/support/cron/eventbridge-evaluator.ts";
import { propertyTimeout, runs } from "../../test/support/properties.ts";
import { toEventBridge } from "./eventbridge.ts";
import { nextRuns } from "./next-runs.ts";

const ZONES = [
  "UTC",
  "America/New_York",
  "Europe/Berlin",
  "Australia/Sydney",
  "Asia/Shanghai",
  "Australia/Lord_Howe",
];
const YEAR = 366 * 86_400_000;

describe("toEventBridge fires exactly when nextRuns does", () => {
  it("over a year from a random instant, in UTC and zones with daylight saving", {
    timeout: propertyTimeout(120_000),
  }, () => {
    fc.assert(
      fc.property(
        cronExpression,
        fc.constantFrom(...ZONES),
        fc.date({
          min: new Date("2025-01-01T00:00:00Z"),
          max: new Date("2028-12-31T00:00:00Z"),
          noInvalidDate: true,
        }),
        (cron, timezone, from) => {
          const until = new Date(from.getTime() + YEAR);
          const expected = evaluateEventBridge(toEventBridge(cron), timezone, from, until);
          // One run more than EventBridge gives: it must fall after the window (or not exist).
          const fired = nextRuns(cron, { timezone, from, count: expected.length + 1 }).map((d) =>
            d.getTime(),
          );
          expect(fired.slice(0, expected.length)).toEqual(expected);
          expect(fired[expected.length] ?? Number.POSITIVE_INFINITY).toBeGreaterThan(until.getTime());
        },
      ),
      { numRuns: runs(100) },
    );
  });
});
