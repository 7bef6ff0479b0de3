import { createHash } from "node:crypto";
import { rmSync } from "node:fs";
import { readdir, stat as statFile, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDriveContract } from "../../../test/support/drives/drive-contract.ts";
import { type OpenListFixture, startOpenListFixture } from "../../../test/support/drives/openlist-fixture.ts";
import { listAll, readBytes, streamOf } from "../../../test/support/drives/streams.ts";
import { refusedAddress } from "../../../test/support/net/refused-address.ts";
import { DEFAULT_SYNC_OPTIONS, syncDrives } from "../../sync/index.ts";
import { AuthenticationError, DirectoryNotFoundError, DriveError, isRetryable } from "../errors.ts";
import { createMemoryDrive } from "../memory/memory-drive.ts";
import { createOpenListDrive } from "./openlist-drive.ts";
import { probeOpenListModTime } from "./probe-mod-time.ts";

const MOD_TIME = Date.UTC(2021, 4, 6, 7, 8, 9, 123);
let fixture: OpenListFixture;
const server = async () => {
  fixture ??= await startOpenListFixture();
  return fixture;
};
afterAll(async () => fixture?.stop());

runDriveContract({
  name: "openlist (test server, Local storage: keeps mod times; copies inside the storage)",
  newDrive: async () => (await server()).drive("/local"),
  newPeer: async () => (await server()).drive("/local"),
});
runDriveContract({
  name: "openlist (test server, cached cloud storage with md5/sha1, pages of 7; copies from another storage)",
  newDrive: async () => (await server()).drive("/cloud", { pageSize: 7 }),
  newPeer: async () => (await server()).drive("/local2"),
});

const write = (
  drive: Awaited<ReturnType<OpenListFixture["drive"]>>,
  path: string,
  data: string,
  modTime = MOD_TIME,
) => drive.write(path, streamOf(Buffer.from(data)), { path, size: Buffer.byteLength(data), modTime });

