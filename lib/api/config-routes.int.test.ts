import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JsonBody } from "../../test/support/api/api-event.ts";
import { type ApiStack, flakyScheduler, startApiStack } from "../../test/support/api/api-stack.ts";

const CONFIGS = "/api/v1/sync-configs";
const NOW = new Date("2026-11-28T22:00:00.000Z");

const newConfig = (overrides: Record<string, unknown> = {}) => ({
  name: "photos nightly",
  source: "/data/photos",
  target: "webdav://dav.example.com/backup/photos",
  cron: "0 2 * * *",
  ...overrides,
});

const expectError = (reply: { status: number; body: JsonBody }, status: number, code: string) => {
  expect(reply.status, JSON.stringify(reply.body)).toBe(status);
  expect(reply.body.error).toMatchObject({ code, message: expect.any(String) });
};

let stack: ApiStack;
const create = async (overrides: Record<string, unknown> = {}) => {
  const reply = await stack.call({ method: "POST", path: CONFIGS, body: newConfig(overrides) });
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return reply.body;
};
const schedulesOf = async (configId: string) =>
  (await stack.scheduler.list()).filter((schedule) => schedule.config_id === configId);

beforeAll(async () => {
  stack = await startApiStack({ now: NOW });
});
afterAll(async () => {
  await stack?.stop();
});

