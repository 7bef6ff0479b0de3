import { readdir, stat as statFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runDriveContract } from "../../../test/support/drives/drive-contract.ts";
import { listAll, readBytes, streamOf } from "../../../test/support/drives/streams.ts";
import { expectAwkwardNamesKept } from "../../../test/support/drives/webdav-names.ts";
import {
  startWebdavTestServer,
  type WebdavTestServer,
} from "../../../test/support/drives/webdav-test-server.ts";
import { refusedAddress } from "../../../test/support/net/refused-address.ts";
import { tempDir } from "../../../test/support/temp-dir.ts";
import { AuthenticationError, DirectoryNotFoundError, DriveError, isRetryable } from "../errors.ts";
import { probeWebdavModTime } from "./probe-mod-time.ts";
import { createWebdavDrive, type WebdavDriveOptions } from "./webdav-drive.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const MOD_TIME = Date.UTC(2021, 4, 6, 7, 8, 9, 123);
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** A server started on first use, stopped after the whole file. */
const lazyServer = (start: () => Promise<WebdavTestServer>) => {
  let server: Promise<WebdavTestServer> | undefined;
  return () => {
    if (!server) {
      server = start();
      cleanups.push(async () => (await server)?.stop());
    }
    return server;
  };
};

const memoryServer = lazyServer(() => startWebdavTestServer());
let diskRoot: string | undefined;
const nextcloudLike = lazyServer(async () => {
  diskRoot = await tempDir();
  return startWebdavTestServer({ root: diskRoot, ocMtime: true });
});

let folders = 0;
/** A drive rooted at a fresh folder, so the drive's URL has a base path like real servers. */
const driveIn = async (server: WebdavTestServer, options: Partial<WebdavDriveOptions> = {}) => {
  const folder = `/t${++folders} ü`;
  const auth = `Basic ${Buffer.from(`${options.username}:${options.password ?? ""}`).toString("base64")}`;
  const made = await fetch(`${server.url}${encodeURI(folder)}/`, {
    method: "MKCOL",
    headers: options.username ? { Authorization: auth } : {},
  });
  expect(made.status).toBe(201);
  return { folder, drive: createWebdavDrive({ url: `${server.url}${encodeURI(folder)}`, ...options }) };
};

runDriveContract({
  name: "webdav (webdav-server, in memory, no X-OC-Mtime)",
  newDrive: async () => (await driveIn(await memoryServer())).drive,
  newPeer: async () => (await driveIn(await memoryServer())).drive,
});
runDriveContract({
  name: "webdav (webdav-server on disk, Nextcloud-like X-OC-Mtime)",
  newDrive: async () => (await driveIn(await nextcloudLike(), { vendor: "nextcloud" })).drive,
});

