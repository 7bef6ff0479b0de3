/**
 * `npm run bench:coldstart`: each Lambda function bundled as SST v3 bundles it (bench/support/function-bundle.ts,
 * with infra's code splitting), the bytes a cold start loads, and the time a fresh Node process takes
 * to import it, alone and with each drive's code (the module-init part of a Lambda cold start).
 * Targets: ≤ 1 MB, ≤ 150 ms.
 * Flags: --scale smoke|full, --runs N, --out FILE, --json, --work-dir DIR.
 */
import { execFile } from "node:child_process";
import { rm } from "node:fs/promises";
import { loadavg } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { apiEnvironment } from "../lib/env.ts";
import { buildCli } from "../scripts/build-cli.ts";
import { benchArgs } from "./support/args.ts";
import { bundleFunction } from "./support/function-bundle.ts";
import { describeMachine, machineFacts } from "./support/machine.ts";
import { finish, table, writeSection } from "./support/report.ts";
import { median, round } from "./support/stats.ts";

const ROOT = resolve(import.meta.dirname, "..");
const FUNCTIONS = ["api", "worker"] as const;
const MAX_BYTES = 1_000_000;
const MAX_IMPORT_MS = 150;
/** What infra sets on the functions, from lib/env.ts itself (placeholders): the worker builds its clients at import. */
const LAMBDA_ENV = {
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: "bench",
  AWS_SECRET_ACCESS_KEY: "bench",
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  ...apiEnvironment({
    table: "syncron-bench",
    queueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/sync",
    queueArn: "arn:aws:sqs:us-east-1:123456789012:sync",
    dlqUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/dlq",
    scheduleBackend: "eventbridge-scheduler",
    scheduleGroup: "syncron-bench",
    schedulerRoleArn: "arn:aws:iam::123456789012:role/scheduler",
    scheduleDlqArn: "arn:aws:sqs:us-east-1:123456789012:schedule-dlq",
    apiAuth: "iam",
    reportsBucket: "syncron-bench-reports",
    drivesParameterPath: "/syncron/bench/drives",
  }),
};
const IMPORT_SCRIPT =
  "const t = performance.now(); const c = process.cpuUsage(); for (const url of process.argv.slice(1)) await import(url); const u = process.cpuUsage(c); console.log(JSON.stringify({ import_ms: performance.now() - t, cpu_ms: (u.user + u.system) / 1000 }));";

const args = benchArgs("coldstart");
const runs = args.scale === "full" ? Math.max(args.runs, 5) : args.runs;
const machine = machineFacts();
await rm(args.workDir, { recursive: true, force: true });

const run = promisify(execFile);
const results = [];
for (const name of FUNCTIONS) {
  const bundle = await bundleFunction(name, join(args.workDir, name));
  // Import the handler alone, then with each drive's code as a run that uses it loads it.
  const imports = [
    { label: "", files: [bundle.entry] },
    ...bundle.drives.map((d) => ({ label: ` + ${d.drive}`, files: [bundle.entry, d.entry] })),
  ];
  const timings = [];
  for (const { label, files } of imports) {
    const importMs: number[] = [];
    const cpuMs: number[] = [];
    const wallMs: number[] = [];
    for (let r = 0; r < runs; r++) {
      const started = performance.now();
      const { stdout } = await run(
        process.execPath,
        ["--input-type=module", "-e", IMPORT_SCRIPT, ...files.map((file) => pathToFileURL(file).href)],
        { env: { ...process.env, ...LAMBDA_ENV } },
      );
      wallMs.push(performance.now() - started);
      const measured = JSON.parse(stdout.trim().split("\n").pop()!);
      importMs.push(measured.import_ms);
      cpuMs.push(measured.cpu_ms);
    }
    timings.push({
      label,
      import_ms: round(median(importMs), 1),
      cpu_ms: round(median(cpuMs), 1),
      process_ms: round(median(wallMs)),
      samples_ms: importMs.map((ms) => round(ms, 1)),
    });
  }
  const figure = {
    function: name,
    bytes: bundle.coldStart.bytes,
    gzip_bytes: bundle.coldStart.gzipBytes,
    files: bundle.coldStart.files.length,
    all_bytes: bundle.all.bytes,
    all_files: bundle.all.files.length,
    import_ms: timings[0]!.import_ms,
    cpu_ms: timings[0]!.cpu_ms,
    process_ms: timings[0]!.process_ms,
    timings,
    drives: bundle.drives.map((d) => ({
      drive: d.drive,
      bytes: d.bytes,
      largest: d.packages.slice(0, 4).map((p) => ({ package: p.package, bytes: p.bytes })),
    })),
    largest: bundle.coldStart.packages.slice(0, 6).map((p) => ({ package: p.package, bytes: p.bytes })),
  };
  console.error(
    `[coldstart] ${name}: ${figure.bytes} bytes at a cold start (${figure.gzip_bytes} gzip), import ${timings[0]!.import_ms} ms`,
  );
  results.push(figure);
}