describe("POST /api/v1/sync-configs", () => {
  it("creates a config with defaults, redacted locations, next runs and its schedule", async () => {
    const reply = await stack.call({ method: "POST", path: CONFIGS, body: newConfig() });
    expect(reply.status).toBe(201);
    const body = reply.body;
    expect(reply.headers.location).toBe(`${CONFIGS}/${body.id}`);
    expect(body).toEqual({
      id: expect.stringMatching(/^[0-9A-Z]{26}$/),
      name: "photos nightly",
      source: "/data/photos",
      target: "webdav://dav.example.com/backup/photos",
      cron: "0 2 * * *",
      timezone: "UTC",
      enabled: true,
      mode: "copy",
      compare: "size-mtime",
      include: [],
      exclude: [],
      max_delete: null,
      end_time: null,
      tps: null,
      created_at: NOW.toISOString(),
      updated_at: NOW.toISOString(),
      last_run: null,
      version: 1,
      next_runs: [
        "2026-11-29T02:00:00.000Z",
        "2026-11-30T02:00:00.000Z",
        "2026-12-01T02:00:00.000Z",
        "2026-12-02T02:00:00.000Z",
        "2026-12-03T02:00:00.000Z",
      ],
    });
    expect(await schedulesOf(body.id)).toEqual([
      expect.objectContaining({
        config_id: body.id,
        expression: "cron(0 2 * * ? *)",
        timezone: "UTC",
        state: "ENABLED",
      }),
    ]);
  });

  it("lists no next run at or after the config's end_time", async () => {
    expect((await create({ cron: "0 9 * * *", end_time: "2026-11-01T00:00:00Z" })).next_runs).toEqual([]);
    const ending = await create({ cron: "0 9 * * *", timezone: "UTC", end_time: "2026-11-30T09:00:00Z" });
    expect(ending.next_runs).toEqual(["2026-11-29T09:00:00.000Z"]);
  });

  it("computes next runs in the config's time zone, as UTC instants", async () => {
    const body = await create({ cron: "0 9 * * *", timezone: "Asia/Shanghai" });
    expect(body.next_runs[0]).toBe("2026-11-29T01:00:00.000Z");
    expect((await schedulesOf(body.id))[0]).toMatchObject({ timezone: "Asia/Shanghai" });
  });

  it("refuses a bad cron or time zone with 400 naming the field, and writes nothing", async () => {
    const before = (await stack.store.configs.list({ limit: 100 })).items.length;
    for (const [field, value] of [
      ["cron", "0 2 * *"],
      ["cron", "61 2 * * *"],
      ["cron", "0 0 L * *"],
      ["timezone", "Mars/Olympus"],
      ["timezone", "+08:00"],
      ["source", "ftp://host/x"],
      ["target", "s3://"],
      ["target", "webdav://bob:pw@host/a/../b"],
    ] as const) {
      const reply = await stack.call({ method: "POST", path: CONFIGS, body: newConfig({ [field]: value }) });
      expectError(reply, 400, "VALIDATION_FAILED");
      expect(reply.body.error.details).toEqual([{ path: field, message: expect.any(String) }]);
      expect(reply.body.error.message).toContain(field);
      expect(reply.body.error.message).not.toContain(":pw@");
    }
    expect((await stack.store.configs.list({ limit: 100 })).items.length).toBe(before);
  });

  it("refuses a location URL with credentials, naming the drives route, and writes nothing", async () => {
    const before = (await stack.store.configs.list({ limit: 100 })).items.length;
    for (const [field, value] of [
      ["target", "webdav://alice:hunter2@dav.example.com/backup"],
      ["target", "webdavs://alice@dav.example.com/backup"],
      ["source", "s3://AKIAEXAMPLE:hunter2@bucket/site"],
    ] as const) {
      const reply = await stack.call({ method: "POST", path: CONFIGS, body: newConfig({ [field]: value }) });
      expectError(reply, 400, "VALIDATION_FAILED");
      expect(reply.body.error.details).toEqual([
        { path: field, message: expect.stringContaining("/api/v1/drives") },
      ]);
      expect(JSON.stringify(reply.body)).not.toContain("hunter2");
    }
    const created = await create();
    const patched = await stack.call({
      method: "PATCH",
      path: `${CONFIGS}/${created.id}`,
      body: { target: "webdav://alice:hunter2@dav.example.com/backup" },
    });
    expectError(patched, 400, "VALIDATION_FAILED");
    expect((await stack.store.configs.list({ limit: 100 })).items.length).toBe(before + 1);
  });

  it("takes name:path locations of existing drives only", async () => {
    const missing = await stack.call({
      method: "POST",
      path: CONFIGS,
      body: newConfig({ target: "nowhere:/x" }),
    });
    expectError(missing, 400, "VALIDATION_FAILED");
    expect(missing.body.error.message).toMatch(/drive "nowhere" does not exist.*POST \/api\/v1\/drives/);
    const drive = await stack.call({
      method: "POST",
      path: "/api/v1/drives",
      body: { name: "cfg-nas", type: "webdav", url: "https://dav.example.com/dav" },
    });
    expect(drive.status, JSON.stringify(drive.body)).toBe(201);
    const config = await create({ target: "cfg-nas:/photos" });
    expect(config.target).toBe("cfg-nas:/photos");
  });

  it("refuses a target that lies inside the source, and writes nothing", async () => {
    const before = (await stack.store.configs.list({ limit: 100 })).items.length;
    const reply = await stack.call({
      method: "POST",
      path: CONFIGS,
      body: newConfig({ source: "/data/photos", target: "/data/photos/backup" }),
    });
    expectError(reply, 400, "VALIDATION_FAILED");
    expect(reply.body.error.details).toEqual([
      { path: "target", message: expect.stringContaining("source") },
    ]);
    expect((await stack.store.configs.list({ limit: 100 })).items.length).toBe(before);
  });

  it("refuses a blank include or exclude glob, naming the rule, and writes nothing", async () => {
    const before = (await stack.store.configs.list({ limit: 100 })).items.length;
    for (const field of ["include", "exclude"]) {
      const reply = await stack.call({
        method: "POST",
        path: CONFIGS,
        body: newConfig({ [field]: ["*.jpg", "  "] }),
      });
      expectError(reply, 400, "VALIDATION_FAILED");
      expect(reply.body.error.details).toEqual([
        { path: `${field}.1`, message: expect.stringContaining('"  "') },
      ]);
    }
    expect((await stack.store.configs.list({ limit: 100 })).items.length).toBe(before);
  });

  it("stores the seed's structured rules with their defaults beside globs", async () => {
    const rule = { kind: "regex", on: "name", pattern: "\\.tmp$", items: "file", ignore_case: true };
    const reply = await stack.call({
      method: "POST",
      path: CONFIGS,
      body: newConfig({ exclude: ["*.log", rule, { kind: "contains", pattern: "~$" }] }),
    });
    expect(reply.status).toBe(201);
    expect(reply.body.exclude).toEqual([
      "*.log",
      rule,
      { kind: "contains", pattern: "~$", on: "name", items: "both", ignore_case: false },
    ]);
    expect((await stack.store.configs.get(reply.body.id))?.exclude).toEqual(reply.body.exclude);
  });

  it("refuses a rule that cannot compile or has an unknown kind, naming the rule, and writes nothing", async () => {
    const before = (await stack.store.configs.list({ limit: 100 })).items.length;
    const badRegex = await stack.call({
      method: "POST",
      path: CONFIGS,
      body: newConfig({ include: ["*.jpg", { kind: "regex", pattern: "([a-z]" }] }),
    });
    expectError(badRegex, 400, "VALIDATION_FAILED");
    expect(badRegex.body.error.details).toEqual([
      { path: "include.1", message: expect.stringContaining('invalid regex "([a-z]"') },
    ]);
    const badKind = await stack.call({
      method: "POST",
      path: CONFIGS,
      body: newConfig({ exclude: [{ kind: "wildcard", pattern: "*.tmp" }] }),
    });
    expectError(badKind, 400, "VALIDATION_FAILED");
    expect(badKind.body.error.details).toEqual([
      { path: "exclude.0.kind", message: "kind must be one of regex, contains, extension, exact" },
    ]);
    expect((await stack.store.configs.list({ limit: 100 })).items.length).toBe(before);
  });

  it("refuses a bad max_delete with 400 stating the default cap and how to lift it", async () => {
    const reply = await stack.call({
      method: "POST",
      path: CONFIGS,
      body: newConfig({ max_delete: "lots" }),
    });
    expectError(reply, 400, "VALIDATION_FAILED");
    expect(reply.body.error.details).toEqual([
      { path: "max_delete", message: expect.stringMatching(/"100%" allows any number.*null.*at most half/) },
    ]);
  });

  it("refuses unknown fields and wrong types, naming each", async () => {
    const reply = await stack.call({
      method: "POST",
      path: CONFIGS,
      body: newConfig({ enabeld: false, mode: "sync", include: "*.jpg" }),
    });
    expectError(reply, 400, "VALIDATION_FAILED");
    const details: { path: string; message: string }[] = reply.body.error.details;
    expect(details.map((d) => d.path).sort()).toEqual(["", "include", "mode"]);
    expect(details.find((d) => d.path === "")?.message).toContain("enabeld");
  });
});

