import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JsonBody } from "../../test/support/api/api-event.ts";
import { type ApiStack, startApiStack } from "../../test/support/api/api-stack.ts";
import { tempDir } from "../../test/support/temp-dir.ts";

/**
 * Two configs whose targets overlap, one of them a mirror, are refused where configs enter (create,
 * PUT, PATCH, preview, seed import): the mirror would delete the other's files at every run.
 */
const CONFIGS = "/api/v1/sync-configs";

let stack: ApiStack;
let root: string;
let tree = 0;
/** A WebDAV folder of this test alone (every test shares the store). */
const place = () => `webdav://dav.example.com/t${++tree}`;

beforeAll(async () => {
  stack = await startApiStack();
  root = await tempDir("syncron-shared-target-");
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

const fields = (overrides: Record<string, unknown>) => ({
  name: "backup",
  source: "/data/photos",
  cron: "0 2 * * *",
  ...overrides,
});
const post = (body: Record<string, unknown>, path = CONFIGS) =>
  stack.call({ method: "POST", path, body: fields(body) });
const create = async (body: Record<string, unknown>): Promise<JsonBody> => {
  const reply = await post(body);
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return reply.body;
};
const allConfigs = async (): Promise<JsonBody[]> =>
  (await stack.call({ method: "GET", path: `${CONFIGS}?limit=100` })).body.items;

/** A 409 TARGET_SHARED naming `other` and both targets. */
const expectShared = (reply: { status: number; body: JsonBody }, other: JsonBody, target: string) => {
  expect(reply.status, JSON.stringify(reply.body)).toBe(409);
  expect(reply.body.error).toEqual({
    code: "TARGET_SHARED",
    message: expect.stringContaining(`sync config ${other.id} (${JSON.stringify(other.name)})`),
    details: { path: "target", target, config: { id: other.id, name: other.name, target: other.target } },
  });
  expect(reply.body.error.message).toContain(other.target);
  expect(reply.body.error.message).toContain(target);
};

describe("a target shared with a mirror", () => {
  it("refuses a mirror into another config's target (or a folder in it), and a copy into a mirror's, writing nothing", async () => {
    const base = place();
    const copy = await create({ name: "their copy", target: `${base}/sub` });
    const before = await allConfigs();
    const schedules = (await stack.scheduler.list()).length;

    expectShared(await post({ mode: "mirror", target: base }), copy, base);
    expectShared(await post({ mode: "mirror", target: `${base}/sub/deeper` }), copy, `${base}/sub/deeper`);
    const mirror = await create({ name: "the mirror", mode: "mirror", target: place() });
    expectShared(await post({ target: `${mirror.target}/in` }), mirror, `${mirror.target}/in`);

    expect((await allConfigs()).length).toBe(before.length + 1);
    expect((await stack.scheduler.list()).length).toBe(schedules + 1);
  });

  it("judges two spellings of one place, and a drive's name:path against its own folder, as one", async () => {
    const mirror = await create({
      name: "spelled",
      mode: "mirror",
      target: "webdav://dav.example.com/spell/a",
    });
    const other = "webdav://DAV.Example.COM:80/spell//a/b/";
    expectShared(await post({ target: other }), mirror, other);

    const local = await create({ name: "local mirror", mode: "mirror", target: "files:/photos" });
    expectShared(await post({ target: join(root, "photos", "2026") }), local, join(root, "photos", "2026"));
    const direct = await create({ name: "direct", target: join(root, "music") });
    expectShared(await post({ mode: "mirror", target: "files:/music" }), direct, "files:/music");
  });

  it("allows copy-only configs to share a target, and a mirror whose target is another config's source", async () => {
    const base = place();
    await create({ target: base });
    await create({ target: base });
    await create({ target: `${base}/sub` });
    // It only writes where the other reads: a chain, not a conflict.
    const staged = place();
    await create({ source: `${staged}/out`, target: place() });
    await create({ mode: "mirror", target: staged });
  });

  it("refuses a PATCH or PUT that makes a config share a target with a mirror, keeping it as it was", async () => {
    const base = place();
    const copy = await create({ name: "first copy", target: base });
    const second = await create({ name: "second copy", target: base });

    const patched = await stack.call({
      method: "PATCH",
      path: `${CONFIGS}/${second.id}`,
      body: { mode: "mirror" },
    });
    expectShared(patched, copy, base);

    const elsewhere = await create({ name: "elsewhere", mode: "mirror", target: place() });
    const put = await stack.call({
      method: "PUT",
      path: `${CONFIGS}/${elsewhere.id}`,
      body: fields({ name: "elsewhere", mode: "mirror", target: `${base}/x` }),
    });
    expectShared(put, copy, `${base}/x`);

    const stored = await stack.call({ method: "GET", path: `${CONFIGS}/${second.id}` });
    expect(stored.body).toMatchObject({ mode: "copy", version: second.version });
    expect((await stack.call({ method: "GET", path: `${CONFIGS}/${elsewhere.id}` })).body).toMatchObject({
      target: elsewhere.target,
      version: elsewhere.version,
    });
    // A config edited on its own fields (its target its own) passes.
    const renamed = await stack.call({
      method: "PATCH",
      path: `${CONFIGS}/${second.id}`,
      body: { name: "renamed" },
    });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
  });

  it("lets a disabled config share a target, and refuses to enable it", async () => {
    const base = place();
    const mirror = await create({ name: "live mirror", mode: "mirror", target: base });
    const parked = await create({ name: "parked", target: base, enabled: false });
    const enable = await stack.call({
      method: "PATCH",
      path: `${CONFIGS}/${parked.id}`,
      body: { enabled: true },
    });
    expectShared(enable, mirror, base);
    // Disabling the mirror lets the other go on.
    const off = await stack.call({
      method: "PATCH",
      path: `${CONFIGS}/${mirror.id}`,
      body: { enabled: false },
    });
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    const on = await stack.call({
      method: "PATCH",
      path: `${CONFIGS}/${parked.id}`,
      body: { enabled: true },
    });
    expect(on.status, JSON.stringify(on.body)).toBe(200);
  });

  it("refuses a preview whose target a mirror shares", async () => {
    const mirror = await create({ name: "preview's mirror", mode: "mirror", target: place() });
    const reply = await post({ target: mirror.target }, `${CONFIGS}/preview`);
    expectShared(reply, mirror, mirror.target);
  });

  it("reports a seed row that would share a mirror's target as not carried, and carries the others", async () => {
    const mirror = await create({ name: "seed's mirror", mode: "mirror", target: "files:/seed/copy/1" });
    const rows = [1, 2].map((id) => ({
      id: 900 + id,
      remark: `config ${id}`,
      src_path: `/share/${id}`,
      dst_path: `/copy/${id}`,
      user_id: 3,
      cron: "0 2 * * *",
      method: "incremental",
    }));
    const reply = await stack.call({
      method: "POST",
      path: `${CONFIGS}/import`,
      body: { rows, map: { "3": "files:/seed" } },
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    const [refused, carried] = reply.body.rows;
    expect(refused).toMatchObject({ outcome: "not_carried", problems: [{ field: "dst_path" }] });
    expect(refused.problems[0].message).toContain(`sync config ${mirror.id}`);
    expect(carried).toMatchObject({ outcome: "created" });

    // Rows of one import are judged against each other too, in a dry run as in an import.
    const pair = [
      { ...rows[1], id: 950, dst_path: "/copy/50", method: "full" },
      { ...rows[1], id: 951, dst_path: "/copy/50/x" },
    ];
    for (const dry_run of [true, false]) {
      const both = await stack.call({
        method: "POST",
        path: `${CONFIGS}/import`,
        body: { rows: pair, map: { "3": "files:/seed" }, dry_run },
      });
      expect(both.status, JSON.stringify(both.body)).toBe(200);
      expect(both.body.rows.map((row: JsonBody) => row.outcome)).toEqual([
        dry_run ? "would_create" : "created",
        "not_carried",
      ]);
      expect(both.body.rows[1].problems[0].message).toContain('sync config 950 ("config 2")');
    }
  });
});
