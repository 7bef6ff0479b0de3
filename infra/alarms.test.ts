import { describe, expect, it } from "vitest";
import { alarmSpecs } from "./alarms.ts";

describe("alarmSpecs", () => {
  it.each(["deadLetterQueueNotEmpty", "scheduleDeadLetterQueueNotEmpty"] as const)(
    "%s: alarms when the queue holds any message",
    (spec) => {
      expect(alarmSpecs()[spec]).toMatchObject({
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        statistic: "Maximum",
        threshold: 0,
        comparisonOperator: "GreaterThanThreshold",
      });
    },
  );

  it("deadLetterQueueReceived: alarms on any message the dead-letter consumer received", () => {
    expect(alarmSpecs().deadLetterQueueReceived).toMatchObject({
      namespace: "AWS/SQS",
      metricName: "NumberOfMessagesReceived",
      statistic: "Sum",
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
    });
  });

  it("alarms on any worker error", () => {
    expect(alarmSpecs().workerErrors).toMatchObject({
      namespace: "AWS/Lambda",
      metricName: "Errors",
      statistic: "Sum",
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
    });
  });
});
