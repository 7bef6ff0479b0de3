/**
 * `npm run bench:coldstart`: each Lambda function bundled as SST v3 bundles it (esbuild: platform node,
 * format esm, bundle, minify, keepNames, mainFields module/main, SST's createRequire banner, only
 * `sharp` and `pg-native` external, so the AWS SDK is inside), its size, and the time a fresh Node
 * process takes to import it (the module-init part of a Lambda cold start). Targets: ≤ 1 MB, ≤ 150 ms.
 * Flags: --scale smoke|full, --runs N, --out FILE, --json, --work-dir DIR.
 */
import { execFile } from "node:child_process";
import { readFile, rm, stat } from "node:fs/promises";
import { loadavg } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { apiEnvironment } from "../lib/env.ts";
import { buildCli } from "../scripts/build-cli.ts";
import { benchArgs } from "./support/args.ts";
import { describeMachine, machineFacts } from "./support/machine.ts";
import { finish, table, writeSection } from "./support/report.ts";
import { median, round } from "./support/stats.ts";

const ROOT = resolve(import.meta.dirname, "..");
const FUNCTIONS = ["api", "worker"] as const;
const MAX_BYTES = 1_000_000;
const MAX_IMPORT_MS = 150;
/** SST v3's banner (pkg/runtime/node/build.go): CommonJS helpers for bundled packages that need them. */
const SST_BANNER = [
  `import { createRequire as topLevelCreateRequire } from 'module';`,
  "const require = topLevelCreateRequire(import.meta.url);",
  `import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from "url"`,
  "const __filename = topLevelFileUrlToPath(import.meta.url)",
  `const __dirname = topLevelFileUrlToPath(new topLevelURL(".", import.meta.url))`,
].join("\n");
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
  "const t = performance.now(); await import(process.argv[1]); console.log(JSON.stringify({ import_ms: performance.now() - t }));";

const args = benchArgs("coldstart");
const runs = args.scale === "full" ? Math.max(args.runs, 5) : args.runs;
const machine = machineFacts();
await rm(args.workDir, { recursive: true, force: true });

const run = promisify(execFile);
const results = [];
for (const name of FUNCTIONS) {
  const outfile = join(args.workDir, name, `${name}.mjs`);
  const built = await build({
    entryPoints: [join(ROOT, "functions", `${name}.ts`)],
    outfile,
    platform: "node",
    format: "esm",
    target: "esnext",
    bundle: true,
    minify: true,
    keepNames: true,
    mainFields: ["module", "main"],
    external: ["sharp", "pg-native"],
    banner: { js: SST_BANNER },
    metafile: true,
    logLevel: "error",
  });
  const bytes = (await stat(outfile)).size;
  const gzip = gzipSync(await readFile(outfile)).length;
  // The largest packages inside, to say where the bytes go.
  const byPackage = new Map<string, number>();
  for (const [input, info] of Object.entries(
    built.metafile.outputs[Object.keys(built.metafile.outputs)[0]!]!.inputs,
  )) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
    const key = match ? match[1]! : "syncron (lib, functions, infra)";
    byPackage.set(key, (byPackage.get(key) ?? 0) + info.bytesInOutput);
  }
  const top = [...byPackage.entries()].sort((a, b) => b[1] - a[1]).slice(0, 6);
  const importMs: number[] = [];
  const wallMs: number[] = [];
  for (let r = 0; r < runs; r++) {
    const started = performance.now();
    const { stdout } = await run(
      process.execPath,
      ["--input-type=module", "-e", IMPORT_SCRIPT, pathToFileURL(outfile).href],
      { env: { ...process.env, ...LAMBDA_ENV } },
    );
    wallMs.push(performance.now() - started);
    importMs.push(JSON.parse(stdout.trim().split("\n").pop()!).import_ms);
  }
  const figure = {
    function: name,
    bytes,
    gzip_bytes: gzip,
    import_ms: round(median(importMs), 1),
    process_ms: round(median(wallMs)),
    samples_ms: importMs.map((ms) => round(ms, 1)),
    largest: top.map(([pkg, size]) => ({ package: pkg, bytes: size })),
  };
  console.error(`[coldstart] ${name}: ${bytes} bytes (${gzip} gzip), import ${figure.import_ms} ms`);
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
      "`sharp` and `pg-native` external, so the AWS SDK v3 is bundled, not taken from the runtime). *import* is " +
      `\`await import(bundle)\` timed inside a fresh Node ${machine.node} process (the module-init part of a cold start; ` +
      `the worker builds its clients at import, the API on its first request). Targets: ≤ ${kb(MAX_BYTES)}, import ≤ ${MAX_IMPORT_MS} ms.`,
    "",
    table(
      ["function", "bundle", "gzip", "import (ms)", "node process (ms)", "largest parts"],
      results.map((f) => [
        `functions/${f.function}.ts`,
        kb(f.bytes),
        kb(f.gzip_bytes),
        f.import_ms,
        f.process_ms,
        f.largest.map((p) => `${p.package} ${kb(p.bytes)}`).join(", "),
      ]),
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
