import { execFile } from "node:child_process";
import { mkdir, readdir, readFile, realpath, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import {
  BIN,
  E2E_TIMEOUT_MS,
  http,
  killAll,
  removeTempDirs,
  startDev,
  tempDir,
  waitForRun,
} from "../support/dev/dev-process.ts";

const run = promisify(execFile);

afterAll(async () => {
  await killAll();
  await removeTempDirs();
});

/** `syncron …` as a user runs it: exit code and output. */
async function syncron(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? "", stderr: failed.stderr ?? "" };
  }
}

const row = (id: number, extra: Record<string, unknown> = {}) => ({
  id,
  type: "BaiduDrive",
  remark: `seed ${id}`,
  src_path: `/share/${id}`,
  src_meta: null,
  dst_path: `/copy/${id}`,
  dst_meta: '{"file_id": "123"}',
  user_id: 3,
  enable: true,
  cron: "0 2 * * *",
  speed: 0,
  method: "incremental",
  end_time: null,
  exclude: null,
  rename: null,
  last_sync: null,
  created_time: "2025-06-01 12:00:00",
  created_by: 1,
  ...extra,
});

/** 23 rows: every method, every rule kind, end times past and future, disabled rows, 5 that cannot be carried. */
const EXPORT = [
  row(1, {
    remark: "照片",
    src_path: "/share/photos",
    dst_path: "/copy/photos",
    speed: 2,
    exclude: [
      { pattern: "tmp", target: "extension", item_type: "file", mode: "exact", case_sensitive: false },
    ],
    last_sync: "2026-11-01 10:00:00",
  }),
  row(2, { method: "full", exclude: [{ pattern: "\\.bak$", target: "name", mode: "regex" }] }),
  row(3, { method: "overwrite", exclude: [{ pattern: "cache", item_type: "folder", mode: "contains" }] }),
  row(4, { method: "copy", exclude: [{ pattern: "*.part", mode: "wildcard" }] }),
  row(5, { exclude: [{ pattern: "Thumbs.db", mode: "exact", case_sensitive: true }] }),
  row(6, { exclude: [{ pattern: "/private/", target: "path", mode: "contains" }] }),
  row(7, { enable: false }),
  row(8, { enable: false, method: "full" }),
  row(9, { end_time: "2020-01-01 00:00:00" }),
  row(10, { end_time: "2030-01-01 00:00:00" }),
  row(11, { speed: 1 }),
  row(12, { speed: 0, method: "overwrite" }),
  row(13, { user_id: 4 }),
  row(14, { exclude: '[{"pattern": "mp", "target": "extension", "mode": "contains"}]' }),
  row(15, { rename: "[]" }),
  row(16, { cron: "*/30 * * * *" }),
  row(17, { cron: "0 9,18 * * 1-5" }),
  row(18, { src_meta: '{"source_type": "friend", "source_id": "1234567", "ext_params": {}}' }),
  row(19, { user_id: 9 }),
  row(20, { rename: [{ match_regex: "^(.*)\\.mp4$", replace_string: "\\1.mkv", target_scope: "name" }] }),
  row(21, { cron: null }),
  row(22, { exclude: [{ pattern: "^mp", target: "extension", mode: "regex" }] }),
  row(23, { exclude: [{ pattern: "(?P<year>\\d{4})", mode: "regex" }] }),
];
const NOT_CARRIED = [19, 20, 21, 22, 23];

