import { type ChildProcess, spawn } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { isFinished, type RunStatus } from "../../../lib/store/run.ts";
import { assertDocumentedReply } from "../api/openapi-check.ts";

const REPO = resolve(import.meta.dirname, "../../..");
/** The CLI entry point the tests run. */
export const BIN = join(REPO, "bin/syncron.js");

/** A `syncron dev` child process. */
export interface DevProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Resolves when `pattern` appears in the output (after `from`, an output offset). */
  waitForOutput(pattern: RegExp, options?: { timeoutMs?: number; from?: number }): Promise<RegExpMatchArray>;
  /** Sends `signal` and resolves with the exit code (null when killed by a signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const children = new Set<ChildProcess>();

/** Kills every child still running (afterAll, also after a failure). */
export async function killAll(): Promise<void> {
  await Promise.all(
    [...children].map(
      (child) =>
        new Promise<void>((done) => {
          if (child.exitCode !== null || child.signalCode !== null) return done();
          child.once("exit", () => done());
          child.kill("SIGKILL");
        }),
    ),
  );
  children.clear();
}

/** The e2e tests' temp dirs are the test kit's (removed after each file). */
export { removeTempDirs, tempDir } from "../temp-dir.ts";

const withoutUnset = (env: Record<string, string | undefined>): Record<string, string> =>
  Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );

/**
 * Spawns `node bin/syncron.js dev --port 0 --data-dir <dataDir> [args]` in `cwd` and waits for its
 * "listening on" line.
 */
export async function startDev(options: {
  dataDir: string;
  cwd?: string;
  args?: string[];
  /** Over this process's environment; an undefined value unsets the variable. */
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
}): Promise<DevProcess> {
  const child = spawn(
    process.execPath,
    [BIN, "dev", "--port", "0", "--data-dir", options.dataDir, ...(options.args ?? [])],
    {
      cwd: options.cwd ?? REPO,
      env: withoutUnset({
        ...process.env,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
        // The tests' folders sit beside the data dir, not in the folder the stack runs in.
        SYNCRON_LOCAL_ROOTS: dirname(resolve(options.dataDir)),
        ...options.env,
      }),
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  children.add(child);
  let text = "";
  const listeners = new Set<() => void>();
  const append = (chunk: Buffer) => {
    text += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  void exited.then(() => {
    children.delete(child);
    for (const listener of listeners) listener();
  });

  const waitForOutput: DevProcess["waitForOutput"] = (pattern, { timeoutMs = 60_000, from = 0 } = {}) =>
    new Promise((done, fail) => {
      const check = () => {
        const match = text.slice(from).match(pattern);
        if (match) {
          cleanup();
          done(match);
        } else if (child.exitCode !== null || child.signalCode !== null) {
          cleanup();
          fail(new Error(`syncron dev exited before printing ${pattern}:\n${text}`));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        fail(new Error(`timed out waiting for ${pattern} in syncron dev output:\n${text}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      check();
    });

  const [, url] = (await waitForOutput(/listening on (http:\/\/\S+)/, {
    timeoutMs: options.timeoutMs ?? 60_000,
  })) as RegExpMatchArray & [string, string];
  return {
    url,
    child,
    output: () => text,
    waitForOutput,
    stop: (signal = "SIGTERM") => {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill(signal);
      return exited;
    },
  };
}

/**
 * One HTTP call; the body parsed as JSON when there is one. Throws when the reply of a documented
 * route does not match the OpenAPI document, so the document cannot drift from what syncron dev answers.
 */
export async function http(
  url: string,
  method: string,
  path: string,
  options: { json?: unknown; body?: string; headers?: Record<string, string> } = {},
  // biome-ignore lint/suspicious/noExplicitAny: replies are checked by assertions
): Promise<{ status: number; body: any; text: string }> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined = options.body;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers["content-type"] ??= "application/json";
  }
  const response = await fetch(`${url}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  // Every reply of an API route is checked against GET /openapi.json's schema for its route and status.
  assertDocumentedReply(method, path, response.status, parsed);
  return { status: response.status, body: parsed, text };
}

/** Polls `probe` until it returns a value other than undefined. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 60_000,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, intervalMs));
  }
}

/** A finished run of a task, polled through task-result. */
export async function waitForRun(url: string, taskId: string, timeoutMs = 60_000) {
  return waitFor(
    async () => {
      const { status, body } = await http(url, "GET", `/api/v1/task/scheduler/task-result/${taskId}`);
      return status === 200 && isFinished(body.status as RunStatus) ? body : undefined;
    },
    `run ${taskId} to finish`,
    timeoutMs,
  );
}

/** Per-test timeout: a stack start, a sync and a restart on a loaded 2-core machine, with room to spare. */
export const E2E_TIMEOUT_MS = 120_000;
