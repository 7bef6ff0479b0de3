/**
 * `npm run bench:api`: requests per second and p50/p99 latency of `GET /api/v1/task/scheduler/task-status`
 * and `POST /api/v1/sync-configs` on `syncron dev` (its own process, fresh data dir, local scheduler,
 * dynalite and fauxqs in process) under autocannon, 10 connections.
 * Flags: --scale smoke|full, --runs N, --out FILE, --json, --work-dir DIR, --seconds N, --seed-configs N.
 */
import { spawn } from "node:child_process";
import { readFile, rm } from "node:fs/promises";
import { loadavg } from "node:os";
import { join, resolve } from "node:path";
import autocannon, { type Result } from "autocannon";
import { benchArgs } from "./support/args.ts";
import { describeMachine, machineFacts } from "./support/machine.ts";
import { finish, table, writeSection } from "./support/report.ts";
import { median, round } from "./support/stats.ts";

const ROOT = resolve(import.meta.dirname, "..");
const CONNECTIONS = 10;
const args = benchArgs("api", ["seconds", "seed-configs"]);
const full = args.scale === "full";
const duration = args.numbers.seconds ?? (full ? 10 : 1);
const seedConfigs = args.numbers["seed-configs"] ?? (full ? 100 : 5);
const machine = machineFacts();

/** Starts `syncron dev --port 0` and resolves with its base URL once it prints it. */
async function startDev(dataDir: string) {
  await rm(dataDir, { recursive: true, force: true });
  const child = spawn(
    process.execPath,
    [join(ROOT, "bin/syncron.js"), "dev", "--port", "0", "--data-dir", dataDir],
    {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      // The configs name folders under /tmp, outside the dev stack's default root (the folder it runs in).
      env: {
        ...process.env,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
        SYNCRON_LOCAL_ROOTS: "/tmp",
      },
    },
  );
  let output = "";
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`syncron dev did not start in 90 s: ${output}`)), 90_000);
    const onData = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4000);
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]!);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => reject(new Error(`syncron dev exited with ${code}: ${output}`)));
  });
  child.stdout.resume();
  child.stderr.resume();
  const stop = () =>
    new Promise<void>((done) => {
      if (child.exitCode !== null) return done();
      child.once("exit", () => done());
      child.kill("SIGTERM");
    });
  return { url, stop, pid: child.pid! };
}

/**
 * CPU seconds (user + system) a process has used so far, from /proc (Linux; clock ticks of 1/100 s):
 * what the server spends per request, which a loaded machine inflates far less than latency.
 */
async function cpuSecondsOf(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const configBody = (name: string) =>
  JSON.stringify({
    name,
    source: "/tmp/bench-src",
    target: "/tmp/bench-dst",
    cron: "0 2 * * *",
    timezone: "UTC",
  });

async function post(url: string, name: string): Promise<void> {
  const response = await fetch(`${url}/api/v1/sync-configs`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: configBody(name),
  });
  if (response.status !== 201)
    throw new Error(`POST /sync-configs: ${response.status} ${await response.text()}`);
}

interface Figures {
  /** Server CPU per request (ms). */
  cpu_ms: number;
  rps: number;
  p50_ms: number;
  p99_ms: number;
  requests: number;
  non2xx: number;
  errors: number;
}

const summarize = (result: Result, cpuSeconds: number): Figures => ({
  cpu_ms: (cpuSeconds * 1000) / Math.max(1, result.requests.total),
  rps: result.requests.average,
  p50_ms: result.latency.p50,
  p99_ms: result.latency.p99,
  requests: result.requests.total,
  non2xx: result.non2xx,
  errors: result.errors + result.timeouts,
});

