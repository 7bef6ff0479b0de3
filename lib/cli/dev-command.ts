/** `syncron dev`: the whole serverless core on this machine, in one process. */

import { delimiter } from "node:path";
import { defaultTimezoneFrom } from "../cron/timezone.ts";
import { isLoopback } from "../dev/allowed-hosts.ts";
import { type BackendSettings, DEV_NAMES } from "../dev/dev-backends.ts";
import { devLocalRoots, startDevStack } from "../dev/dev-stack.ts";
import { createLineLog } from "../dev/log-line.ts";
import { ENV } from "../env.ts";
import { SCHEDULER_BACKENDS } from "../schedule/scheduler.ts";
import { oneOf, parseFlags, UsageError, wholeNumber } from "./args.ts";
import { launchedByNpm, watchLauncher } from "./launcher-watch.ts";

export const usage = `Usage: syncron dev [options]

Runs syncron on this machine, in one process: the HTTP API on 127.0.0.1, the worker, the
scheduler (in-process timers), DynamoDB (dynalite, on disk under the data dir), SQS with its
dead-letter queue, and S3 (fauxqs, in memory). Stop it with Ctrl+C, SIGTERM or SIGHUP (through npx too): running syncs
checkpoint and resume at the next start.

Options:
  --port N                  HTTP port (default 8000; 0 picks a free one)
  --host ADDR               address the HTTP API listens on (default 127.0.0.1: this machine only).
                            Another one (0.0.0.0: every interface) lets other machines call it:
                            set ${ENV.apiToken}. The emulators stay on 127.0.0.1 whatever it says
  --emulator-port N         pin the emulators' ports: S3 and SQS on N, DynamoDB on N+1 (default:
                            free ones, printed at start)
  --data-dir DIR            where configs and runs are kept (default .syncron)
  --aws                     use real endpoints for DynamoDB, SQS and the scheduler instead of the
                            local emulators: AWS credentials and AWS_REGION, or AWS_ENDPOINT_URL
                            (LocalStack); the API and the worker still run here
  --table NAME              --aws: DynamoDB table (default $${ENV.table} or ${DEV_NAMES.table})
  --queue NAME              --aws: sync queue name (default ${DEV_NAMES.queue})
  --dlq NAME                --aws: dead-letter queue name (default ${DEV_NAMES.dlq})
  --schedule-backend B      --aws: ${SCHEDULER_BACKENDS.join(" | ")} (default
                            $${ENV.scheduleBackend}, else local). LocalStack never fires EventBridge
                            Scheduler schedules: use local there
  --schedule-group NAME     --aws: schedule group or rule prefix (default $${ENV.scheduleGroup} or syncron)
  --scheduler-role-arn ARN  --aws, eventbridge-scheduler: role the Scheduler assumes ($${ENV.schedulerRoleArn})
  --schedule-dlq NAME       --aws, eventbridge-*: schedule dead-letter queue, where fires EventBridge
                            could not deliver go (default ${DEV_NAMES.scheduleDlq})
  --create                  --aws: create what is missing (LocalStack, moto): the table, the queues,
                            the schedule dead-letter queue, and the schedule group (eventbridge-scheduler)
                            or the queues' policies letting the rules send (eventbridge-rules)
  -h, --help                show this help

Environment: ${ENV.apiToken} (token the API demands in X-Syncron-Token or as Authorization: Bearer), ${ENV.workerTimeoutS} (worker
invocation timeout, default 900), ${ENV.localRoots} (folders, ':'-separated, that local locations sent
to the API must lie in, judged on real paths; default: the folder syncron dev runs in), ${ENV.defaultTimezone}
(IANA time zone of new configs that name none, e.g. Asia/Shanghai; default UTC). Missed fires while the stack is stopped are not replayed.
For tests only: SYNCRON_DEV_NOW=<ISO time> starts the stack's clock at that instant (it then runs
at real speed), to bring a cron fire near or to jump past one.`;

