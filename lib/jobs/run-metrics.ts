import type { FinishedRun } from "./run-sync-job/types.ts";

/** One run's figures as CloudWatch metrics: name, unit and value. Pure, so the worker's EMF output is testable. */
export interface RunMetric {
  readonly name:
    | "previews"
    | "runs"
    | "run_failures"
    | "runs_skipped"
    | "runs_cancelled"
    | "files_transferred"
    | "files_failed"
    | "bytes_transferred"
    | "run_duration";
  readonly unit: "Count" | "Bytes" | "Milliseconds";
  readonly value: number;
}

/**
 * The metrics of one finished run (runs, failures, files, bytes, duration). A preview (a dry run of
 * a config not saved) is no config's run: it counts as one `previews` and in nothing else.
 */
export function runMetrics(run: FinishedRun): RunMetric[] {
  if (run.trigger === "preview") return [{ name: "previews", unit: "Count", value: 1 }];
  const metrics: RunMetric[] = [
    { name: "runs", unit: "Count", value: 1 },
    { name: "run_failures", unit: "Count", value: run.status === "FAILURE" ? 1 : 0 },
    { name: "runs_skipped", unit: "Count", value: run.status === "SKIPPED" ? 1 : 0 },
    { name: "runs_cancelled", unit: "Count", value: run.status === "CANCELLED" ? 1 : 0 },
  ];
  const result = run.result;
  if (result) {
    metrics.push(
      { name: "files_transferred", unit: "Count", value: result.copied + result.updated },
      { name: "files_failed", unit: "Count", value: result.failed },
      { name: "bytes_transferred", unit: "Bytes", value: result.bytes_transferred },
      { name: "run_duration", unit: "Milliseconds", value: result.duration_ms },
    );
  }
  return metrics;
}
