import { join } from "node:path";
import { CreateBucketCommand, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, describe, expect, it } from "vitest";
import type { Drive } from "../lib/drives/drive.ts";
import { createLocalDrive } from "../lib/drives/local/local-drive.ts";
import { s3ClientFor } from "../lib/drives/s3/s3-client.ts";
import { createS3Drive } from "../lib/drives/s3/s3-drive.ts";
import { createWebdavDrive } from "../lib/drives/webdav/webdav-drive.ts";
import { syncDrives } from "../lib/sync/index.ts";
import { type OpenListFixture, startOpenListFixture } from "./support/drives/openlist-fixture.ts";
import { startWebdavTestServer, type WebdavTestServer } from "./support/drives/webdav-test-server.ts";
import { type LocalEndpoint, sharedEmulators, uniqueName } from "./support/emulators/shared-emulators.ts";
import { options, seed, T0, tree } from "./support/sync/sync-fixtures.ts";
import { tempDir } from "./support/temp-dir.ts";

type Kind = "local" | "s3" | "webdav" | "openlist";

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
});

const once = <T>(start: () => Promise<T>): (() => Promise<T>) => {
  let started: Promise<T> | undefined;
  return () => {
    started ??= start();
    return started;
  };
};

const s3 = once(async (): Promise<{ local: LocalEndpoint; client: S3Client }> => {
  const local = sharedEmulators().sqsS3;
  const client = s3ClientFor(local);
  cleanups.push(async () => client.destroy());
  return { local, client };
});

/** A Nextcloud-like server on disk: it keeps the mod times sent with X-OC-Mtime. */
const webdav = once(async (): Promise<WebdavTestServer> => {
  const server = await startWebdavTestServer({ root: await tempDir(), ocMtime: true });
  cleanups.push(() => server.stop());
  return server;
});

/** An OpenList test server; its Local storage keeps mod times. */
const openlist = once(async (): Promise<OpenListFixture> => {
  const fixture = await startOpenListFixture();
  cleanups.push(() => fixture.stop());
  return fixture;
});

/** A new, empty drive of the given kind. */
async function newDrive(kind: Kind): Promise<Drive> {
  const name = uniqueName("pair");
  if (kind === "local") return createLocalDrive({ root: join(await tempDir(), name) });
  if (kind === "s3") {
    const { client } = await s3();
    await client.send(new CreateBucketCommand({ Bucket: name }));
    return createS3Drive({ bucket: name, prefix: "base", client });
  }
  if (kind === "openlist") return (await openlist()).drive("/local");
  const server = await webdav();
  expect((await fetch(`${server.url}/${name}/`, { method: "MKCOL" })).status).toBe(201);
  return createWebdavDrive({ url: `${server.url}/${name}`, vendor: "nextcloud" });
}

const KINDS: readonly Kind[] = ["local", "s3", "webdav", "openlist"];
const PAIRS = KINDS.flatMap((from) => KINDS.filter((to) => to !== from).map((to) => [from, to] as const));

describe.each(PAIRS)("mirror %s -> %s", (from, to) => {
  it("makes the target equal, then sends nothing, then catches a same-size edit", {
    timeout: 60_000,
  }, async () => {
    const [source, target] = await Promise.all([newDrive(from), newDrive(to)]);
    await seed(source, {
      "readme.txt": "hello",
      "empty.txt": "",
      "a folder/with spaces.txt": "spaces",
      "中文/naïve café.md": "ünïcödé",
      "d1/d2/d3/d4/d5/deep.txt": "deep",
    });
    await seed(target, { "readme.txt": "HELLO!", "stale/old.txt": "old", "gone.txt": "gone" });

    const first = await syncDrives(source, target, options({ mode: "mirror" }));
    expect(first).toMatchObject({ status: "SUCCESS", errors: [], copied: 4, updated: 1, deleted: 2 });
    expect(await tree(target)).toEqual(await tree(source));

    const second = await syncDrives(source, target, options({ mode: "mirror" }));
    expect(second).toMatchObject({
      status: "SUCCESS",
      copied: 0,
      updated: 0,
      deleted: 0,
      bytes_transferred: 0,
    });

    await seed(source, { "readme.txt": { data: "HOWDY", modTime: T0 + 3_600_000 } });
    const third = await syncDrives(source, target, options({ mode: "mirror" }));
    expect(third).toMatchObject({ status: "SUCCESS", updated: 1, bytes_transferred: 5 });
    expect(await tree(target)).toEqual(await tree(source));
  });
});

describe("drive features steer the comparison", () => {
  it("falls back to size on a WebDAV server that cannot keep mod times (nothing re-sent)", {
    timeout: 60_000,
  }, async () => {
    const source = await newDrive("local");
    const server = await webdav();
    expect((await fetch(`${server.url}/plain/`, { method: "MKCOL" })).status).toBe(201);
    const target = createWebdavDrive({ url: `${server.url}/plain`, vendor: "other" });
    await seed(source, { "a.txt": "aaa", "b/c.txt": "c" });

    expect(await syncDrives(source, target, options({ mode: "mirror" }))).toMatchObject({ copied: 2 });
    const again = await syncDrives(source, target, options({ mode: "mirror" }));
    expect(again).toMatchObject({ status: "SUCCESS", copied: 0, updated: 0, skipped: 2 });
  });

  it("compares local and s3 by md5 with compare checksum", { timeout: 60_000 }, async () => {
    const [source, target] = await Promise.all([newDrive("local"), newDrive("s3")]);
    await seed(source, { "a.txt": "same size, same time" });
    await seed(target, { "a.txt": "SAME SIZE, SAME TIME" });

    expect(await syncDrives(source, target, options())).toMatchObject({ updated: 0, skipped: 1 });
    const checked = await syncDrives(source, target, options({ compare: "checksum" }));
    expect(checked).toMatchObject({ status: "SUCCESS", updated: 1 });
    expect(await tree(target)).toEqual(await tree(source));
  });
});