describe("webdav drive", () => {
  it("copies server-side only where COPY keeps what PUT keeps (here: not the X-OC-Mtime)", async () => {
    const server = await nextcloudLike();
    const source = (await driveIn(server, { vendor: "nextcloud" })).drive;
    const target = (await driveIn(server, { vendor: "nextcloud" })).drive;
    await source.write("a.txt", streamOf(Buffer.from("abc")), { path: "a.txt", size: 3, modTime: MOD_TIME });
    expect(await target.copyFrom!(source, await source.stat("a.txt"), "a.txt")).toBeUndefined();
    expect(await listAll(target, "")).toEqual([]); // the trial copy is gone
    const other = (await driveIn(await memoryServer())).drive;
    await other.write("b.txt", streamOf(Buffer.from("b")), { path: "b.txt", size: 1 });
    expect(await target.copyFrom!(other, await other.stat("b.txt"), "b.txt")).toBeUndefined(); // another server
  });

  it("keeps names that need percent-encoding (space, #, %, ?, &, +, CJK) exactly, on disk too", async () => {
    const server = await nextcloudLike();
    const { drive, folder } = await driveIn(server);
    await drive.write("dir #1/100% what?.txt", streamOf(Buffer.from("x")), {
      path: "dir #1/100% what?.txt",
      size: 1,
    });
    expect(await readdir(join(diskRoot!, folder, "dir #1"))).toEqual(["100% what?.txt"]);
    await drive.delete("dir #1/100% what?.txt");
    await drive.rmdir("dir #1");
    await expectAwkwardNamesKept(drive, (await driveIn(server)).drive);
    await expectAwkwardNamesKept((await driveIn(await memoryServer())).drive);
  });

  it("creates its root folder on the first write when the folder does not exist yet", async () => {
    const server = await memoryServer();
    const folder = `/new-target-${++folders}`;
    const drive = createWebdavDrive({ url: `${server.url}${folder}` });
    await expect(listAll(drive, "")).rejects.toThrow(DirectoryNotFoundError);
    await drive.write("a/b.txt", streamOf(Buffer.from("b")), { path: "a/b.txt", size: 1 });
    expect(await (await fetch(`${server.url}${folder}/a/b.txt`)).text()).toBe("b");
  });

  it("keeps mod times where the server acknowledges X-OC-Mtime", async () => {
    const { drive, folder } = await driveIn(await nextcloudLike(), { vendor: "nextcloud" });
    expect(drive.features.canSetModTime).toBe(true);
    const written = await drive.write("a/b.txt", streamOf(Buffer.from("b")), {
      path: "a/b.txt",
      size: 1,
      modTime: MOD_TIME,
    });
    expect(written.modTime).toBe(Math.floor(MOD_TIME / 1000) * 1000);
    const onDisk = await statFile(join(diskRoot!, folder, "a/b.txt"));
    expect(onDisk.mtimeMs).toBe(Math.floor(MOD_TIME / 1000) * 1000);
  });

  it("declares canSetModTime false on other servers, whose mod times are upload times", async () => {
    const { drive } = await driveIn(await memoryServer());
    expect(drive.features.canSetModTime).toBe(false);
    const before = Date.now() - 60_000;
    const written = await drive.write("x.txt", streamOf(Buffer.from("x")), {
      path: "x.txt",
      size: 1,
      modTime: MOD_TIME,
    });
    expect(written.modTime).toBeGreaterThan(before);
  });

  it("uploads through a temporary name and deletes it when the body fails", async () => {
    const { drive, folder } = await driveIn(await nextcloudLike(), { vendor: "nextcloud" });
    await drive.write("keep.txt", streamOf(Buffer.from("original")), { path: "keep.txt", size: 8 });
    const onDisk = () => readdir(join(diskRoot!, folder));
    const failing = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(10));
      },
      async pull(controller) {
        // Break only once the server holds the partial temporary file, so cleanup has work to do.
        for (let i = 0; i < 500 && !(await onDisk()).some((name) => name.endsWith(".partial")); i++)
          await sleep(20);
        controller.error(new Error("source broke"));
      },
    });
    await expect(drive.write("keep.txt", failing, { path: "keep.txt", size: 100 })).rejects.toBeInstanceOf(
      DriveError,
    );
    expect(Buffer.from(await readBytes(await drive.read("keep.txt"))).toString()).toBe("original");
    expect(await onDisk()).toEqual(["keep.txt"]);
  });

  it("keeps the previous file when the body is shorter or longer than the source listed", async () => {
    const { drive } = await driveIn(await nextcloudLike(), { vendor: "nextcloud" });
    await drive.write("keep.txt", streamOf(Buffer.from("original")), { path: "keep.txt", size: 8 });
    for (const body of ["short", "much longer than listed"]) {
      await expect(
        drive.write("keep.txt", streamOf(Buffer.from(body)), { path: "keep.txt", size: 8 }),
      ).rejects.toBeInstanceOf(DriveError);
    }
    expect(Buffer.from(await readBytes(await drive.read("keep.txt"))).toString()).toBe("original");
    // The server may finish a cut-off PUT into the temporary file after our DELETE: it is never listed.
    expect((await listAll(drive, "")).map((entry) => entry.path)).toEqual(["keep.txt"]);
  });

  it("probes whether the server keeps X-OC-Mtime, leaving nothing behind", async () => {
    const nextcloud = await driveIn(await nextcloudLike());
    const plain = await driveIn(await memoryServer());
    const url = (server: WebdavTestServer, folder: string) => `${server.url}${encodeURI(folder)}`;
    expect(await probeWebdavModTime({ url: url(await nextcloudLike(), nextcloud.folder) })).toBe(true);
    expect(await probeWebdavModTime({ url: url(await memoryServer(), plain.folder) })).toBe(false);
    expect(await readdir(join(diskRoot!, nextcloud.folder))).toEqual([]);
    expect(await listAll(plain.drive, "")).toEqual([]);
  });

  it("throws DirectoryNotFoundError when listing a file", async () => {
    const { drive } = await driveIn(await memoryServer());
    await drive.write("f.txt", streamOf(Buffer.from("f")), { path: "f.txt", size: 1 });
    await expect(listAll(drive, "f.txt")).rejects.toBeInstanceOf(DirectoryNotFoundError);
  });

  it("uses basic auth and reports refused credentials as AuthenticationError", async () => {
    const server = await startWebdavTestServer({ user: { username: "alice", password: "s3cret" } });
    cleanups.push(() => server.stop());
    const { drive } = await driveIn(server, { username: "alice", password: "s3cret" });
    await drive.write("a.txt", streamOf(Buffer.from("a")), { path: "a.txt", size: 1 });
    expect((await listAll(drive, "")).map((e) => e.path)).toEqual(["a.txt"]);
    const wrong = createWebdavDrive({ url: server.url, username: "alice", password: "wrong" });
    const error = await listAll(wrong, "").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(String((error as Error).message)).not.toContain("wrong");
    await expect(listAll(createWebdavDrive({ url: server.url }), "")).rejects.toBeInstanceOf(
      AuthenticationError,
    );
  });

  it("is named by its URL with the password masked", () => {
    const drive = createWebdavDrive({ url: "https://alice:topsecret@dav.example.com/backup?token=t0p" });
    expect(drive.name).toBe("https://alice:***@dav.example.com/backup?token=***");
  });

  it("reports an unreachable server as retryable", async () => {
    // Not a server stopped: its port could be taken by another process before the connect.
    const drive = createWebdavDrive({ url: `http://${await refusedAddress()}/` });
    const error = await listAll(drive, "").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DriveError);
    expect(isRetryable(error)).toBe(true);
  });
});