describe("a backend that refuses the spec", () => {
  it("answers 400 SCHEDULE_REFUSED before writing (eventbridge-rules is UTC only)", async () => {
    const rules = await startApiStack({ backend: "eventbridge-rules", now: NOW });
    try {
      const reply = await rules.call({
        method: "POST",
        path: CONFIGS,
        body: newConfig({ timezone: "Asia/Shanghai" }),
      });
      expectError(reply, 400, "SCHEDULE_REFUSED");
      expect(reply.body.error.details).toEqual([{ path: "timezone", message: expect.any(String) }]);
      expect((await rules.store.configs.list()).items).toEqual([]);
      const ok = await rules.call({ method: "POST", path: CONFIGS, body: newConfig() });
      expect(ok.status).toBe(201);
      const patch = await rules.call({
        method: "PATCH",
        path: `${CONFIGS}/${ok.body.id}`,
        body: { timezone: "Europe/Berlin" },
      });
      expectError(patch, 400, "SCHEDULE_REFUSED");
      expect((await rules.store.configs.get(ok.body.id))?.timezone).toBe("UTC");
    } finally {
      await rules.stop();
    }
  });
});

describe("GET /api/v1/sync-configs", () => {
  it("pages with limit and cursor, oldest first", async () => {
    const all = (await stack.call({ method: "GET", path: `${CONFIGS}?limit=100` })).body;
    expect(all.next_cursor).toBeNull();
    expect(all.items.length).toBeGreaterThanOrEqual(2);
    const first = await stack.call({ method: "GET", path: `${CONFIGS}?limit=1` });
    expect(first.body.items).toEqual([all.items[0]]);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    const second = await stack.call({
      method: "GET",
      path: `${CONFIGS}?limit=1&cursor=${encodeURIComponent(first.body.next_cursor)}`,
    });
    expect(second.body.items).toEqual([all.items[1]]);
  });

  it("answers 400 for a bad limit or cursor", async () => {
    for (const query of ["limit=0", "limit=101", "limit=abc", "limit=1.5", "cursor="]) {
      expectError(await stack.call({ method: "GET", path: `${CONFIGS}?${query}` }), 400, "VALIDATION_FAILED");
    }
    expectError(
      await stack.call({ method: "GET", path: `${CONFIGS}?cursor=not-a-cursor` }),
      400,
      "INVALID_CURSOR",
    );
  });
});

describe("GET /api/v1/sync-configs/{id}", () => {
  it("returns one config, 404 for an unknown or impossible id", async () => {
    const created = await create();
    expect(await stack.call({ method: "GET", path: `${CONFIGS}/${created.id}` })).toMatchObject({
      status: 200,
      body: created,
    });
    expectError(await stack.call({ method: "GET", path: `${CONFIGS}/NOPE` }), 404, "NOT_FOUND");
    expectError(await stack.call({ method: "GET", path: `${CONFIGS}/a%20b` }), 404, "NOT_FOUND");
  });
});

