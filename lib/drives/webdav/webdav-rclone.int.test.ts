import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import { prepareRclone, serveWebdav, type WebdavServer } from "../../../bench/support/rclone.ts";
import { runDriveContract } from "../../../test/support/drives/drive-contract.ts";
import { expectAwkwardNamesKept } from "../../../test/support/drives/webdav-names.ts";
import { createWebdavDrive } from "./webdav-drive.ts";

/**
 * The WebDAV drive against `rclone serve webdav` (Debian's rclone, installed when missing), the server
 * bench:webdav measures on: Go's x/net/webdav, which answers with full-URL-free hrefs and no X-OC-Mtime.
 */
let work: string;
let server: WebdavServer;
let folders = 0;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "syncron-rclone-dav-"));
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