describe("syncron import --from-seed, against a real syncron dev", { timeout: 2 * E2E_TIMEOUT_MS }, () => {
  it("dry-runs, imports 18 of 23 rows keeping their ids, changes nothing the second time, and runs execute-sync/1", async () => {
    const work = await realpath(await tempDir());
    const baidu = join(work, "baidu");
    await mkdir(join(baidu, "share", "photos", "2026"), { recursive: true });
    await writeFile(join(baidu, "share", "photos", "a.jpg"), "jpeg bytes");
    await writeFile(join(baidu, "share", "photos", "2026", "b.png"), "png");
    await writeFile(join(baidu, "share", "photos", "upload.TMP"), "partial");
    await mkdir(join(work, "quark"), { recursive: true });
    const file = join(work, "seed-export.json");
    await writeFile(file, JSON.stringify({ code: 200, msg: "请求成功", data: { items: EXPORT, total: 23 } }));

    const dev = await startDev({
      dataDir: join(work, ".syncron"),
      cwd: work,
      env: { SYNCRON_LOCAL_ROOTS: work },
    });
    for (const [name, root] of [
      ["baidu", baidu],
      ["quark", join(work, "quark")],
    ]) {
      const drive = await http(dev.url, "POST", "/api/v1/drives", { json: { name, type: "local", root } });
      expect(drive.status, drive.text).toBe(201);
    }
    const importArgs = [
      "import",
      "--from-seed",
      file,
      "--map",
      "3=baidu:/",
      "--map",
      "4=quark:/q",
      "--url",
      dev.url,
    ];

    const dry = await syncron([...importArgs, "--dry-run"]);
    expect(dry.code, dry.stderr).toBe(1);
    expect(dry.stdout).toContain('row 0 (seed id 1): would create  → config 1 "照片"');
    expect(dry.stdout).toContain('baidu:/share/photos → baidu:/copy/photos  copy  "0 2 * * *" Asia/Shanghai');
    expect(dry.stdout).toContain(
      "not carried: user_id: drive account 9 is not mapped: add --map 9=DRIVE:/FOLDER",
    );
    expect(dry.stdout).toContain("not carried: rename: syncron has no rename rules");
    expect(dry.stdout).toContain("not carried: cron: is empty");
    expect(dry.stdout).toMatch(
      /not carried: exclude\.0: a regex rule on the extension has no syncron equivalent/,
    );
    expect(dry.stdout).toMatch(/not carried: exclude\.0: invalid regex .*not valid JavaScript/);
    expect(dry.stdout).toContain("dry run, nothing written: 18 would create, 5 not carried");
    expect((await http(dev.url, "GET", "/api/v1/sync-configs")).body.items).toEqual([]);

    const imported = await syncron([...importArgs, "--json"]);
    expect(imported.code, imported.stderr).toBe(1);
    const report = JSON.parse(imported.stdout);
    expect(report.summary).toMatchObject({ created: 18, not_carried: 5, failed: 0, conflict: 0 });
    expect(
      report.rows
        .filter((r: { outcome: string }) => r.outcome === "not_carried")
        .map((r: { seed_id: number }) => r.seed_id),
    ).toEqual(NOT_CARRIED);

    const listed = await http(dev.url, "GET", "/api/v1/sync-configs?limit=100");
    const byId = new Map<string, Record<string, unknown>>(
      listed.body.items.map((config: { id: string }) => [config.id, config]),
    );
    expect([...byId.keys()].sort((a, b) => Number(a) - Number(b))).toEqual(
      EXPORT.map((r) => r.id)
        .filter((id) => !NOT_CARRIED.includes(id))
        .map(String),
    );
    expect(byId.get("1")).toMatchObject({
      name: "照片",
      source: "baidu:/share/photos",
      target: "baidu:/copy/photos",
      timezone: "Asia/Shanghai",
      mode: "copy",
      tps: null,
      exclude: [{ kind: "extension", pattern: "tmp", on: "name", items: "file", ignore_case: true }],
      last_run: { task_id: "seed-last-sync", status: "SUCCESS", finished_at: "2026-11-01T02:00:00.000Z" },
    });
    expect(byId.get("2")).toMatchObject({ mode: "mirror", exclude: [{ kind: "regex", pattern: "\\.bak$" }] });
    expect(byId.get("3")).toMatchObject({
      mode: "overwrite",
      exclude: [{ kind: "contains", items: "folder" }],
    });
    expect(byId.get("4")).toMatchObject({ mode: "copy", exclude: [{ kind: "regex", pattern: ".*\\.part" }] });
    expect(byId.get("5")).toMatchObject({ exclude: [{ kind: "exact", ignore_case: false }] });
    expect(byId.get("6")).toMatchObject({ exclude: [{ kind: "contains", on: "path" }] });
    expect(byId.get("7")).toMatchObject({ enabled: false, next_runs: [] });
    expect(byId.get("9")).toMatchObject({ end_time: "2019-12-31T16:00:00.000Z", next_runs: [] });
    expect(byId.get("10")).toMatchObject({ end_time: "2029-12-31T16:00:00.000Z" });
    expect(byId.get("10")).toMatchObject({
      next_runs: expect.arrayContaining([expect.stringMatching(/T18:00:00\.000Z$/)]),
    }); // 02:00 in Shanghai
    expect(byId.get("11")).toMatchObject({ tps: 0.3 });
    expect(byId.get("12")).toMatchObject({ tps: null, mode: "overwrite" });
    expect(byId.get("13")).toMatchObject({ source: "quark:/q/share/13", target: "quark:/q/copy/13" });

    const again = await syncron([...importArgs, "--json"]);
    expect(JSON.parse(again.stdout).summary).toMatchObject({ unchanged: 18, not_carried: 5, created: 0 });
    const relisted = await http(dev.url, "GET", "/api/v1/sync-configs?limit=100");
    expect(relisted.body.items.map((c: { id: string; version: number }) => [c.id, c.version])).toEqual(
      listed.body.items.map((c: { id: string; version: number }) => [c.id, c.version]),
    );

    // The seed guide's spelling: curl -X POST "http://localhost:8000/api/v1/task/scheduler/execute-sync/1"
    const { stdout } = await run("curl", [
      "-sS",
      "-X",
      "POST",
      `${dev.url}/api/v1/task/scheduler/execute-sync/1`,
    ]);
    const queued = JSON.parse(stdout);
    expect(queued).toMatchObject({ config_id: "1", status: "PENDING" });
    const finished = await waitForRun(dev.url, queued.task_id);
    expect(finished.status, JSON.stringify(finished)).toBe("SUCCESS");
    const items = await http(dev.url, "GET", `/api/v1/task/scheduler/task-result/${queued.task_id}/items`);
    expect(items.status, items.text).toBe(200);
    expect(
      items.body.items
        .map((item: { path: string; op: string; status: string }) => [item.path, item.op, item.status])
        .sort(),
    ).toEqual([
      ["2026/b.png", "copy", "done"],
      ["a.jpg", "copy", "done"],
    ]);
    expect(await readdir(join(baidu, "copy", "photos"))).toEqual(["2026", "a.jpg"]);
    expect(await readFile(join(baidu, "copy", "photos", "a.jpg"), "utf8")).toBe("jpeg bytes");
    expect(await dev.stop()).toBe(0);
  });

  it("refuses to start with a SYNCRON_DEFAULT_TIMEZONE that is not a time zone, naming it", async () => {
    const work = await realpath(await tempDir());
    const dev = startDev({
      dataDir: join(work, ".syncron"),
      cwd: work,
      env: { SYNCRON_DEFAULT_TIMEZONE: "Asia/Peking" },
    });
    await expect(dev).rejects.toThrow(
      /syncron dev: could not start: SYNCRON_DEFAULT_TIMEZONE="Asia\/Peking" is not a known IANA time zone/,
    );
  });
});
