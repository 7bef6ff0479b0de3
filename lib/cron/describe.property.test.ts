import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { describeCron } from "./describe.ts";
import { cronExpression } from "./testing/arbitraries.ts";

describe("describeCron", () => {
  it("describes every valid expression in both languages", () => {
    fc.assert(
      fc.property(cronExpression, (cron) => {
        expect(describeCron(cron, "en")).toMatch(/\w/);
        expect(describeCron(cron, "zh-CN")).toMatch(/\S/);
      }),
      { numRuns: 300 },
    );
  });
});
