import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApacheDav, startApacheDav } from "../../../test/support/drives/apache-dav.ts";
import { runDriveContract } from "../../../test/support/drives/drive-contract.ts";
import { listAll, readBytes, streamOf } from "../../../test/support/drives/streams.ts";
import { expectAwkwardNamesKept } from "../../../test/support/drives/webdav-names.ts";
import {
  startWebdavTestServer,
  type WebdavTestServer,
} from "../../../test/support/drives/webdav-test-server.ts";
import { AuthenticationError, DriveError } from "../errors.ts";
import { createWebdavDrive } from "./webdav-drive.ts";

/**
 * The WebDAV drive against a real server: Debian's Apache httpd with mod_dav (started per file in
 * a temp ServerRoot), beside the in-process webdav-server of webdav-drive.int.test.ts.
 */
const USER = { username: "jörg", password: "pässwört-€-密码" };
let apache: ApacheDav;
let open: ApacheDav;
let folders = 0;

beforeAll(async () => {
  [apache, open] = await Promise.all([startApacheDav({ user: USER }), startApacheDav()]);
}, 300_000);
afterAll(async () => {
  await Promise.all([apache?.stop(), open?.stop()]);
});

const text = (s: string) => streamOf(Buffer.from(s));
const info = (path: string, size: number, modTime?: number) => ({
  path,
  size,
  ...(modTime !== undefined ? { modTime } : {}),
});

runDriveContract({
  name: "webdav (Apache mod_dav)",
  newDrive: async () => {
    const url = `${open.url}/contract-${++folders}`;
    await fetch(url, { method: "MKCOL" });
    return createWebdavDrive({ url });
  },
});

describe("webdav drive on Apache mod_dav", () => {
  it("creates every missing folder of the target's path (…/backup/photos on a server without backup)", async () => {
    const drive = createWebdavDrive({ url: `${open.url}/backup-${++folders}/photos/2026`, vendor: "other" });
    await drive.write("day 1/a.txt", text("alpha"), info("day 1/a.txt", 5));
    expect(await readFile(join(open.root, `backup-${folders}/photos/2026/day 1/a.txt`), "utf8")).toBe(
      "alpha",
    );
    expect(await listAll(drive, "")).toMatchObject([{ kind: "directory", path: "day 1" }]);
    expect(await listAll(drive, "day 1")).toMatchObject([{ kind: "file", path: "day 1/a.txt", size: 5 }]);
  });

  it("creates missing folders of the target's path whose names need percent-encoding", async () => {
    const base = `new folder ${++folders} #ü`;
    const drive = createWebdavDrive({ url: `${open.url}/${encodeURIComponent(base)}/photos%202026` });
    await drive.write("a.txt", text("alpha"), info("a.txt", 5));
    expect(await readFile(join(open.root, base, "photos 2026", "a.txt"), "utf8")).toBe("alpha");
  });

  it("keeps names that need percent-encoding (space, #, %, ?, &, +, CJK) exactly", async () => {
    const url = `${open.url}/names-${++folders}`;
    await fetch(url, { method: "MKCOL" });
    await expectAwkwardNamesKept(createWebdavDrive({ url }), createWebdavDrive({ url }));
  });

  it("authenticates a UTF-8 user name and password (RFC 7617), and a wrong one is an AuthenticationError", async () => {
    const drive = createWebdavDrive({ url: `${apache.url}/auth-${++folders}`, ...USER });
    await drive.write("f.txt", text("ok"), info("f.txt", 2));
    expect(Buffer.from(await readBytes(await drive.read("f.txt"))).toString()).toBe("ok");
    const wrong = createWebdavDrive({
      url: `${apache.url}/auth-${folders}`,
      username: USER.username,
      password: "pässwört",
    });
    await expect(listAll(wrong, "")).rejects.toBeInstanceOf(AuthenticationError);
  });

  it("vendor=owncloud where the server does not answer X-OC-MTime: accepted fails the write, keeping the previous file", async () => {
    const url = `${open.url}/oc-${++folders}`;
    await createWebdavDrive({ url }).write("f.txt", text("old"), info("f.txt", 3));
    const drive = createWebdavDrive({ url, vendor: "owncloud" });
    await expect(drive.write("f.txt", text("new!"), info("f.txt", 4, Date.UTC(2021, 0, 1)))).rejects.toThrow(
      /did not answer "X-OC-MTime: accepted".*drop vendor=owncloud.*previous file kept/,
    );
    await expect(
      drive.write("f.txt", text("new!"), info("f.txt", 4, Date.UTC(2021, 0, 1))),
    ).rejects.toBeInstanceOf(DriveError);
    expect(await readFile(join(open.root, `oc-${folders}/f.txt`), "utf8")).toBe("old");
    expect((await listAll(drive, "")).map((e) => e.path)).toEqual(["f.txt"]); // no temporary file left
  });
});

describe("webdav drive on the in-process server", () => {
  // webdav-server reads only base64 without + and / (its own limit): a UTF-8 password that gives none.
  const password = Array.from({ length: 100 }, (_, i) => `pässwört-€-${i}`).find((p) =>
    /^[A-Za-z0-9]+=*$/.test(Buffer.from(`${USER.username}:${p}`, "utf8").toString("base64")),
  );
  const user = { username: USER.username, password: password ?? "" };
  let server: WebdavTestServer;
  beforeAll(async () => {
    server = await startWebdavTestServer({ user });
  });
  afterAll(() => server?.stop());

  it("authenticates a UTF-8 user name and password and creates missing parent folders", async () => {
    expect(password).toBeDefined();
    const drive = createWebdavDrive({ url: `${server.url}/deep-${++folders}/a/b`, ...user });
    await drive.write("f.txt", text("ok"), info("f.txt", 2));
    expect(Buffer.from(await readBytes(await drive.read("f.txt"))).toString()).toBe("ok");
  });
});
