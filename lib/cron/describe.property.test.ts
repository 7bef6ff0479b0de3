import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cronExpression } from "../../test/support/cron/arbitraries.ts";
import { runs } from "../../test/support/properties.ts";
import { describeCron } from "./describe.ts";

describe("describeCron", () => {
  it("describes every valid expression in both languages", () => {
    fc.assert(
      fc.property(cronExpression, (cron) => {
        expect(describeCron(cron, "en")).toMatch(/\w/);
        expect(describeCron(cron, "zh-CN")).toMatch(/\S/);
      }),
      { numRuns: runs(300) },
    );
  });
});