describe("PATCH and PUT /api/v1/sync-configs/{id}", () => {
  it("PATCH changes the given fields and the schedule at once", async () => {
    const created = await create();
    const reply = await stack.call({
      method: "PATCH",
      path: `${CONFIGS}/${created.id}`,
      body: { cron: "*/30 * * * *" },
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      id: created.id,
      cron: "*/30 * * * *",
      name: created.name,
      version: 2,
    });
    expect(reply.body.next_runs[0]).toBe("2026-11-28T22:30:00.000Z");
    expect((await schedulesOf(created.id))[0]?.expression).toBe("cron(0,30 * * * ? *)");
  });

  it("PATCH of one location refuses an overlap with the other as stored, and changes nothing", async () => {
    const created = await create({ source: "/data/docs", target: "/backup/docs" });
    for (const body of [{ target: "/data/docs/backup" }, { source: "/backup" }]) {
      const reply = await stack.call({ method: "PATCH", path: `${CONFIGS}/${created.id}`, body });
      expectError(reply, 400, "VALIDATION_FAILED");
      expect(reply.body.error.details).toEqual([
        { path: Object.keys(body)[0], message: expect.stringContaining("source") },
      ]);
    }
    expect(await stack.store.configs.get(created.id)).toMatchObject({
      source: "/data/docs",
      target: "/backup/docs",
      version: 1,
    });
  });

  it("disabling removes the schedule and the next runs; enabling brings them back", async () => {
    const created = await create();
    const off = await stack.call({
      method: "PATCH",
      path: `${CONFIGS}/${created.id}`,
      body: { enabled: false },
    });
    expect(off.body).toMatchObject({ enabled: false, next_runs: [] });
    expect(await schedulesOf(created.id)).toEqual([]);
    const on = await stack.call({
      method: "PATCH",
      path: `${CONFIGS}/${created.id}`,
      body: { enabled: true },
    });
    expect(on.body.next_runs).toHaveLength(5);
    expect(await schedulesOf(created.id)).toHaveLength(1);
  });

  it("honours If-Match: 409 for a stale version, 400 for a malformed one", async () => {
    const created = await create();
    const stale = await stack.call({
      method: "PATCH",
      path: `${CONFIGS}/${created.id}`,
      headers: { "if-match": '"7"' },
      body: { name: "renamed" },
    });
    expectError(stale, 409, "CONFLICT");
    expectError(
      await stack.call({
        method: "PATCH",
        path: `${CONFIGS}/${created.id}`,
        headers: { "if-match": "*" },
        body: { name: "x" },
      }),
      400,
      "BAD_REQUEST",
    );
    const fresh = await stack.call({
      method: "PATCH",
      path: `${CONFIGS}/${created.id}`,
      headers: { "if-match": '"1"' },
      body: { name: "renamed" },
    });
    expect(fresh.body).toMatchObject({ name: "renamed", version: 2 });
  });

  it("PATCH answers 404 for an unknown id and 400 for an empty patch", async () => {
    expectError(
      await stack.call({ method: "PATCH", path: `${CONFIGS}/NOPE`, body: { name: "x" } }),
      404,
      "NOT_FOUND",
    );
    const created = await create();
    expectError(
      await stack.call({ method: "PATCH", path: `${CONFIGS}/${created.id}`, body: {} }),
      400,
      "VALIDATION_FAILED",
    );
  });

  it("PUT replaces every field, resetting the omitted ones to their defaults", async () => {
    // A target of its own: a mirror may not share the other tests' (TARGET_SHARED).
    const target = "webdav://dav.example.com/backup/replaced";
    const created = await create({ include: ["*.jpg"], mode: "mirror", max_delete: "10%", target });
    const reply = await stack.call({
      method: "PUT",
      path: `${CONFIGS}/${created.id}`,
      body: newConfig({ name: "replaced", cron: "0 6 * * 0", target }),
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      id: created.id,
      name: "replaced",
      include: [],
      mode: "copy",
      max_delete: null,
      version: 2,
      created_at: created.created_at,
    });
    expect((await schedulesOf(created.id))[0]?.expression).toBe("cron(0 6 ? * 1 *)");
    expectError(
      await stack.call({ method: "PUT", path: `${CONFIGS}/${created.id}`, body: { name: "only" } }),
      400,
      "VALIDATION_FAILED",
    );
    expectError(
      await stack.call({ method: "PUT", path: `${CONFIGS}/NOPE`, body: newConfig() }),
      404,
      "NOT_FOUND",
    );
  });
});

