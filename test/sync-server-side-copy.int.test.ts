import { rm } from "node:fs/promises";
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import { afterAll, describe, expect, it } from "vitest";
import { startLocalSqsS3 } from "../lib/dev/emulators/fauxqs.ts";
import type { Drive } from "../lib/drives/drive.ts";
import { createLocalDrive } from "../lib/drives/local/local-drive.ts";
import { createMemoryDrive } from "../lib/drives/memory/memory-drive.ts";
import { s3ClientFor } from "../lib/drives/s3/s3-client.ts";
import { createS3Drive } from "../lib/drives/s3/s3-drive.ts";
import { createWebdavDrive } from "../lib/drives/webdav/webdav-drive.ts";
import { syncDrives } from "../lib/sync/index.ts";
import { startWebdavTestServer } from "./support/drives/webdav-test-server.ts";
import { countBytes } from "./support/sync/byte-counter.ts";
import { options, seed, tree } from "./support/sync/sync-fixtures.ts";
import { tempDir } from "./support/temp-dir.ts";

const FILES = {
  "a.txt": "alpha",
  "nested/b.bin": "b".repeat(300_000),
  "nested/deeper/c.txt": "gamma",
};
const BYTES = Object.values(FILES).reduce((sum, data) => sum + data.length, 0);

const temps: string[] = [];
const tempRoot = async () => {
  const dir = await tempDir("syncron-copy-");
  temps.push(dir);
  return dir;
};
const stops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const stop of stops) await stop();
  await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Mirrors FILES from one drive into another of the same store and counts the bytes through here. */
const mirrorOnOneStore = async (source: Drive, target: Drive) => {
  await seed(source, FILES);
  await seed(target, { "a.txt": "old", "extra.txt": "x" });
  const sourceBytes = countBytes(source);
  const targetBytes = countBytes(target);
  const result = await syncDrives(source, target, options({ mode: "mirror" }));
  expect(result).toMatchObject({ status: "SUCCESS", copied: 2, updated: 1, deleted: 1 });
  expect(result.bytes_transferred).toBe(BYTES);
  expect(sourceBytes).toEqual({ read: 0, written: 0 });
  expect(targetBytes).toEqual({ read: 0, written: 0 });
  expect(await tree(target)).toEqual(await tree(source));
  // Mod times came along: a second run finds nothing to do.
  expect(await syncDrives(source, target, options({ mode: "mirror" }))).toMatchObject({
    copied: 0,
    updated: 0,
    deleted: 0,
  });
};

describe("server-side copy in the engine", () => {
  it("copies local to local through the kernel: 0 bytes pass through the process", async () => {
    await mirrorOnOneStore(
      createLocalDrive({ root: await tempRoot() }),
      createLocalDrive({ root: await tempRoot() }),
    );
  });

  it("copies between two buckets of one S3 endpoint with CopyObject: 0 bytes through the process", async () => {
    const s3 = await startLocalSqsS3();
    stops.push(() => s3.stop());
    const client = s3ClientFor({ endpoint: s3.endpoint, region: s3.region, credentials: s3.credentials });
    stops.push(async () => client.destroy());
    for (const bucket of ["from", "to"]) await client.send(new CreateBucketCommand({ Bucket: bucket }));
    await mirrorOnOneStore(
      createS3Drive({ bucket: "from", prefix: "photos", client }),
      createS3Drive({ bucket: "to", client }),
    );
  });

  it("copies between two folders of one WebDAV server with COPY: 0 bytes through the process", async () => {
    const server = await startWebdavTestServer();
    stops.push(() => server.stop());
    const folder = async (name: string) => {
      await fetch(`${server.url}/${name}`, { method: "MKCOL" });
      return createWebdavDrive({ url: `${server.url}/${name}` });
    };
    await mirrorOnOneStore(await folder("from"), await folder("to"));
  });

  it("streams between stores that cannot copy server-side", async () => {
    const source = createLocalDrive({ root: await tempRoot() });
    const target = createMemoryDrive();
    await seed(source, FILES);
    const sourceBytes = countBytes(source);

    const result = await syncDrives(source, target, options({ mode: "copy" }));

    expect(result).toMatchObject({ status: "SUCCESS", copied: 3 });
    expect(sourceBytes.read).toBe(BYTES);
    expect(await tree(target)).toEqual(await tree(source));
  });

  it("re-syncs local to WebDAV with nothing changed in one PROPFIND per folder and nothing else", async () => {
    const server = await startWebdavTestServer();
    stops.push(() => server.stop());
    await fetch(`${server.url}/noop`, { method: "MKCOL" });
    const source = createLocalDrive({ root: await tempRoot() });
    await seed(source, FILES); // three folders: the root, nested, nested/deeper
    const target = () => createWebdavDrive({ url: `${server.url}/noop` });
    expect(await syncDrives(source, target(), options({ mode: "mirror" }))).toMatchObject({ copied: 3 });
    server.methods.length = 0;

    const noop = await syncDrives(source, target(), options({ mode: "mirror" }));

    expect(noop).toMatchObject({ status: "SUCCESS", copied: 0, updated: 0, deleted: 0, skipped: 3 });
    expect(server.methods).toEqual(["PROPFIND", "PROPFIND", "PROPFIND"]);
  });
});
