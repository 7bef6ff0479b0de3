import { execFile } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BIN,
  type DevProcess,
  E2E_TIMEOUT_MS,
  http,
  killAll,
  removeTempDirs,
  startDev,
  tempDir,
  waitForRun,
} from "../support/dev/dev-process.ts";
import { REFUSED_ADDRESS } from "../support/net/refused-address.ts";

const SCHEDULER = "/api/v1/task/scheduler";
const CONFIGS = "/api/v1/sync-configs";

let dev: DevProcess;
let demo: string;

beforeAll(async () => {
  demo = await tempDir();
  await mkdir(join(demo, "source", "docs"), { recursive: true });
  await writeFile(join(demo, "source", "docs", "a.txt"), "alpha");
  await writeFile(join(demo, "source", "b.txt"), "beta");
  dev = await startDev({ dataDir: join(demo, ".syncron") });
});

afterAll(async () => {
  await killAll();
  await removeTempDirs();
});

const createConfig = async (overrides: Record<string, unknown> = {}) => {
  const reply = await http(dev.url, "POST", CONFIGS, {
    json: {
      name: "demo",
      source: join(demo, "source"),
      target: join(demo, "target"),
      cron: "0 0 1 1 *",
      mode: "mirror",
      ...overrides,
    },
  });
  expect(reply.status, reply.text).toBe(201);
  return reply.body;
};