describe("DELETE /api/v1/sync-configs/{id}", () => {
  it("deletes the config and its schedule; a second delete is a 404", async () => {
    const created = await create();
    const reply = await stack.call({ method: "DELETE", path: `${CONFIGS}/${created.id}` });
    expect(reply).toMatchObject({ status: 200, body: { id: created.id, deleted: true } });
    expect(await schedulesOf(created.id)).toEqual([]);
    expectError(await stack.call({ method: "GET", path: `${CONFIGS}/${created.id}` }), 404, "NOT_FOUND");
    expectError(await stack.call({ method: "DELETE", path: `${CONFIGS}/${created.id}` }), 404, "NOT_FOUND");
  });
});

describe("GET /api/v1/sync-configs/{id}/runs", () => {
  it("lists a config's runs newest first, paged; 404 for an unknown config", async () => {
    const created = await create();
    const tasks: string[] = [];
    for (const minute of [1, 2, 3]) {
      stack.setNow(new Date(NOW.getTime() + minute * 60_000));
      const run = await stack.call({
        method: "POST",
        path: `/api/v1/task/scheduler/execute-sync/${created.id}`,
      });
      tasks.push(run.body.task_id);
    }
    const page = await stack.call({ method: "GET", path: `${CONFIGS}/${created.id}/runs?limit=2` });
    expect(page.status).toBe(200);
    expect(page.body.items.map((run: { task_id: string }) => run.task_id)).toEqual([tasks[2], tasks[1]]);
    expect(page.body.items[0]).toMatchObject({ config_id: created.id, status: "PENDING", trigger: "manual" });
    const rest = await stack.call({
      method: "GET",
      path: `${CONFIGS}/${created.id}/runs?limit=2&cursor=${encodeURIComponent(page.body.next_cursor)}`,
    });
    expect(rest.body).toEqual({ items: [expect.objectContaining({ task_id: tasks[0] })], next_cursor: null });
    expectError(await stack.call({ method: "GET", path: `${CONFIGS}/NOPE/runs` }), 404, "NOT_FOUND");
  });
});

describe("a scheduler outage", () => {
  it("keeps the config write, reports schedule_error, and refresh-tasks repairs it", async () => {
    const outage = await startApiStack({ scheduler: flakyScheduler, now: NOW });
    try {
      const scheduler = outage.scheduler as ReturnType<typeof flakyScheduler>;
      scheduler.failing = true;
      const reply = await outage.call({ method: "POST", path: CONFIGS, body: newConfig() });
      expect(reply.status).toBe(201);
      expect(reply.body.schedule_error).toMatch(/refresh-tasks/);
      expect(await outage.store.configs.get(reply.body.id)).toBeDefined();
      expect(
        outage.logs.some((line) => line.level === "error" && line.data?.config_id === reply.body.id),
      ).toBe(true);
      expectError(
        await outage.call({ method: "POST", path: "/api/v1/task/scheduler/refresh-tasks" }),
        503,
        "SCHEDULER_UNAVAILABLE",
      );
      scheduler.failing = false;
      scheduler.failingWrites = true;
      const failed = await outage.call({ method: "POST", path: "/api/v1/task/scheduler/refresh-tasks" });
      expect(failed.body).toEqual({
        success: false,
        added_count: 0,
        updated_count: 0,
        removed_count: 0,
        unchanged_count: 0,
        errors: [{ config_id: reply.body.id, message: expect.stringContaining("unavailable") }],
        message: "定时任务已刷新，当前 0 个定时任务",
        total_configs: 1,
        skipped_count: 0,
        error_count: 1,
        active_tasks: 0,
      });
      scheduler.failingWrites = false;
      const refresh = await outage.call({ method: "POST", path: "/api/v1/task/scheduler/refresh-tasks" });
      expect(refresh.body).toEqual({
        success: true,
        added_count: 1,
        updated_count: 0,
        removed_count: 0,
        unchanged_count: 0,
        errors: [],
        message: "定时任务已刷新，当前 1 个定时任务",
        total_configs: 1,
        skipped_count: 0,
        error_count: 0,
        active_tasks: 1,
      });
    } finally {
      await outage.stop();
    }
  });
});