describe("openlist drive", () => {
  let f: OpenListFixture;
  beforeAll(async () => {
    f = await server();
  });

  it("lists a folder page by page (POST /api/fs/list, per_page)", async () => {
    const drive = await f.drive("/local", { pageSize: 4 });
    for (let i = 0; i < 10; i++) await write(drive, `f${i}.txt`, `${i}`);
    const before = f.server.requests.length;
    expect((await listAll(drive, "")).map((e) => e.path)).toEqual(
      Array.from({ length: 10 }, (_, i) => `f${i}.txt`),
    );
    expect(f.server.requests.slice(before).map((r) => r.path)).toEqual(Array(3).fill("/api/fs/list"));
  });

  it("lists a folder again when it changed between pages, so a mirror never deletes what is still there", {
    timeout: 30_000,
  }, async () => {
    // OpenList's Local storage is not cached: each page is a new read of the folder, so a file
    // removed after page 1 shifts page 2 by one and an entry fell between the pages unseen.
    let lists = 0;
    let change: (() => void) | undefined;
    const changing = await startOpenListFixture({
      throttle: (request) => {
        if (request.path === "/api/fs/list" && ++lists === 2) change?.();
        return undefined;
      },
    });
    try {
      const source = await changing.drive("/local", { pageSize: 4 });
      const names = Array.from({ length: 10 }, (_, i) => `f${i}.txt`);
      for (const name of names) await write(source, name, name);
      const target = createMemoryDrive();
      for (const name of names) await write(target, name, name);
      const [folder] = await readdir(changing.disks["/local"] ?? "");
      change = () => rmSync(join(changing.disks["/local"] ?? "", folder ?? "", "f0.txt"));
      lists = 0;

      const result = await syncDrives(source, target, { ...DEFAULT_SYNC_OPTIONS, mode: "mirror" });
      expect(result).toMatchObject({ status: "SUCCESS", deleted: 1 });
      expect((await listAll(target, "")).map((entry) => entry.path)).toEqual(names.slice(1));
      expect(lists).toBeGreaterThan(3); // page 1, page 2 (changed), then the whole folder again
    } finally {
      await changing.stop();
    }
  });

  it("follows no redirect of its API calls: the login's password and an upload's bytes went along", async () => {
    const seen: string[] = [];
    const elsewhere = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk) => {
        body += chunk;
      });
      request.on("end", () => {
        seen.push(`${request.method} ${request.url} ${body}`);
        response.writeHead(200, { "content-type": "application/json" });
        response.end(
          JSON.stringify({ code: 200, message: "success", data: { token: "t", content: [], total: 0 } }),
        );
      });
    });
    await new Promise<void>((resolve) => elsewhere.listen(0, "localhost", resolve));
    const there = `http://localhost:${(elsewhere.address() as AddressInfo).port}`;
    const front = createServer((request, response) => {
      request.resume();
      response.writeHead(307, { location: `${there}${request.url}` }).end();
    });
    await new Promise<void>((resolve) => front.listen(0, "127.0.0.1", resolve));
    try {
      const drive = createOpenListDrive({
        url: `http://127.0.0.1:${(front.address() as AddressInfo).port}`,
        username: "admin",
        password: "pw-never-elsewhere",
      });
      const listed = await listAll(drive, "").catch((e: unknown) => e);
      expect(listed).toBeInstanceOf(DriveError);
      expect((listed as DriveError).message).toMatch(
        /HTTP 307: redirects to http:\/\/localhost:\d+, not followed/,
      );
      const token = createOpenListDrive({
        url: `http://127.0.0.1:${(front.address() as AddressInfo).port}`,
        token: "tk",
      });
      await expect(write(token, "a.txt", "private bytes")).rejects.toThrow(/HTTP 307/);
      expect(seen).toEqual([]);
    } finally {
      front.close();
      elsewhere.close();
    }
  });

  it("masks its secrets in what a server echoes back into an error (the login's body is the password)", async () => {
    const password = 'pw "echoed" ü-77';
    // A server, or a proxy in front, that quotes the request it refused: as HTTP 400, and as OpenList's reply.
    for (const answer of [
      (body: string) => ({ status: 400, body: `bad request: ${body}` }),
      (body: string) => ({
        status: 200,
        body: JSON.stringify({ code: 400, message: `cannot parse ${body}` }),
      }),
    ]) {
      const echo = createServer((request, response) => {
        let body = "";
        request.on("data", (chunk) => {
          body += chunk;
        });
        request.on("end", () => {
          const { status, body: text } = answer(body);
          response.writeHead(status, { "content-type": "application/json" }).end(text);
        });
      });
      await new Promise<void>((resolve) => echo.listen(0, "127.0.0.1", resolve));
      try {
        const url = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
        const error = await listAll(createOpenListDrive({ url, username: "admin", password }), "").catch(
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(DriveError);
        const message = (error as DriveError).message;
        expect(message).toMatch(/admin/); // the echo is there, its secret masked
        expect(message).not.toContain("echoed");
        expect(message).toContain("***");
      } finally {
        echo.close();
      }
    }
  });

  it("keeps the mod time on a Local storage: Last-Modified reaches the file on disk", async () => {
    const drive = await f.drive("/local");
    const written = await write(drive, "a/b.txt", "b");
    expect(written.modTime).toBe(MOD_TIME);
    const [folder] = (await readdir(f.disks["/local"] ?? "")).filter((name) => drive.name.includes(name));
    expect((await statFile(join(f.disks["/local"] ?? "", folder ?? "", "a/b.txt"))).mtimeMs).toBeCloseTo(
      MOD_TIME,
      0,
    );
  });

  it("gives the storage's hashes from hashinfo and its own mod times once refreshed", async () => {
    const drive = await f.drive("/cloud", { refresh: true });
    expect(drive.features.canSetModTime).toBe(false);
    const before = Date.now() - 1000;
    await write(drive, "h.txt", "hashed");
    const [entry] = await listAll(drive, "");
    expect(entry?.kind === "file" && entry.hashes).toEqual({
      md5: createHash("md5").update("hashed").digest("hex"),
      sha1: createHash("sha1").update("hashed").digest("hex"),
    });
    expect((entry as { modTime: number }).modTime).toBeGreaterThan(before); // the upload time, not MOD_TIME
  });

  it("lists from OpenList's cache unless refresh is on", async () => {
    const cached = await f.drive("/cloud");
    await write(cached, "one.txt", "1");
    const folder = cached.name.slice(cached.name.lastIndexOf("/") + 1);
    await writeFile(join(f.disks["/cloud"] ?? "", folder, "outside.txt"), "added on the storage itself");
    expect((await listAll(cached, "")).map((e) => e.path)).toEqual(["one.txt"]);
    const fresh = createOpenListDrive({
      url: f.server.url,
      username: "admin",
      password: "secret",
      root: `/cloud/${folder}`,
      refresh: true,
    });
    expect((await listAll(fresh, "")).map((e) => e.path)).toEqual(["one.txt", "outside.txt"]);
  });

  it("renews an expired login token and logs in again after a 401", async () => {
    const short = await startOpenListFixture({
      tokenTtlMs: 2000,
      profiles: { "/local": { profile: "local" } },
    });
    try {
      const drive = await short.drive("/local");
      await write(drive, "x.txt", "x");
      const logins = () => short.server.requests.filter((r) => r.path === "/api/auth/login").length;
      expect(logins()).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 2100));
      expect((await listAll(drive, "")).map((e) => e.path)).toEqual(["x.txt"]);
      expect(logins()).toBe(2);
      short.server.invalidateTokens();
      expect((await drive.stat("x.txt")).size).toBe(1);
      expect(logins()).toBe(3);
    } finally {
      await short.stop();
    }
  });

  it("works with a static token and refuses bad credentials without showing them", async () => {
    const withToken = await startOpenListFixture({
      adminToken: "openlist-admin-token-1234",
      profiles: { "/local": { profile: "local" } },
    });
    try {
      const drive = await withToken.drive("/local", {
        username: undefined,
        password: undefined,
        token: "openlist-admin-token-1234",
      } as never);
      await write(drive, "t.txt", "t");
      expect(withToken.server.requests.some((r) => r.path === "/api/auth/login")).toBe(false);
      const wrong = createOpenListDrive({
        url: withToken.server.url,
        username: "admin",
        password: "hunter2-wrong",
      });
      const error = await listAll(wrong, "").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthenticationError);
      expect(String(error)).not.toContain("hunter2");
      const badToken = createOpenListDrive({ url: withToken.server.url, token: "not-the-token" });
      await expect(listAll(badToken, "")).rejects.toBeInstanceOf(AuthenticationError);
    } finally {
      await withToken.stop();
    }
  });

  it("maps error codes inside HTTP 200 replies to drive errors", async () => {
    const drive = await f.drive("/local");
    await write(drive, "file.txt", "f");
    await expect(listAll(drive, "file.txt")).rejects.toBeInstanceOf(DirectoryNotFoundError); // 500 "not a folder"
    const outside = createOpenListDrive({
      url: f.server.url,
      username: "admin",
      password: "secret",
      root: "/no-such-storage",
    });
    await expect(listAll(outside, "")).rejects.toBeInstanceOf(DirectoryNotFoundError); // "storage not found"
    await expect(drive.mkdir("file.txt")).rejects.toBeInstanceOf(DriveError); // "file exists"
  });

  it("reads through /d/ with the sign OpenList gives", async () => {
    const drive = await f.drive("/local");
    await write(drive, "r/ü ñ.txt", "signed");
    expect(Buffer.from(await readBytes(await drive.read("r/ü ñ.txt"))).toString()).toBe("signed");
  });

  it("probes whether the storage keeps uploaded mod times, leaving nothing behind", async () => {
    const local = await f.drive("/local");
    const cloud = await f.drive("/cloud");
    const root = (drive: typeof local) => drive.name.slice(`openlist:${f.server.url}`.length);
    const login = { url: f.server.url, username: "admin", password: "secret" };
    expect(await probeOpenListModTime({ ...login, root: root(local) })).toBe(true);
    expect(await probeOpenListModTime({ ...login, root: root(cloud) })).toBe(false);
    for (const mount of ["/local", "/cloud"]) {
      const folder = root(mount === "/local" ? local : cloud).slice(mount.length + 1);
      expect(await readdir(join(f.disks[mount] ?? "", folder))).toEqual([]);
    }
  });

  it("reports an unreachable server as retryable", async () => {
    // Not a server stopped: its port could be taken by another process before the connect.
    const url = `http://${await refusedAddress()}`;
    const error = await listAll(createOpenListDrive({ url, token: "t" }), "").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DriveError);
    expect(isRetryable(error)).toBe(true);
  });

  it("is named by its URL and root, credentials masked", () => {
    const drive = createOpenListDrive({
      url: "https://u:pw@pan.example.com",
      root: "/baidu/backup",
      token: "secret",
    });
    expect(drive.name).toBe("openlist:https://u:***@pan.example.com/baidu/backup");
  });
});
