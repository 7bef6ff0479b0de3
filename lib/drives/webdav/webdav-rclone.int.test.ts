import { rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prepareRclone, serveWebdav, type WebdavServer } from "../../../bench/support/rclone.ts";
import { runDriveContract } from "../../../test/support/drives/drive-contract.ts";
import { readBytes } from "../../../test/support/drives/streams.ts";
import { expectAwkwardNamesKept } from "../../../test/support/drives/webdav-names.ts";
import { options, seed, tree } from "../../../test/support/sync/sync-fixtures.ts";
import { tempDir } from "../../../test/support/temp-dir.ts";
import { syncDrives } from "../../sync/index.ts";
import { createMemoryDrive } from "../memory/memory-drive.ts";
import { createWebdavDrive } from "./webdav-drive.ts";

/**
 * The WebDAV drive against `rclone serve webdav` (Debian's rclone, installed when missing), the server
 * bench:webdav measures on: Go's x/net/webdav, which answers with full-URL-free hrefs and no X-OC-Mtime.
 */
let work: string;
let server: WebdavServer;
let folders = 0;

beforeAll(async () => {
  work = await tempDir("syncron-rclone-dav-");
  server = await serveWebdav(join(work, "root"), await prepareRclone(work));
}, 300_000);
afterAll(async () => {
  await server?.stop();
  await rm(work, { recursive: true, force: true });
});

const newDrive = async () => {
  const url = `${server.url}/contract-${++folders}`;
  await fetch(url, { method: "MKCOL" });
  return createWebdavDrive({ url });
};

runDriveContract({ name: "webdav (rclone serve webdav)", newDrive, newPeer: newDrive });

describe("webdav drive on rclone serve webdav", () => {
  it("keeps names that need percent-encoding (space, #, %, ?, &, +, CJK) exactly", async () => {
    const url = `${server.url}/names-${++folders}`;
    await fetch(url, { method: "MKCOL" });
    await expectAwkwardNamesKept(createWebdavDrive({ url }), createWebdavDrive({ url }));
  });
});

describe("a mirror into a case-insensitive WebDAV server (rclone serve webdav --vfs-case-insensitive)", () => {
  let insensitive: WebdavServer;
  beforeAll(async () => {
    insensitive = await serveWebdav(join(work, "insensitive"), await prepareRclone(work), [
      "--vfs-case-insensitive",
    ]);
  }, 300_000);
  afterAll(async () => {
    await insensitive?.stop();
  });

  const pair = async () => {
    const url = `${insensitive.url}/mirror-${++folders}`;
    await fetch(url, { method: "MKCOL" });
    return { source: createMemoryDrive(), target: createWebdavDrive({ url }) };
  };

  it("never deletes the file it just wrote over a name that differs only in case", async () => {
    const { source, target } = await pair();
    await seed(target, { "A.txt": "old, upper" });
    await seed(source, { "a.txt": "new, lower", "b.txt": "b" });
    // Before: a.txt was written over A.txt (one file to this server), then A.txt was deleted.
    const first = await syncDrives(source, target, options({ mode: "mirror" }));
    expect(first).toMatchObject({ status: "SUCCESS", copied: 2, deleted: 0 });
    const files = await tree(target);
    expect(files).toHaveLength(2);
    expect(await readBytes(await target.read("a.txt")).then((bytes) => Buffer.from(bytes).toString())).toBe(
      "new, lower",
    );
  });

  it("refuses to write a file over a folder whose name differs only in case, keeping the folder", async () => {
    const { source, target } = await pair();
    await seed(target, { "Photos/kept.jpg": "kept" });
    await seed(source, { photos: "a file, not a folder" });
    const result = await syncDrives(source, target, options({ mode: "copy" }));
    expect(result.status).toBe("FAILURE");
    expect(result.errors[0]).toMatchObject({ path: "photos", op: "compare" });
    expect(await tree(target)).toEqual([["Photos/kept.jpg", expect.any(String)]]);
  });
});