describe("syncron dev: the seed guide's routes", { timeout: E2E_TIMEOUT_MS }, () => {
  it("prints where it listens, its data dir and how to stop", () => {
    expect(dev.output()).toContain(`data dir   ${join(demo, ".syncron")}`);
    expect(dev.output()).toMatch(/stop\s+Ctrl\+C/);
    expect(dev.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("refuses a second stack on the same data dir, naming the holder", async () => {
    await expect(startDev({ dataDir: join(demo, ".syncron") })).rejects.toThrow(
      new RegExp(`data dir .* is in use by another syncron dev \\(pid ${dev.child.pid}\\)`),
    );
  });

  it('validates "0 2 * * *" sent as a bare JSON string, as the seed curl does', async () => {
    const reply = await http(dev.url, "POST", `${SCHEDULER}/validate-cron`, {
      headers: { "Content-Type": "application/json" },
      body: '"0 2 * * *"',
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      valid: true,
      expression: "0 2 * * *",
      timezone: "UTC",
      eventbridge: ["cron(0 2 * * ? *)"],
    });
    expect(reply.body.next_runs).toHaveLength(5);
    for (const run of reply.body.next_runs) expect(run).toMatch(/T02:00:00\.000Z$/);
  });

  it("answers valid:false for a bad expression, not an error", async () => {
    const reply = await http(dev.url, "POST", `${SCHEDULER}/validate-cron`, { json: "61 * * * *" });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ valid: false, error: expect.any(String) });
  });

  it("refreshes, reports, runs and clears tasks with the seed's bodiless requests", async () => {
    const config = await createConfig();
    const refresh = await http(dev.url, "POST", `${SCHEDULER}/refresh-tasks`);
    expect(refresh.status).toBe(200);
    expect(refresh.body).toEqual({
      success: true,
      added_count: 0,
      updated_count: 0,
      removed_count: 0,
      unchanged_count: 1,
      errors: [],
      message: "定时任务已刷新，当前 1 个定时任务",
      total_configs: 1,
      skipped_count: 1,
      error_count: 0,
      active_tasks: 1,
    });

    const status = await http(dev.url, "GET", `${SCHEDULER}/task-status`);
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({
      backend: "local",
      scheduled_config_ids: [config.id],
      schedules: [
        {
          config_id: config.id,
          expression: "0 0 1 1 *",
          timezone: "UTC",
          state: "ENABLED",
          next_run: expect.any(String),
        },
      ],
      queue: {
        messages_available: expect.any(Number),
        messages_in_flight: expect.any(Number),
        dead_letter: 0,
      },
      total_scheduled_tasks: 1,
      task_names: [status.body.schedules[0].name],
    });

    const execute = await http(dev.url, "POST", `${SCHEDULER}/execute-sync/${config.id}`);
    expect(execute.status).toBe(202);
    expect(execute.body).toEqual({
      task_id: expect.any(String),
      config_id: config.id,
      status: "PENDING",
      message: "同步任务已提交执行",
    });
    const run = await waitForRun(dev.url, execute.body.task_id);
    expect(run).toMatchObject({
      task_id: execute.body.task_id,
      config_id: config.id,
      status: "SUCCESS",
      trigger: "manual",
    });
    expect(run.result).toMatchObject({ status: "SUCCESS", copied: 2, failed: 0 });
    expect(run).toMatchObject({ ready: true, successful: true, failed: false });
    expect(await readFile(join(demo, "target", "docs", "a.txt"), "utf8")).toBe("alpha");
    expect(await readFile(join(demo, "target", "b.txt"), "utf8")).toBe("beta");

    // The run's per-file report: both copies, then the same page with skips when asked.
    const items = await http(dev.url, "GET", `${SCHEDULER}/task-result/${execute.body.task_id}/items`);
    expect(items.status).toBe(200);
    expect(items.body).toMatchObject({ task_id: execute.body.task_id, status: "SUCCESS", next_cursor: null });
    expect(items.body.items.map((item: { path: string }) => item.path).sort()).toEqual([
      "b.txt",
      "docs/a.txt",
    ]);
    expect(items.body.items[0]).toMatchObject({ op: "copy", status: "done", size: expect.any(Number) });
    const bad = await http(dev.url, "GET", `${SCHEDULER}/task-result/${execute.body.task_id}/items?op=move`);
    expect(bad.status).toBe(400);

    const all = await http(dev.url, "POST", `${SCHEDULER}/execute-all-enabled`);
    expect(all.status).toBe(202);
    expect(all.body).toEqual({
      count: 1,
      task_ids: [expect.any(String)],
      message: "已提交 1 个启用的同步任务",
    });
    expect((await waitForRun(dev.url, all.body.task_ids[0])).status).toBe("SUCCESS");

    const clear = await http(dev.url, "DELETE", `${SCHEDULER}/clear-tasks`);
    expect(clear.body).toEqual({
      success: true,
      removed_count: 1,
      message: "所有定时任务已清空",
      status: "cleared",
    });
    expect((await http(dev.url, "GET", `${SCHEDULER}/task-status`)).body.scheduled_config_ids).toEqual([]);
    const again = await http(dev.url, "POST", `${SCHEDULER}/refresh-tasks`);
    expect(again.body).toMatchObject({ success: true, added_count: 1 });
    expect((await http(dev.url, "GET", `${SCHEDULER}/task-status`)).body.scheduled_config_ids).toEqual([
      config.id,
    ]);
  });

  it("answers 404 for the seed's literal execute-sync/1 when no config 1 exists", async () => {
    const reply = await http(dev.url, "POST", `${SCHEDULER}/execute-sync/1`);
    expect(reply.status).toBe(404);
    expect(reply.body.error).toMatchObject({
      code: expect.any(String),
      message: expect.stringContaining("1"),
    });
  });
});

describe("syncron status", { timeout: E2E_TIMEOUT_MS }, () => {
  const status = (args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
      execFile(process.execPath, [BIN, "status", ...args], (error, stdout, stderr) =>
        done({ code: error ? (error.code as number) : 0, stdout, stderr }),
      );
    });

  it("shows configs, schedules, next runs, recent runs and queue depth, as JSON and as a table", async () => {
    const configs = (await http(dev.url, "GET", CONFIGS)).body.items;
    const json = await status(["--url", dev.url, "--json"]);
    expect(json.code, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({
      url: dev.url,
      backend: "local",
      queue: { messages_available: 0, messages_in_flight: 0, messages_delayed: 0, dead_letter: 0 },
    });
    expect(report.configs).toEqual(
      configs.map((config: { id: string }) =>
        expect.objectContaining({ id: config.id, scheduled: true, next_run: expect.any(String) }),
      ),
    );
    expect(report.runs.length).toBeGreaterThanOrEqual(2);
    expect(report.runs[0]).toMatchObject({ status: "SUCCESS", files_done: expect.any(Number) });

    const text = await status(["--url", dev.url]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`Configs (${configs.length})`);
    expect(text.stdout).toMatch(/NEXT RUN/);
    expect(text.stdout).toContain(report.runs[0].task_id);
    expect(text.stdout).toMatch(/AVAILABLE +IN FLIGHT +DELAYED +DEAD LETTER\n0 +0 +0 +0/);
  });

  it("exits 1 with a hint when nothing listens", async () => {
    const reply = await status(["--url", `http://${REFUSED_ADDRESS}`]);
    expect(reply.code).toBe(1);
    expect(reply.stderr).toMatch(new RegExp(`cannot reach the API at http://${REFUSED_ADDRESS} `));
  });
});

describe("syncron dev: S3 locations", { timeout: E2E_TIMEOUT_MS }, () => {
  it("sends an s3:// location without endpoint to the stack's own S3, bucket created on first use", async () => {
    const up = await createConfig({ name: "to s3", target: "s3://e2e-bucket/backup", mode: "copy" });
    const down = await createConfig({
      name: "from s3",
      source: "s3://e2e-bucket/backup",
      target: join(demo, "back"),
    });
    for (const config of [up, down]) {
      const execute = await http(dev.url, "POST", `${SCHEDULER}/execute-sync/${config.id}`);
      const run = await waitForRun(dev.url, execute.body.task_id);
      expect(run.status, JSON.stringify(run.error)).toBe("SUCCESS");
      expect(run.result.copied).toBe(2);
    }
    expect(await readFile(join(demo, "back", "docs", "a.txt"), "utf8")).toBe("alpha");
    for (const config of [up, down]) {
      expect((await http(dev.url, "DELETE", `${CONFIGS}/${config.id}`)).status).toBe(200);
    }
  });
});

describe("syncron dev: malformed requests", { timeout: E2E_TIMEOUT_MS }, () => {
  it("get a 4xx with the error shape and change nothing", async () => {
    const before = {
      configs: (await http(dev.url, "GET", CONFIGS)).body,
      status: (await http(dev.url, "GET", `${SCHEDULER}/task-status`)).body,
    };
    const target = before.configs.items[0];
    const runsBefore = (await http(dev.url, "GET", `${CONFIGS}/${target.id}/runs`)).body;
    const valid = { name: "x", source: join(demo, "source"), target: join(demo, "t2"), cron: "* * * * *" };
    const cases: [
      string,
      string,
      { json?: unknown; body?: string; headers?: Record<string, string> },
      number,
    ][] = [
      ["POST", CONFIGS, { body: "{not json", headers: { "content-type": "application/json" } }, 400],
      ["POST", CONFIGS, { body: JSON.stringify(valid), headers: { "content-type": "text/plain" } }, 415],
      ["POST", CONFIGS, { json: { ...valid, cron: "* * *" } }, 400],
      ["POST", CONFIGS, { json: { ...valid, timezone: "Mars/Olympus" } }, 400],
      ["POST", CONFIGS, { json: { ...valid, surprise: true } }, 400],
      ["POST", CONFIGS, { json: { name: "no locations" } }, 400],
      ["POST", CONFIGS, { json: { ...valid, name: "x".repeat(300 * 1024) } }, 413],
      ["PATCH", `${CONFIGS}/${target.id}`, { json: { mode: "shuffle" } }, 400],
      ["PATCH", `${CONFIGS}/nope`, { json: { enabled: false } }, 404],
      ["DELETE", `${CONFIGS}/nope`, {}, 404],
      [
        "POST",
        `${SCHEDULER}/validate-cron`,
        { body: "{", headers: { "content-type": "application/json" } },
        400,
      ],
      ["POST", `${SCHEDULER}/execute-sync/nope`, {}, 404],
      ["GET", `${SCHEDULER}/task-result/nope`, {}, 404],
      ["GET", "/api/v1/nothing-here", {}, 404],
      ["PUT", `${SCHEDULER}/refresh-tasks`, {}, 405],
      ["GET", `${CONFIGS}/%E0%A4%A`, {}, 400],
    ];
    for (const [method, path, options, status] of cases) {
      const reply = await http(dev.url, method, path, options);
      expect(reply.status, `${method} ${path.slice(0, 80)}: ${reply.text.slice(0, 300)}`).toBe(status);
      expect(reply.body?.error, `${method} ${path.slice(0, 80)}`).toMatchObject({
        code: expect.any(String),
        message: expect.any(String),
      });
    }
    expect((await http(dev.url, "GET", CONFIGS)).body).toEqual(before.configs);
    expect((await http(dev.url, "GET", `${CONFIGS}/${target.id}/runs`)).body).toEqual(runsBefore);
    const status = (await http(dev.url, "GET", `${SCHEDULER}/task-status`)).body;
    expect(status.scheduled_config_ids).toEqual(before.status.scheduled_config_ids);
    expect(status.schedules).toEqual(before.status.schedules);
  });
});