let sequence = 0;
const samples: { status: Figures[]; create: Figures[] } = { status: [], create: [] };
for (let r = 0; r < args.runs; r++) {
  const dev = await startDev(join(args.workDir, `data-${r}`));
  try {
    for (let i = 0; i < seedConfigs; i++) await post(dev.url, `seed ${r}-${i}`);
    const statusUrl = `${dev.url}/api/v1/task/scheduler/task-status?limit=100`; // one page (the route pages by schedule name)
    if (full) await autocannon({ url: statusUrl, connections: CONNECTIONS, duration: 1 }); // warm-up
    let cpuBefore = await cpuSecondsOf(dev.pid);
    const statusRun = await autocannon({ url: statusUrl, connections: CONNECTIONS, duration });
    const status = summarize(statusRun, (await cpuSecondsOf(dev.pid)) - cpuBefore);
    cpuBefore = await cpuSecondsOf(dev.pid);
    const createRun = await autocannon({
      url: dev.url,
      connections: CONNECTIONS,
      duration,
      requests: [
        {
          method: "POST",
          path: "/api/v1/sync-configs",
          headers: { "content-type": "application/json" },
          setupRequest: (request) => ({ ...request, body: configBody(`bench ${r}-${++sequence}`) }),
        },
      ],
    });
    const create = summarize(createRun, (await cpuSecondsOf(dev.pid)) - cpuBefore);
    for (const [name, f] of [
      ["status", status],
      ["create", create],
    ] as const) {
      if (f.requests === 0 || f.non2xx > 0 || f.errors > 0)
        throw new Error(`${name}: ${f.requests} requests, ${f.non2xx} non-2xx, ${f.errors} errors`);
      samples[name].push(f);
    }
    console.error(
      `[api] task-status ${status.rps.toFixed(0)} rps p50 ${status.p50_ms} ms p99 ${status.p99_ms} ms ` +
        `CPU ${status.cpu_ms.toFixed(1)} ms/request; POST ${create.rps.toFixed(0)} rps p50 ${create.p50_ms} ms ` +
        `p99 ${create.p99_ms} ms CPU ${create.cpu_ms.toFixed(1)} ms/request`,
    );
  } finally {
    await dev.stop();
  }
}
const med = (list: Figures[]) => ({
  cpu_ms: round(median(list.map((f) => f.cpu_ms)), 2),
  rps: round(median(list.map((f) => f.rps))),
  p50_ms: round(median(list.map((f) => f.p50_ms)), 1),
  p99_ms: round(median(list.map((f) => f.p99_ms)), 1),
  requests: list.reduce((sum, f) => sum + f.requests, 0),
});
const figures = {
  bench: "api",
  scale: args.scale,
  runs: args.runs,
  connections: CONNECTIONS,
  duration_s: duration,
  seed_configs: seedConfigs,
  machine,
  load_after: loadavg().map((x) => round(x, 2)),
  task_status: med(samples.status),
  create_config: med(samples.create),
};
await writeSection(
  args.out,
  "api",
  [
    "## HTTP API on `syncron dev`",
    "",
    `autocannon, ${CONNECTIONS} connections, ${duration} s per route after a 1 s warm-up, against \`syncron dev --port 0\` ` +
      `(its own process: API handler, local scheduler, dynalite and fauxqs in process) holding ${seedConfigs} configs to start with. ` +
      "The POST run creates a new config per request (unique names), each one also scheduled.",
    "",
    table(
      ["route", "requests/s", "p50 (ms)", "p99 (ms)", "server CPU per request (ms)", "requests"],
      [
        [
          "GET /api/v1/task/scheduler/task-status?limit=100",
          figures.task_status.rps,
          figures.task_status.p50_ms,
          figures.task_status.p99_ms,
          figures.task_status.cpu_ms,
          figures.task_status.requests,
        ],
        [
          "POST /api/v1/sync-configs",
          figures.create_config.rps,
          figures.create_config.p50_ms,
          figures.create_config.p99_ms,
          figures.create_config.cpu_ms,
          figures.create_config.requests,
        ],
      ],
    ),
    "",
    `Medians of ${args.runs} run(s); autocannon and the server share the machine's ${machine.nproc} cores. ` +
      "*Server CPU per request* is the dev process's user + system time over the run (/proc) divided by the " +
      `requests: with ${CONNECTIONS} connections on ${machine.nproc} cores, a quiet machine's p99 is at most about ` +
      `${CONNECTIONS} ÷ ${machine.nproc} × that.`,
    "",
    `Machine: ${describeMachine(machine, figures.load_after)}.`,
    "",
    "Reproduce: `npm run bench:api`",
  ].join("\n"),
);
finish(args.json, figures, args.out);
