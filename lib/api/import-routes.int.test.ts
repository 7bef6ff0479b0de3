import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiStack, startApiStack } from "../../test/support/api/api-stack.ts";
import { tempDir } from "../../test/support/temp-dir.ts";

const IMPORT = "/api/v1/sync-configs/import";
const CONFIGS = "/api/v1/sync-configs";

let stack: ApiStack;

beforeAll(async () => {
  stack = await startApiStack({ defaultTimezone: "Europe/Berlin" });
  const root = await tempDir("syncron-import-");
  const drive = await stack.call({
    method: "POST",
    path: "/api/v1/drives",
    body: { name: "files", type: "local", root },
  });
  expect(drive.status, JSON.stringify(drive.body)).toBe(201);
});
afterAll(async () => {
  await stack?.stop();
});

const seedRow = (id: number, extra: Record<string, unknown> = {}) => ({
  id,
  remark: `config ${id}`,
  src_path: `/share/${id}`,
  dst_path: `/copy/${id}`,
  user_id: 3,
  cron: "0 2 * * *",
  method: "incremental",
  ...extra,
});
const importRows = (rows: unknown[], extra: Record<string, unknown> = {}) =>
  stack.call({ method: "POST", path: IMPORT, body: { rows, map: { "3": "files:/seed" }, ...extra } });

describe("POST /api/v1/sync-configs/import", () => {
  it("a dry run reports each row and writes nothing; the import keeps the seed ids; a second import changes nothing", async () => {
    const rows = [
      seedRow(101, { last_sync: "2026-11-01 10:00:00", speed: 1 }),
      seedRow(102, { user_id: 9 }),
      seedRow(103, { dst_path: "/share/103/inside" }),
    ];
    const dry = await importRows(rows, { dry_run: true });
    expect(dry.status, JSON.stringify(dry.body)).toBe(200);
    expect(dry.body.summary).toMatchObject({ would_create: 1, not_carried: 2, created: 0 });
    expect(dry.body.rows.map((row: { outcome: string }) => row.outcome)).toEqual([
      "would_create",
      "not_carried",
      "not_carried",
    ]);
    expect(dry.body.rows[1].problems).toEqual([
      { field: "user_id", message: "drive account 9 is not mapped: add --map 9=DRIVE:/FOLDER" },
    ]);
    expect(dry.body.rows[2].problems).toEqual([
      { field: "dst_path", message: "target must not be the source or lie inside it (nor the reverse)" },
    ]);
    expect((await stack.call({ method: "GET", path: `${CONFIGS}/101` })).status).toBe(404);

    const done = await importRows(rows);
    expect(done.body.summary).toMatchObject({ created: 1, not_carried: 2 });
    const stored = await stack.call({ method: "GET", path: `${CONFIGS}/101` });
    expect(stored.body).toMatchObject({
      id: "101",
      name: "config 101",
      source: "files:/seed/share/101",
      target: "files:/seed/copy/101",
      timezone: "Asia/Shanghai",
      mode: "copy",
      compare: "size",
      tps: 0.3,
      last_run: { task_id: "seed-last-sync", status: "SUCCESS", finished_at: "2026-11-01T02:00:00.000Z" },
      version: 1,
    });
    for (const id of ["102", "103"])
      expect((await stack.call({ method: "GET", path: `${CONFIGS}/${id}` })).status).toBe(404);

    const again = await importRows(rows);
    expect(again.body.summary).toMatchObject({ unchanged: 1, not_carried: 2, created: 0 });
    expect((await stack.call({ method: "GET", path: `${CONFIGS}/101` })).body).toEqual(stored.body);

    const queued = await stack.call({ method: "POST", path: "/api/v1/task/scheduler/execute-sync/101" });
    expect(queued.status, JSON.stringify(queued.body)).toBe(202);
  });

  it("reports a row whose id holds other content as a conflict, and replaces it only when asked", async () => {
    await importRows([seedRow(201)]);
    const changed = [seedRow(201, { cron: "30 3 * * *" })];
    const conflict = await importRows(changed);
    expect(conflict.body.rows[0]).toMatchObject({ outcome: "conflict", differs: ["cron"] });
    expect((await stack.call({ method: "GET", path: `${CONFIGS}/201` })).body.cron).toBe("0 2 * * *");
    const replaced = await importRows(changed, { replace: true });
    expect(replaced.body.rows[0]).toMatchObject({ outcome: "replaced", differs: ["cron"] });
    expect((await stack.call({ method: "GET", path: `${CONFIGS}/201` })).body).toMatchObject({
      cron: "30 3 * * *",
      version: 2,
    });
  });

  it("takes an id once when two imports race for it", async () => {
    const replies = await Promise.all([importRows([seedRow(301)]), importRows([seedRow(301)])]);
    const outcomes = replies.map((reply) => reply.body.rows[0].outcome).sort();
    expect(outcomes).toEqual(["conflict", "created"]);
  });

  it("refuses a row whose id appears twice, and the second only", async () => {
    const reply = await importRows([seedRow(401), seedRow(401, { remark: "again" })], { dry_run: true });
    expect(reply.body.rows.map((row: { outcome: string }) => row.outcome)).toEqual([
      "would_create",
      "not_carried",
    ]);
    expect(reply.body.rows[1].problems).toEqual([
      { field: "id", message: "id 401 is also row 0 of the export" },
    ]);
  });

  it("answers 400 naming a bad map entry or time zone, and writes nothing", async () => {
    const badMap = await stack.call({
      method: "POST",
      path: IMPORT,
      body: { rows: [seedRow(501)], map: { "3": "Files" } },
    });
    expect(badMap.status).toBe(400);
    expect(badMap.body.error.details).toEqual([
      { path: "map", message: expect.stringMatching(/^map 3: "Files" must be DRIVE:\/FOLDER/) },
    ]);
    const badZone = await importRows([seedRow(501)], { timezone: "Asia/Peking" });
    expect(badZone.status).toBe(400);
    expect(badZone.body.error.details).toEqual([
      { path: "timezone", message: '"Asia/Peking" is not a known IANA time zone' },
    ]);
    expect((await stack.call({ method: "GET", path: `${CONFIGS}/501` })).status).toBe(404);
  });

  it("new configs keep getting ULIDs, in the deployment's default time zone when they name none", async () => {
    const created = await stack.call({
      method: "POST",
      path: CONFIGS,
      body: { name: "new", source: "files:/a", target: "files:/b", cron: "0 2 * * *" },
    });
    expect(created.status).toBe(201);
    expect(created.body.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(created.body).toMatchObject({ timezone: "Europe/Berlin", tps: null });
  });
});
