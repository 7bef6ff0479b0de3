import { mkdir, readFile, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JsonBody } from "../../test/support/api/api-event.ts";
import { type ApiStack, startApiStack } from "../../test/support/api/api-stack.ts";
import {
  startWebdavTestServer,
  type WebdavTestServer,
} from "../../test/support/drives/webdav-test-server.ts";
import { REFUSED_ADDRESS } from "../../test/support/net/refused-address.ts";
import { tempDir } from "../../test/support/temp-dir.ts";
import { localRootsFrom } from "../drives/local-roots.ts";

const DRIVES = "/api/v1/drives";
const PASSWORD = "dav-Pa55-unique-91f3";
const ROTATED = "dav-Rotated-77c1";

const expectError = (reply: { status: number; body: JsonBody }, status: number, code: string) => {
  expect(reply.status, JSON.stringify(reply.body)).toBe(status);
  expect(reply.body.error).toMatchObject({ code, message: expect.any(String) });
};

let stack: ApiStack;
let dav: WebdavTestServer;
let davRoot: string;

beforeAll(async () => {
  davRoot = await tempDir("syncron-dav-");
  await mkdir(join(davRoot, "photos", "2026"), { recursive: true });
  await writeFile(join(davRoot, "photos", "a.jpg"), "12345");
  dav = await startWebdavTestServer({ root: davRoot, user: { username: "alice", password: PASSWORD } });
  stack = await startApiStack({ now: new Date("2026-11-28T22:00:00.000Z") });
});
afterAll(async () => {
  await stack?.stop();
  await dav?.stop();
});

const createNas = (overrides: Record<string, unknown> = {}) =>
  stack.call({
    method: "POST",
    path: DRIVES,
    body: { name: "nas", type: "webdav", url: dav.url, username: "alice", password: PASSWORD, ...overrides },
  });

