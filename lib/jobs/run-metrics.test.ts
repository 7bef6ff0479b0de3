import { describe, expect, it } from "vitest";
import { runMetrics } from "./run-metrics.ts";

describe("runMetrics", () => {
  it("counts a preview (a dry run of an unsaved config) as a preview only, not as a run", () => {
    const result = {
      status: "SUCCESS" as const,
      copied: 3,
      updated: 0,
      deleted: 0,
      skipped: 0,
      failed: 0,
      bytes_transferred: 0,
      files_checked: 3,
      duration_ms: 5,
      errors: [],
      retryable: false,
    };
    expect(
      runMetrics({ config_id: "preview-t", task_id: "t", trigger: "preview", status: "SUCCESS", result }),
    ).toEqual([{ name: "previews", unit: "Count", value: 1 }]);
  });

  it("counts a skipped run without sync figures", () => {
    expect(runMetrics({ config_id: "c", task_id: "t", trigger: "schedule", status: "SKIPPED" })).toEqual([
      { name: "runs", unit: "Count", value: 1 },
      { name: "run_failures", unit: "Count", value: 0 },
      { name: "runs_skipped", unit: "Count", value: 1 },
      { name: "runs_cancelled", unit: "Count", value: 0 },
    ]);
  });

  it("counts a cancelled run apart from failures", () => {
    expect(
      runMetrics({ config_id: "c", task_id: "t", trigger: "schedule", status: "CANCELLED" }).slice(0, 4),
    ).toEqual([
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
    expect(
      runMetrics({ config_id: "c", task_id: "t", trigger: "schedule", status: "FAILURE", result }),
    ).toEqual([
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
