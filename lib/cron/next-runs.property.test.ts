import { CronExpressionParser } from "cron-parser";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cronExpression } from "../../test/support/cron/arbitraries.ts";
import { propertyTimeout, runs } from "../../test/support/properties.ts";
import { nextRuns } from "./next-runs.ts";

/** cron-parser 5 on the original text, where it accepts it: an independent oracle for the calendar logic. */
function cronParserRuns(expression: string, from: Date, count: number): number[] | undefined {
  try {
    const iterator = CronExpressionParser.parse(expression, { tz: "UTC", currentDate: from });
    return Array.from({ length: count }, () => iterator.next().getTime());
  } catch {
    return undefined; // cron-parser refuses some valid seed syntax (e.g. MON-SUN, Feb 30 OR Mondays)
  }
}

describe("nextRuns agrees with cron-parser where no daylight saving is involved", () => {
  it("UTC, 30 runs from a random instant", { timeout: propertyTimeout(120_000) }, () => {
    let compared = 0;
    fc.assert(
      fc.property(
        cronExpression,
        fc.date({
          min: new Date("2025-01-01T00:00:00Z"),
          max: new Date("2030-12-31T00:00:00Z"),
          noInvalidDate: true,
        }),
        (cron, from) => {
          const expected = cronParserRuns(cron, from, 30);
          fc.pre(expected !== undefined);
          compared++;
          expect(nextRuns(cron, { from, count: 30 }).map((d) => d.getTime())).toEqual(expected);
        },
      ),
      { numRuns: runs(100) },
    );
    expect(compared).toBeGreaterThan(50);
  });
});
