import { describe, expect, it } from "vitest";
import { measured, smokeRun } from "./support/smoke.ts";

// Smoke only: the scripts keep working and print well-formed figures. No timing is asserted.
describe("bench scripts (smoke)", () => {
  it("memory: peak RSS and wall time of a no-op mirror for rclone, the engine and the CLI", async () => {
    const { figures, markdown } = await smokeRun("memory");
    for (const tool of ["rclone", "engine", "cli"]) {
      const figure = figures[tool] as { peak_rss_mb: number; wall_ms: number };
      expect(measured(figure.peak_rss_mb) && measured(figure.wall_ms), tool).toBe(true);
    }
    expect(figures.files).toBe(500);
    expect(markdown).toMatch(/<!-- bench:memory -->[\s\S]*\| syncron engine[\s\S]*<!-- \/bench:memory -->/);
  }, 120_000);

  it("reconcile: the second refresh of the same configs makes no mutating call, nor a fresh process's", async () => {
    const { figures, markdown } = await smokeRun("reconcile");
    const first = figures.first as { ms: number; mutating_calls: number; all_calls: number };
    const second = figures.second as { ms: number; mutating_calls: number; all_calls: number };
    expect(figures.configs).toBe(200);
    // Every config gets its schedules created; the DOM-OR-DOW ones get two.
    expect(first.mutating_calls).toBe(figures.schedules);
    expect(second.mutating_calls).toBe(0);
    expect(measured(first.ms) && measured(second.ms) && measured(second.all_calls)).toBe(true);
    expect(markdown).toContain("| second (nothing changed) |");
    // A fresh process (a cold start) trusts the records kept in the table: no read of any schedule.
    const fresh = figures.fresh as {
      mutating_calls: number;
      get_schedule_calls: number;
      dynamodb_requests: number;
    };
    expect(fresh).toMatchObject({ mutating_calls: 0, get_schedule_calls: 0 });
    expect(fresh.dynamodb_requests).toBeGreaterThan(0);
    expect(markdown).toContain("| third, fresh process (nothing changed) |");
  }, 120_000);

  it("api: requests per second and p50/p99 for task-status and POST /sync-configs on syncron dev", async () => {
    const { figures, markdown } = await smokeRun("api");
    for (const route of ["task_status", "create_config"]) {
      const f = figures[route] as { rps: number; p50_ms: number; p99_ms: number; requests: number };
      expect(measured(f.rps) && measured(f.requests), route).toBe(true);
      expect(f.p99_ms).toBeGreaterThanOrEqual(f.p50_ms);
    }
    expect(markdown).toContain("| POST /api/v1/sync-configs |");
  }, 120_000);

  it("coldstart: bundles both functions as SST does, with size and import time", async () => {
    const { figures, markdown } = await smokeRun("coldstart");
    const functions = figures.functions as {
      function: string;
      bytes: number;
      gzip_bytes: number;
      import_ms: number;
    }[];
    expect(functions.map((f) => f.function)).toEqual(["api", "worker"]);
    for (const f of functions) {
      expect(measured(f.bytes) && measured(f.import_ms), f.function).toBe(true);
      expect(f.gzip_bytes).toBeLessThan(f.bytes);
    }
    expect(markdown).toContain("| functions/worker.ts |");
    const startup = figures.cli_startup as { name: string; ms: number }[];
    expect(startup).toHaveLength(7);
    for (const s of startup) expect(measured(s.ms), s.name).toBe(true);
  }, 120_000);

  it("fanout: requests do not grow with the workers, and a failed partition means no delete", async () => {
    const { figures, markdown } = await smokeRun("fanout");
    const results = figures.results as {
      tree: string;
      split: string;
      phase: string;
      workers: number;
      requests: number;
    }[];
    expect(results.map((r) => r.workers)).toEqual(Array.from({ length: 10 }, () => [1, 4, 16]).flat());
    const groups = new Set(results.map((r) => `${r.tree} / ${r.split} / ${r.phase}`));
    expect(groups.size).toBe(10);
    for (const group of groups) {
      const requests = results
        .filter((r) => `${r.tree} / ${r.split} / ${r.phase}` === group)
        .map((r) => r.requests);
      // On simulated time the split points are the same whatever the number of workers (measured: the
      // same counts); a little room, since a smoke test must never fail on where one folder split.
      expect(Math.max(...requests) / Math.min(...requests), group).toBeLessThan(1.05);
    }
    const deletes = figures.deletes as { deleted: number; aborted: string }[];
    expect(deletes.map((d) => d.deleted)).toEqual([14, 0]);
    expect(deletes[1]?.aborted).toMatch(/did not succeed: nothing was deleted/);
    expect(markdown).toContain("| balanced | folders | first copy | 16 |");
    expect(markdown).toContain("| flat | folders + names | first copy | 16 |");
  }, 120_000);

  it("openlist: a same-server mirror streams no byte with server-side copy, every byte without", async () => {
    const { figures, markdown } = await smokeRun("openlist");
    const copied = figures.server_side as { ms: number; through_bytes: number };
    const streamed = figures.streamed as { ms: number; through_bytes: number };
    expect(copied.through_bytes).toBe(0);
    expect(streamed.through_bytes).toBe(2 * (figures.bytes as number));
    expect(measured(copied.ms) && measured(streamed.ms)).toBe(true);
    expect(markdown).toMatch(
      /<!-- bench:openlist -->[\s\S]*\| server-side copy[\s\S]*<!-- \/bench:openlist -->/,
    );
  }, 120_000);
});