describe("drives API", () => {
  it("creates a drive, answering which secrets are set and never the secret", async () => {
    const reply = await createNas({ vendor: "other" });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    expect(reply.headers.location).toBe(`${DRIVES}/nas`);
    expect(reply.body).toEqual({
      name: "nas",
      type: "webdav",
      url: dav.url,
      username: "alice",
      vendor: "other",
      secrets_set: ["password"],
      created_at: "2026-11-28T22:00:00.000Z",
      updated_at: "2026-11-28T22:00:00.000Z",
      version: 1,
    });
    expect(JSON.stringify(await stack.store.drives.get("nas"))).not.toContain(PASSWORD);
    expect(await readFile(stack.secretFile, "utf8")).toContain(PASSWORD);
    expectError(await createNas(), 409, "CONFLICT");
  });

  it("reads one and lists them paged", async () => {
    await stack.call({ method: "POST", path: DRIVES, body: { name: "disk", type: "local", root: davRoot } });
    const one = await stack.call({ method: "GET", path: `${DRIVES}/nas` });
    expect(one.body).toMatchObject({ name: "nas", secrets_set: ["password"] });
    const first = await stack.call({ method: "GET", path: `${DRIVES}?limit=1` });
    // Oldest first; created in the same millisecond here, so by name.
    expect(first.body.items.map((d: JsonBody) => d.name)).toEqual(["disk"]);
    const second = await stack.call({
      method: "GET",
      path: `${DRIVES}?limit=1&cursor=${encodeURIComponent(first.body.next_cursor)}`,
    });
    expect(second.body).toMatchObject({
      items: [{ name: "nas", type: "webdav", secrets_set: ["password"] }],
    });
    const disk = await stack.call({ method: "GET", path: `${DRIVES}/disk` });
    expect(disk.body).toMatchObject({ type: "local", root: davRoot, secrets_set: [] });
    expectError(await stack.call({ method: "GET", path: `${DRIVES}/nope` }), 404, "NOT_FOUND");
    expectError(await stack.call({ method: "GET", path: `${DRIVES}/NOT..A..NAME` }), 404, "NOT_FOUND");
  });

  it.each([
    [{ name: "Bad Name", type: "local", root: "/x" }, "name"],
    [{ name: "x", type: "ftp" }, "type"],
    [{ name: "x", type: "webdav", url: "https://u:p@host/dav" }, "url"],
    [{ name: "x", type: "webdav", url: "https://host/dav", password: "***" }, "password"],
    [{ name: "x", type: "s3", access_key_id: "AKIA" }, "secret_access_key"],
    [{ name: "x", type: "local", root: "/x", token: "t" }, ""],
  ])("refuses %j with a 400 naming %s, writing nothing", async (body, field) => {
    const reply = await stack.call({ method: "POST", path: DRIVES, body });
    expectError(reply, 400, "VALIDATION_FAILED");
    expect(reply.body.error.details.map((d: JsonBody) => d.path)).toContain(field);
    expect(await stack.store.drives.get("x")).toBeUndefined();
  });

  it("checks a login: ok, AUTH_FAILED, NOT_FOUND, UNREACHABLE", async () => {
    expect((await stack.call({ method: "POST", path: `${DRIVES}/nas/check` })).body).toEqual({ ok: true });
    await stack.call({
      method: "POST",
      path: DRIVES,
      body: { name: "wrong", type: "webdav", url: dav.url, username: "alice", password: "nope-wrong" },
    });
    await stack.call({
      method: "POST",
      path: DRIVES,
      body: {
        name: "gone",
        type: "webdav",
        url: `${dav.url}/no/such/folder`,
        username: "alice",
        password: PASSWORD,
      },
    });
    await stack.call({
      method: "POST",
      path: DRIVES,
      body: { name: "off", type: "webdav", url: `http://${REFUSED_ADDRESS}`, password: "x-pass" },
    });
    for (const [name, code] of [
      ["wrong", "AUTH_FAILED"],
      ["gone", "NOT_FOUND"],
      ["off", "UNREACHABLE"],
    ] as const) {
      const reply = await stack.call({ method: "POST", path: `${DRIVES}/${name}/check` });
      expect(reply.status).toBe(200);
      expect(reply.body, name).toEqual({ ok: false, error: { code, message: expect.any(String) } });
      expect(JSON.stringify(reply.body)).not.toMatch(/nope-wrong|x-pass|dav-Pa55/);
    }
    expectError(await stack.call({ method: "POST", path: `${DRIVES}/nope/check` }), 404, "NOT_FOUND");
  });

  it("lists one folder of a drive", async () => {
    const reply = await stack.call({ method: "GET", path: `${DRIVES}/nas/entries?path=/photos` });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.body).toEqual({
      path: "/photos",
      items: [
        { name: "2026", type: "directory", size: null, mod_time: expect.any(String) },
        { name: "a.jpg", type: "file", size: 5, mod_time: expect.any(String) },
      ],
      truncated: false,
    });
    expectError(
      await stack.call({ method: "GET", path: `${DRIVES}/disk/entries?path=/../etc` }),
      400,
      "VALIDATION_FAILED",
    );
  });

  it("PATCH rotates a secret or keeps it, refuses ***, and a rotation is what the next use reads", async () => {
    const kept = await stack.call({ method: "PATCH", path: `${DRIVES}/nas`, body: { vendor: null } });
    expect(kept.status, JSON.stringify(kept.body)).toBe(200);
    expect(kept.body).toMatchObject({ secrets_set: ["password"], version: 2 });
    expect(kept.body.vendor).toBeUndefined();
    expect((await stack.call({ method: "POST", path: `${DRIVES}/nas/check` })).body).toEqual({ ok: true });

    expectError(
      await stack.call({ method: "PATCH", path: `${DRIVES}/nas`, body: { password: "***" } }),
      400,
      "VALIDATION_FAILED",
    );
    const rotated = await stack.call({
      method: "PATCH",
      path: `${DRIVES}/nas`,
      headers: { "if-match": '"2"' },
      body: { password: ROTATED },
    });
    expect(rotated.body).toMatchObject({ secrets_set: ["password"], version: 3 });
    // The server still wants the old password: the rotated one is the one used now.
    expect((await stack.call({ method: "POST", path: `${DRIVES}/nas/check` })).body).toMatchObject({
      ok: false,
      error: { code: "AUTH_FAILED" },
    });
    expectError(
      await stack.call({
        method: "PATCH",
        path: `${DRIVES}/nas`,
        headers: { "if-match": '"2"' },
        body: { password: PASSWORD },
      }),
      409,
      "CONFLICT",
    );
    const back = await stack.call({ method: "PATCH", path: `${DRIVES}/nas`, body: { password: PASSWORD } });
    expect(back.body.version).toBe(4);
    expect((await stack.call({ method: "POST", path: `${DRIVES}/nas/check` })).body).toEqual({ ok: true });
    expectError(
      await stack.call({ method: "PATCH", path: `${DRIVES}/nas`, body: { name: "other" } }),
      400,
      "VALIDATION_FAILED",
    );
  });

  it("PUT replaces the drive: settings and secrets not sent are removed", async () => {
    const reply = await stack.call({
      method: "PUT",
      path: `${DRIVES}/nas`,
      body: { type: "webdav", url: dav.url, username: "alice" },
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.body).toMatchObject({ name: "nas", secrets_set: [], version: 5 });
    expect(await readFile(stack.secretFile, "utf8")).not.toContain('"nas"');
    expectError(
      await stack.call({ method: "PUT", path: `${DRIVES}/nas`, body: { type: "local", root: "/x" } }),
      400,
      "VALIDATION_FAILED",
    );
    await stack.call({
      method: "PUT",
      path: `${DRIVES}/nas`,
      body: { type: "webdav", url: dav.url, username: "alice", password: PASSWORD },
    });
    expect((await stack.call({ method: "POST", path: `${DRIVES}/nas/check` })).body).toEqual({ ok: true });
  });

  it("refuses to delete a drive configs use, naming them; deletes it and its secrets once unused", async () => {
    const config = await stack.call({
      method: "POST",
      path: "/api/v1/sync-configs",
      body: { name: "photos", source: "nas:/photos", target: "disk:/copy", cron: "0 2 * * *" },
    });
    expect(config.status, JSON.stringify(config.body)).toBe(201);
    const refused = await stack.call({ method: "DELETE", path: `${DRIVES}/nas` });
    expectError(refused, 409, "DRIVE_IN_USE");
    expect(refused.body.error.details).toEqual({ configs: [{ id: config.body.id, name: "photos" }] });
    expect(refused.body.error.message).toContain(config.body.id);
    await stack.call({ method: "DELETE", path: `/api/v1/sync-configs/${config.body.id}` });
    const deleted = await stack.call({ method: "DELETE", path: `${DRIVES}/nas` });
    expect(deleted.body).toEqual({ name: "nas", deleted: true });
    expect(await stack.store.drives.get("nas")).toBeUndefined();
    expect(JSON.parse(await readFile(stack.secretFile, "utf8")).drives.nas).toBeUndefined();
    expectError(await stack.call({ method: "DELETE", path: `${DRIVES}/nas` }), 404, "NOT_FOUND");
  });
});

