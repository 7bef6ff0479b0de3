/**
 * `npm run bench:memory`: peak RSS of a no-op mirror of 200,000 files (local to local, target already
 * equal), for the engine in process, the syncron CLI and rclone sync. Target: syncron ≤ 200 MB.
 * Flags: --scale smoke|full, --runs N, --out FILE, --json, --work-dir DIR, --files N.
 */
import { loadavg } from "node:os";
import { join, resolve } from "node:path";
import { benchArgs } from "./support/args.ts";
import { describeMachine, machineFacts } from "./support/machine.ts";
import { type Measured, measure } from "./support/measure.ts";
import { prepareRclone } from "./support/rclone.ts";
import { finish, seconds, table, writeSection } from "./support/report.ts";
import { median, round } from "./support/stats.ts";
import { makeTree, type TreeSpec } from "./support/tree.ts";

const ROOT = resolve(import.meta.dirname, "..");
const TARGET_MB = 200;
const args = benchArgs("memory", ["files"]);
const spec: TreeSpec = {
  files: args.numbers.files ?? (args.scale === "full" ? 200_000 : 500),
  minSize: 16,
  maxSize: 256,
  seed: 3,
};
const machine = machineFacts();
const config = await prepareRclone(args.workDir);
const source = join(args.workDir, "source");
const target = join(args.workDir, "target");
console.error(`[memory] generating ${spec.files} files twice under ${args.workDir} (reused when present)`);
await makeTree(source, spec);
await makeTree(target, spec);

const commands = {
  rclone: ["rclone", ["sync", source, target, "--config", config]],
  engine: [process.execPath, ["--import", "tsx", join(ROOT, "bench/run-engine.ts"), source, target]],
  cli: [
    process.execPath,
    [join(ROOT, "bin/syncron.js"), "sync", source, target, "--mode", "mirror", "--json"],
  ],
} as const;
type Name = keyof typeof commands;
const samples: Record<Name, Measured[]> = { rclone: [], engine: [], cli: [] };
for (let r = 0; r < args.runs; r++) {
  for (const name of Object.keys(commands) as Name[]) {
    const [command, argv] = commands[name];
    const m = await measure(command, argv, { cwd: ROOT });
    if (name !== "rclone") {
      const result = JSON.parse(m.stdout.trim().split("\n").pop() ?? "{}");
      if (result.status !== "SUCCESS" || result.copied + result.updated + result.deleted !== 0)
        throw new Error(`${name}: the no-op mirror did something: ${m.stdout}`);
    }
    samples[name].push(m);
    console.error(
      `[memory] ${name.padEnd(6)} ${(m.wall_ms / 1000).toFixed(2)} s, ${m.peak_rss_mb.toFixed(0)} MiB`,
    );
  }
}
const figure = (name: Name) => ({
  peak_rss_mb: round(median(samples[name].map((m) => m.peak_rss_mb)), 1),
  wall_ms: round(median(samples[name].map((m) => m.wall_ms))),
});
const figures = {
  bench: "memory",
  scale: args.scale,
  runs: args.runs,
  files: spec.files,
  machine,
  load_after: loadavg().map((x) => round(x, 2)),
  target_mb: TARGET_MB,
  rclone: figure("rclone"),
  engine: figure("engine"),
  cli: figure("cli"),
};
const mb = (mib: number) => round((mib * 2 ** 20) / 1e6, 1);
await writeSection(
  args.out,
  "memory",
  [
    `## Memory: no-op mirror of ${spec.files.toLocaleString("en")} files`,
    "",
    `Local to local, the target already equal to the source (${spec.files.toLocaleString("en")} files of 16–256 bytes, ~100 per folder). ` +
      `Target: syncron's peak RSS ≤ ${TARGET_MB} MB.`,
    "",
    table(
      ["tool", "peak RSS (MiB)", "peak RSS (MB)", "wall (s)"],
      (["rclone", "engine", "cli"] as const).map((name) => [
        name === "rclone"
          ? "rclone sync"
          : name === "engine"
            ? "syncron engine (bench/run-engine.ts)"
            : "syncron CLI (sync --mode mirror)",
        figures[name].peak_rss_mb,
        mb(figures[name].peak_rss_mb),
        seconds(figures[name].wall_ms),
      ]),
    ),
    "",
    `Medians of ${args.runs} run(s). Both syncron figures include Node.js and tsx (the TypeScript loader), ` +
      "about 95 MiB before any file is listed (see the smallest case in the sync section).",
    "",
    `Machine: ${describeMachine(machine, figures.load_after)}.`,
    "",
    "Reproduce: `npm run bench:memory`",
  ].join("\n"),
);
finish(args.json, figures, args.out);
