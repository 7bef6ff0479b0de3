import { describe, expect, it } from "vitest";
import { runMetrics } from "./run-metrics.ts";

describe("runMetrics", () => {
  it("counts a skipped run without sync figures", () => {
    expect(runMetrics({ config_id: "c", task_id: "t", status: "SKIPPED" })).toEqual([
      { name: "runs", unit: "Count", value: 1 },
      { name: "run_failures", unit: "Count", value: 0 },
      { name: "runs_skipped", unit: "Count", value: 1 },
      { name: "runs_cancelled", unit: "Count", value: 0 },
    ]);
  });

  it("counts a cancelled run apart from failures", () => {
    expect(runMetrics({ config_id: "c", task_id: "t", status: "CANCELLED" }).slice(0, 4)).toEqual([
      { name: "runs", unit: "Count", value: 1 },
      { name: "run_failures", unit: "Count", value: 0 },
      { name: "runs_skipped", unit: "Count", value: 0 },
      { name: "runs_cancelled", unit: "Count", value: 1 },
    ]);
  });

  it("adds files, bytes and duration of a failed sync", () => {
    const result = {
      status: "FAILURE" as const,
      copied: 3,
      updated: 2,
      deleted: 1,
      skipped: 9,
      failed: 1,
      bytes_transferred: 2048,
      files_checked: 15,
      duration_ms: 750,
      errors: [],
      retryable: false,
    };
    expect(runMetrics({ config_id: "c", task_id: "t", status: "FAILURE", result })).toEqual([
      { name: "runs", unit: "Count", value: 1 },
      { name: "run_failures", unit: "Count", value: 1 },
      { name: "runs_skipped", unit: "Count", value: 0 },
      { name: "runs_cancelled", unit: "Count", value: 0 },
      { name: "files_transferred", unit: "Count", value: 5 },
      { name: "files_failed", unit: "Count", value: 1 },
      { name: "bytes_transferred", unit: "Bytes", value: 2048 },
      { name: "run_duration", unit: "Milliseconds", value: 750 },
    ]);
  });
});