describe("a PATCH that moves where a drive's secrets go", () => {
  it("must send the secrets again: kept, they went to the new server (a check read them off it)", async () => {
    const seen: string[] = [];
    const elsewhere = createServer((request, response) => {
      seen.push(`${request.method} ${request.headers.authorization ?? ""}`);
      request.resume();
      response.writeHead(401).end();
    });
    await new Promise<void>((resolve) => elsewhere.listen(0, "127.0.0.1", resolve));
    const there = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}`;
    try {
      const body = { name: "moving", type: "webdav", url: dav.url, username: "alice", password: PASSWORD };
      expect((await stack.call({ method: "POST", path: DRIVES, body })).status).toBe(201);
      const moved = await stack.call({ method: "PATCH", path: `${DRIVES}/moving`, body: { url: there } });
      expectError(moved, 400, "VALIDATION_FAILED");
      expect(moved.body.error.details).toEqual([
        { path: "url", message: expect.stringMatching(/stored password: send password again/) },
      ]);
      expect((await stack.call({ method: "GET", path: `${DRIVES}/moving` })).body).toMatchObject({
        url: dav.url,
        version: 1,
      });
      expect((await stack.call({ method: "POST", path: `${DRIVES}/moving/check` })).body).toEqual({
        ok: true,
      });
      expect(seen).toEqual([]);
      // Other settings change as before; a move that brings its secrets, or drops them, is taken.
      const renamed = await stack.call({
        method: "PATCH",
        path: `${DRIVES}/moving`,
        body: { username: "bob" },
      });
      expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
      const again = await stack.call({
        method: "PATCH",
        path: `${DRIVES}/moving`,
        body: { url: there, password: "for-the-new-server" },
      });
      expect(again.status, JSON.stringify(again.body)).toBe(200);
      expect(
        (
          await stack.call({
            method: "PATCH",
            path: `${DRIVES}/moving`,
            body: { url: dav.url, password: null },
          })
        ).body,
      ).toMatchObject({ url: dav.url, secrets_set: [] });
      // The same rule for OpenList's url and S3's endpoint.
      for (const [drive, field, value] of [
        [{ name: "ol", type: "openlist", url: dav.url, token: "tok-1" }, "url", there],
        [
          { name: "bucket", type: "s3", access_key_id: "AKIA1", secret_access_key: "sk-1" },
          "endpoint",
          there,
        ],
      ] as const) {
        expect((await stack.call({ method: "POST", path: DRIVES, body: drive })).status).toBe(201);
        const reply = await stack.call({
          method: "PATCH",
          path: `${DRIVES}/${drive.name}`,
          body: { [field]: value },
        });
        expectError(reply, 400, "VALIDATION_FAILED");
        expect(reply.body.error.details[0]).toMatchObject({ path: field });
      }
      expect(seen).toEqual([]);
    } finally {
      elsewhere.close();
    }
  });
});

describe("drive paths that lead out, and drives that fail", () => {
  // allowed/drive is a local drive; allowed/other lies in the allowed roots but not in the drive;
  // outside lies in neither. Symlinks in the drive point at both.
  let base: string;
  let confined: ApiStack;
  beforeAll(async () => {
    base = await realpath(await tempDir("syncron-drive-paths-"));
    for (const dir of ["allowed/drive/docs", "allowed/other", "outside"]) {
      await mkdir(join(base, dir), { recursive: true });
    }
    await writeFile(join(base, "outside/secret.txt"), "outside");
    await writeFile(join(base, "allowed/other/private.txt"), "other");
    await symlink(join(base, "outside"), join(base, "allowed/drive/out"));
    await symlink(join(base, "allowed/other"), join(base, "allowed/drive/side"));
    confined = await startApiStack({
      localRoots: localRootsFrom(join(base, "allowed"), { roots: [], rule: "unused" }),
    });
    const drive = await confined.call({
      method: "POST",
      path: DRIVES,
      body: { name: "disk", type: "local", root: join(base, "allowed/drive") },
    });
    expect(drive.status, JSON.stringify(drive.body)).toBe(201);
    await confined.call({
      method: "POST",
      path: DRIVES,
      body: { name: "off", type: "webdav", url: `http://${REFUSED_ADDRESS}`, password: "x-pass" },
    });
  });
  afterAll(async () => {
    await confined?.stop();
    await rm(base, { recursive: true, force: true });
  });

  it("refuses a folder that leads out of its drive through a symlink: entries, check, config create", async () => {
    for (const path of ["out", "side", "side/", "out/"]) {
      const listed = await confined.call({ method: "GET", path: `${DRIVES}/disk/entries?path=${path}` });
      expectError(listed, 400, "VALIDATION_FAILED");
      expect(listed.body.error.details).toEqual([
        {
          path: "path",
          message: expect.stringMatching(/leads out of its drive's root|outside the allowed roots/),
        },
      ]);
      expect(JSON.stringify(listed.body)).not.toMatch(/secret\.txt|private\.txt/);
      const checked = await confined.call({ method: "POST", path: `${DRIVES}/disk/check?path=${path}` });
      expectError(checked, 400, "VALIDATION_FAILED");
    }
    for (const [field, location] of [
      ["source", "disk:/out"],
      ["source", "disk:/side/x"],
      ["target", "disk:/side"],
    ] as const) {
      const body = {
        name: "n",
        source: "disk:/docs",
        target: "disk:/copy",
        cron: "0 2 * * *",
        [field]: location,
      };
      const created = await confined.call({ method: "POST", path: "/api/v1/sync-configs", body });
      expectError(created, 400, "VALIDATION_FAILED");
      expect(created.body.error.details).toEqual([
        { path: field, message: expect.stringContaining("leads out of its drive's root") },
      ]);
    }
    expect((await confined.call({ method: "GET", path: "/api/v1/sync-configs" })).body.items).toEqual([]);
    // Inside the drive, all is as before.
    const docs = await confined.call({ method: "GET", path: `${DRIVES}/disk/entries?path=docs` });
    expect(docs.body).toEqual({ path: "/docs", items: [], truncated: false });
  });

  it("answers 404 for a missing folder, 400 for a NUL in the path, 502 for a drive that does not answer", async () => {
    const missing = await confined.call({ method: "GET", path: `${DRIVES}/disk/entries?path=nope` });
    expectError(missing, 404, "NOT_FOUND");
    expect(missing.body.error.message).toBe('drive "disk", /nope: folder not found');
    expectError(
      await confined.call({ method: "GET", path: `${DRIVES}/disk/entries?path=a%00b` }),
      400,
      "VALIDATION_FAILED",
    );
    const off = await confined.call({ method: "GET", path: `${DRIVES}/off/entries?path=/` });
    expectError(off, 502, "UNREACHABLE");
    expect(JSON.stringify(off.body)).not.toContain("x-pass");
  });
});