// The CLI's start-up, which every command pays and rclone (a Go binary) barely does: bin/syncron.js as
// `npm ci` leaves it (the esbuild bundle in dist/cli/), through npx, and on the sources through tsx.
const BIN = join(ROOT, "bin/syncron.js");
const CRON = ["cron", "0 9 * * 1-5", "--tz", "Asia/Shanghai", "--count", "3"];
const startups = [
  { name: "rclone --help (Go binary)", command: "rclone", argv: ["--help"] },
  { name: "node -e 0 (bare Node.js)", command: process.execPath, argv: ["-e", "0"] },
  { name: "syncron --version (bin/syncron.js, bundle)", command: process.execPath, argv: [BIN, "--version"] },
  { name: "syncron cron … (bundle)", command: process.execPath, argv: [BIN, ...CRON] },
  { name: "syncron sync --help (bundle)", command: process.execPath, argv: [BIN, "sync", "--help"] },
  { name: "npx syncron --version", command: "npx", argv: ["syncron", "--version"] },
  {
    name: "syncron --version (SYNCRON_SOURCES=1: tsx)",
    command: process.execPath,
    argv: [BIN, "--version"],
    env: { SYNCRON_SOURCES: "1" },
  },
];
const startup = [];
await buildCli();
for (const { name, command, argv, env } of startups) {
  const samples: number[] = [];
  for (let r = 0; r < runs; r++) {
    const started = performance.now();
    await run(command, argv, {
      cwd: ROOT,
      env: { ...process.env, ...LAMBDA_ENV, ...env },
      maxBuffer: 4 << 20,
    });
    samples.push(performance.now() - started);
  }
  startup.push({ name, ms: round(median(samples)), samples_ms: samples.map((ms) => round(ms)) });
  console.error(`[coldstart] ${name}: ${round(median(samples))} ms`);
}

const figures = {
  bench: "coldstart",
  scale: args.scale,
  runs,
  machine,
  load_after: loadavg().map((x) => round(x, 2)),
  max_bytes: MAX_BYTES,
  max_import_ms: MAX_IMPORT_MS,
  functions: results,
  cli_startup: startup,
};
const kb = (n: number) => `${round(n / 1000, 1)} kB`;
await writeSection(
  args.out,
  "coldstart",
  [
    "## Cold start: bundled functions",
    "",
    "Each function bundled as SST v3 bundles it for deploy (its `pkg/runtime/node/build.go`: esbuild, platform node, " +
      "format esm, target esnext, bundle, minify, keepNames, mainFields module/main, its createRequire banner; only " +
      "`sharp` and `pg-native` external, so the AWS SDK v3 is bundled, not taken from the runtime) with infra's " +
      "`nodejs: { splitting: true }` (infra/function-bundle.ts): each drive's client is a file of its own, imported " +
      "when a run opens such a drive. *at a cold start* is the handler's file and every file it imports statically; " +
      "*+ drive* is what opening that drive adds. *import* is `await import(handler)` (then the drive's file) timed " +
      `inside a fresh Node ${machine.node} process (the module-init part of a cold start; the worker builds its ` +
      `clients at import, the API on its first request); *import CPU* is the user + system time the import took, ` +
      `which a loaded machine inflates far less than the wall time. Targets: ≤ ${kb(MAX_BYTES)}, import ≤ ${MAX_IMPORT_MS} ms.`,
    "",
    table(
      [
        "function",
        "at a cold start",
        "gzip",
        "whole package",
        "import (ms)",
        "import CPU (ms)",
        "node process (ms)",
        "largest parts",
      ],
      results.map((f) => [
        `functions/${f.function}.ts`,
        `${kb(f.bytes)} (${f.files} files)`,
        kb(f.gzip_bytes),
        `${kb(f.all_bytes)} (${f.all_files} files)`,
        f.import_ms,
        f.cpu_ms,
        f.process_ms,
        f.largest.map((p) => `${p.package} ${kb(p.bytes)}`).join(", "),
      ]),
    ),
    "",
    table(
      [
        "function + drive",
        "bytes loaded",
        "drive adds",
        "import (ms)",
        "import CPU (ms)",
        "largest parts of the drive",
      ],
      results.flatMap((f) =>
        f.drives.map((d) => [
          `${f.function} + ${d.drive}`,
          kb(f.bytes + d.bytes),
          kb(d.bytes),
          f.timings.find((t) => t.label === ` + ${d.drive}`)?.import_ms ?? "",
          f.timings.find((t) => t.label === ` + ${d.drive}`)?.cpu_ms ?? "",
          d.largest.map((p) => `${p.package} ${kb(p.bytes)}`).join(", "),
        ]),
      ),
    ),
    "",
    `Medians of ${runs} imports each.`,
    "",
    "CLI start-up (every command pays it; the sync section's CLI column includes it). Target: `--version` and " +
      "`cron` ≤ 80 ms:",
    "",
    table(
      ["command", "wall (ms)"],
      startup.map((s) => [s.name, s.ms]),
    ),
    "",
    `Machine: ${describeMachine(machine, figures.load_after)}.`,
    "",
    "Reproduce: `npm run bench:coldstart`",
  ].join("\n"),
);
finish(args.json, figures, args.out);
