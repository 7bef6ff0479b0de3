import { describeMachine } from "./machine.ts";
import { seconds, table } from "./report.ts";
import type { SyncFigures } from "./sync-suite.ts";

/** The BENCHMARKS.md section for a sync suite run. */
export function syncMarkdown(f: SyncFigures, command: string, heading: string, setup: string): string {
  const rows = f.cases.map((c) => [
    `(${c.id}) ${c.title}`,
    seconds(c.rclone.wall_ms),
    seconds(c.engine.engine_ms),
    c.ratio_engine,
    seconds(c.cli.wall_ms),
    c.ratio_cli,
    `${seconds(c.rclone.cpu_ms)} / ${seconds(c.engine.cpu_ms)} / ${seconds(c.cli.cpu_ms)}`,
    `${c.rclone.peak_rss_mb} / ${c.engine.peak_rss_mb} / ${c.cli.peak_rss_mb}`,
  ]);
  return [
    `## ${heading}`,
    "",
    setup,
    "",
    table(
      [
        "case",
        "rclone sync (s)",
        "syncron engine (s)",
        "engine ÷ rclone",
        "syncron CLI (s)",
        "CLI ÷ rclone",
        "CPU s: rclone / engine / CLI",
        "peak RSS MiB: rclone / engine / CLI",
      ],
      rows,
    ),
    "",
    `Medians of ${f.runs} run(s)${f.copy_runs < f.runs ? ` (case (a): ${f.copy_runs})` : ""}, scale \`${f.scale}\`. *rclone sync* and *syncron CLI* are whole-process wall times ` +
      "(spawn to exit, what a user waits for); *syncron engine* is the `syncDrives` call alone inside its process " +
      "(no Node/tsx start-up, which the CLI figure includes). CPU is user + system time of each whole process, engine included start-up (GNU time `%U %S`); " +
      "peak RSS is the process's max resident set (`%M`). " +
      "Dirty pages are flushed (`sync`) before every run, and the order of the tools rotates from run to run.",
    "",
    `Machine: ${describeMachine(f.machine, f.load_after)}.`,
    "",
    `Reproduce: \`${command}\``,
  ].join("\n");
}