const FLAGS = {
  port: { type: "string" },
  host: { type: "string" },
  "emulator-port": { type: "string" },
  "data-dir": { type: "string" },
  aws: { type: "boolean" },
  table: { type: "string" },
  queue: { type: "string" },
  dlq: { type: "string" },
  "schedule-backend": { type: "string" },
  "schedule-group": { type: "string" },
  "scheduler-role-arn": { type: "string" },
  "schedule-dlq": { type: "string" },
  create: { type: "boolean" },
} as const;

/** Flags that only mean something against real endpoints. */
const AWS_ONLY = [
  "table",
  "queue",
  "dlq",
  "schedule-backend",
  "schedule-group",
  "scheduler-role-arn",
  "schedule-dlq",
  "create",
] as const;

/** Each stops the stack cleanly (SIGHUP: the terminal closed); a second one exits at once. */
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

interface DevArgs {
  port: number;
  host: string;
  emulatorPort?: number | undefined;
  dataDir: string;
  backends?: BackendSettings;
}

function parse(args: string[], env: NodeJS.ProcessEnv): DevArgs {
  const { values, positionals } = parseFlags(args, FLAGS);
  if (positionals.length > 0) throw new UsageError(`Unexpected argument '${positionals[0]}'`);
  const port = wholeNumber("--port", values.port, 8000, { min: 0, max: 65535 });
  const dataDir = values["data-dir"] ?? ".syncron";
  const host = values.host ?? "127.0.0.1";
  if (host.trim() === "" || /[\s/]/.test(host))
    throw new UsageError(`--host must be an address, got ${JSON.stringify(host)}`);
  const emulatorPort =
    values["emulator-port"] === undefined
      ? undefined
      : wholeNumber("--emulator-port", values["emulator-port"], 0, { min: 1, max: 65534 });
  if (!values.aws) {
    const flag = AWS_ONLY.find((name) => values[name] !== undefined);
    if (flag) throw new UsageError(`--${flag} needs --aws`);
    return { port, host, emulatorPort, dataDir };
  }
  if (emulatorPort !== undefined) throw new UsageError("--emulator-port has no emulators to pin with --aws");
  const backend = values["schedule-backend"] ?? env[ENV.scheduleBackend];
  return {
    port,
    host,
    dataDir,
    backends: {
      kind: "aws",
      tableName: values.table ?? env[ENV.table] ?? DEV_NAMES.table,
      queueName: values.queue ?? DEV_NAMES.queue,
      dlqName: values.dlq ?? DEV_NAMES.dlq,
      scheduleBackend: oneOf("--schedule-backend", backend, SCHEDULER_BACKENDS, "local"),
      scheduleGroup: values["schedule-group"] ?? env[ENV.scheduleGroup] ?? "syncron",
      schedulerRoleArn: values["scheduler-role-arn"] ?? env[ENV.schedulerRoleArn],
      scheduleDlqName: values["schedule-dlq"] ?? DEV_NAMES.scheduleDlq,
      create: values.create ?? false,
    },
  };
}

/** `SYNCRON_DEV_NOW` (tests only): the stack's clock starts at this instant and runs at real speed. */
const clockStart = (env: NodeJS.ProcessEnv): Date | undefined => {
  const text = env.SYNCRON_DEV_NOW;
  if (!text) return undefined;
  const date = new Date(text);
  if (Number.isNaN(date.getTime()))
    throw new UsageError(`SYNCRON_DEV_NOW must be an ISO date-time (got ${JSON.stringify(text)})`);
  return date;
};

