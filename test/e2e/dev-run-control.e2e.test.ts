import { type ChildProcess, spawn } from "node:child_process";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGLISH } from "../support/cli/run-cli.ts";
import { spawnCli } from "../support/cli/spawn-cli.ts";
import {
  BIN,
  type DevProcess,
  E2E_TIMEOUT_MS,
  http,
  killAll,
  removeTempDirs,
  startDev,
  tempDir,
  waitFor,
  waitForRun,
} from "../support/dev/dev-process.ts";

/**
 * Run control through a real `syncron dev`: a long run (its config limited to 2 drive calls a second)
 * is refused a second manual run, cancelled, and ends CANCELLED having written only whole files and
 * deleted nothing, while the stack and another config's runs go on: the cancel kills nothing but the run.
 * `syncron runs --follow` sees it all and ends cleanly on SIGINT.
 */

const SCHEDULER = "/api/v1/task/scheduler";
const FILES = 30;
const fileName = (i: number) => `f${String(i).padStart(2, "0")}.txt`;
const content = (i: number) => `file ${i} `.repeat(2000);

let dev: DevProcess;
let work: string;
const follower: { child?: ChildProcess; out: string } = { out: "" };

beforeAll(async () => {
  work = await tempDir("syncron-run-control-");
  await mkdir(join(work, "big"), { recursive: true });
  for (let i = 0; i < FILES; i++) await writeFile(join(work, "big", fileName(i)), content(i));
  // A mirror would delete this: a cancelled one must not.
  await mkdir(join(work, "big-copy"), { recursive: true });
  await writeFile(join(work, "big-copy", "extra.txt"), "keep me");
  await mkdir(join(work, "small"), { recursive: true });
  await writeFile(join(work, "small", "a.txt"), "alpha");
  dev = await startDev({ dataDir: join(work, ".syncron"), cwd: work });
}, E2E_TIMEOUT_MS);

afterAll(async () => {
  follower.child?.kill("SIGKILL");
  await killAll();
  await removeTempDirs();
});

const createConfig = async (name: string, fields: Record<string, unknown>) => {
  const reply = await http(dev.url, "POST", "/api/v1/sync-configs", {
    json: { name, cron: "0 0 1 1 *", mode: "mirror", ...fields },
  });
  expect(reply.status, reply.text).toBe(201);
  return reply.body.id as string;
};
const execute = (configId: string) => http(dev.url, "POST", `${SCHEDULER}/execute-sync/${configId}`);
const copied = async () => (await readdir(join(work, "big-copy"))).filter((n) => n !== "extra.txt");
const cli = (...args: string[]) => spawnCli(["runs", ...args, "--url", dev.url], { cwd: work });

describe("run control in syncron dev", { timeout: E2E_TIMEOUT_MS }, () => {
  it("cancels a long run at a file boundary: CANCELLED, whole files only, nothing deleted, the stack unharmed", async () => {
    const big = await createConfig("big", {
      source: join(work, "big"),
      target: join(work, "big-copy"),
      tps: 2,
    });
    const small = await createConfig("small", {
      source: join(work, "small"),
      target: join(work, "small-copy"),
    });

    follower.child = spawn(process.execPath, [BIN, "runs", "--follow", "--url", dev.url], {
      cwd: work,
      env: { ...process.env, ...ENGLISH },
      stdio: ["ignore", "pipe", "pipe"],
    });
    follower.child.stdout?.on("data", (chunk: Buffer) => {
      follower.out += chunk.toString();
    });

    const started = await execute(big);
    expect(started.status, started.text).toBe(202);
    const taskId = started.body.task_id as string;
    // Running, with a first file written.
    await waitFor(
      async () => ((await copied()).length > 0 ? true : undefined),
      "a first file copied",
      60_000,
    );

    const busy = await execute(big);
    expect(busy.status, busy.text).toBe(409);
    expect(busy.body.error).toMatchObject({ code: "CONFIG_BUSY", details: { task_id: taskId } });
    expect(busy.body.error.message).toContain(`is running (task ${taskId})`);

    const cancel = await http(dev.url, "POST", `/api/v1/runs/${taskId}/cancel`);
    expect(cancel.status, cancel.text).toBe(202);
    expect(cancel.body).toMatchObject({ status: "STARTED", cancel_requested_at: expect.any(String) });

    const run = await waitForRun(dev.url, taskId, 60_000);
    expect(run).toMatchObject({
      status: "CANCELLED",
      error: { code: "CANCELLED" },
      result: { deleted: 0 },
      ready: true,
      successful: false,
    });
    // Whole files only, no temporary name left, and the mirror deleted nothing.
    const names = await copied();
    expect(names.length).toBeLessThan(FILES);
    for (const name of names) {
      expect(name).toMatch(/^f\d\d\.txt$/);
      expect(await readFile(join(work, "big-copy", name), "utf8")).toBe(content(Number(name.slice(1, 3))));
    }
    expect(await readFile(join(work, "big-copy", "extra.txt"), "utf8")).toBe("keep me");
    // No further file lands after the run ended.
    await new Promise((done) => setTimeout(done, 1500));
    expect((await copied()).length).toBe(names.length);

    // The stack still serves, and another config's run still succeeds.
    expect((await http(dev.url, "GET", "/healthz")).status).toBe(200);
    const other = await execute(small);
    expect(other.status, other.text).toBe(202);
    expect(await waitForRun(dev.url, other.body.task_id)).toMatchObject({ status: "SUCCESS" });
    expect(await readFile(join(work, "small-copy", "a.txt"), "utf8")).toBe("alpha");

    const listed = await http(dev.url, "GET", `/api/v1/runs?status=CANCELLED`);
    expect(listed.body.items.map((r: { task_id: string }) => r.task_id)).toEqual([taskId]);

    // The follower printed the run going from PENDING/STARTED to CANCELLED, and stops cleanly on SIGINT.
    await waitFor(
      async () => (new RegExp(`${taskId}\\s.*CANCELLED`).test(follower.out) ? true : undefined),
      "the follower to print CANCELLED",
      15_000,
    );
    const exited = new Promise<number | null>((done) => follower.child?.once("exit", (code) => done(code)));
    follower.child.kill("SIGINT");
    expect(await exited).toBe(0);
  });

  it("retries the cancelled run from the CLI, cancels the retry, and lists both", async () => {
    const cancelled = (await http(dev.url, "GET", "/api/v1/runs?status=CANCELLED")).body.items[0];
    const retried = await cli("retry", cancelled.task_id, "--json");
    expect(retried.code, retried.stderr).toBe(0);
    const retry = JSON.parse(retried.stdout);
    expect(retry).toMatchObject({ status: "PENDING", retry_of: cancelled.task_id });

    const cancel = await cli("cancel", retry.task_id);
    expect(cancel.code, cancel.stderr).toBe(0);
    expect(cancel.stdout).toMatch(/cancelled|stops at its next file boundary/);
    expect(await waitForRun(dev.url, retry.task_id, 60_000)).toMatchObject({
      status: "CANCELLED",
      retry_of: cancelled.task_id,
    });

    const listed = await cli("--config", cancelled.config_id, "--json");
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout).map((r: { task_id: string }) => r.task_id)).toEqual([
      retry.task_id,
      cancelled.task_id,
    ]);
    const table = await cli("--status", "CANCELLED");
    expect(table.stdout.split("\n")[0]).toMatch(/^TASK\s+CONFIG\s+STATUS/);
    expect(table.stdout).toContain(retry.task_id);

    const refused = await cli("retry", "no-such-task");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("NOT_FOUND");
    const bad = await cli("--status", "DONE");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--status must be one of");
  });
});