/** Runs the stack until SIGINT/SIGTERM; exit code 0 after a clean stop, 1 when it cannot start. Throws UsageError. */
export async function run(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const parsed = parse(args, env);
  const start = clockStart(env);
  const log = createLineLog();
  const timeoutS = Number(env[ENV.workerTimeoutS] ?? 900);
  let stack: Awaited<ReturnType<typeof startDevStack>>;
  try {
    const defaultTimezone = defaultTimezoneFrom(env);
    stack = await startDevStack({
      port: parsed.port,
      host: parsed.host,
      dataDir: parsed.dataDir,
      ...(parsed.emulatorPort ? { emulatorPort: parsed.emulatorPort } : {}),
      ...(parsed.backends ? { backends: parsed.backends } : {}),
      ...(start ? { clockStart: start } : {}),
      invocationTimeoutMs: (Number.isFinite(timeoutS) && timeoutS > 0 ? timeoutS : 900) * 1000,
      apiToken: env[ENV.apiToken] || undefined,
      localRoots: devLocalRoots(env[ENV.localRoots]),
      defaultTimezone,
      log,
    });
  } catch (error) {
    const { code, port } = error as NodeJS.ErrnoException & { port?: number };
    // Which flag moves the port that is taken: the API's, or the emulators' pair.
    const flag = port !== undefined && port !== parsed.port ? "--emulator-port" : "--port";
    const hint = code === "EADDRINUSE" ? ` (port ${port ?? parsed.port} is taken: pass another ${flag})` : "";
    console.error(`syncron dev: could not start: ${(error as Error).message}${hint}`);
    return 1;
  }
  const lines = [
    `syncron dev listening on ${stack.url}`,
    `  API        ${stack.url}/api/v1  (health: ${stack.url}/healthz)`,
    `  data dir   ${stack.backends.kind === "local" ? stack.dataDir : `${stack.backends.tableName} (--aws)`}`,
    `  scheduler  ${stack.scheduleBackend}; missed fires while stopped are not replayed`,
    `  local      configs may use folders under ${stack.localRoots.roots.join(delimiter) || "(none)"}`,
    `  queue      ${stack.backends.queues.queueUrl} (dead letters: ${stack.backends.queues.dlqUrl})`,
    ...(stack.backends.s3Endpoint
      ? [`  s3, sqs    ${stack.backends.s3Endpoint} (s3:// locations without endpoint=)`]
      : []),
    ...(stack.backends.dynamoDbEndpoint ? [`  dynamodb   ${stack.backends.dynamoDbEndpoint}`] : []),
    ...(isLoopback(parsed.host)
      ? []
      : [
          `  WARNING    the API listens on ${parsed.host}: other machines can reach it${env[ENV.apiToken] ? "" : `, and ${ENV.apiToken} is not set, so anyone who can is let in`}; the emulators stay on 127.0.0.1`,
        ]),
    "  stop       Ctrl+C (or SIGTERM): running syncs checkpoint and resume at the next start",
  ];
  // The handlers are in place before the stack says it listens: whoever waits for that line (a test, a
  // supervisor) may signal at once, and a signal before them would kill the process by the default action.
  const untilStopped = new Promise<number>((resolve) => {
    let stopping = false;
    let stopped = false;
    const stop = (reason: Record<string, unknown>) => {
      stopping = true;
      stopWatching();
      log("info", "stopping", reason);
      stack.stop().then(
        () => {
          log("info", "stopped");
          stopped = true;
          // Anything still holding the event loop (a socket the SDK keeps) must not keep us alive.
          setTimeout(() => process.exit(0), 2_000).unref();
          resolve(0);
        },
        (error: unknown) => {
          log("error", "stop failed", { error: String(error) });
          resolve(1);
        },
      );
    };
    const onSignal = (signal: NodeJS.Signals) => {
      if (!stopping) return stop({ signal });
      // Already stopped, on the way out: a late signal (a terminal's SIGHUP after Ctrl+C) must not
      // turn a clean exit into a death by signal.
      if (stopped) process.exit(0);
      log("warn", "second signal: exiting now", { signal });
      process.exit(1);
    };
    for (const signal of SIGNALS) process.on(signal, onSignal);
    // Through npx a SIGTERM never reaches this process (see watchLauncher): stop when npx is gone.
    const stopWatching = launchedByNpm(env)
      ? watchLauncher(() => {
          if (!stopping) stop({ reason: "launcher exited" });
        })
      : () => undefined;
  });
  console.log(lines.join("\n"));
  return untilStopped;
}
