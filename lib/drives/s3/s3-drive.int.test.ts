import { createHash, randomBytes } from "node:crypto";
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDriveContract } from "../../../test/support/drives/drive-contract.ts";
import { listAll, readBytes, streamOf } from "../../../test/support/drives/streams.ts";
import {
  type LocalEndpoint,
  sharedEmulators,
  uniqueName,
} from "../../../test/support/emulators/shared-emulators.ts";
import { DEFAULT_SYNC_OPTIONS, syncDrives } from "../../sync/index.ts";
import { DirectoryNotFoundError, DriveError, InvalidPathError } from "../errors.ts";
import { createMemoryDrive } from "../memory/memory-drive.ts";
import { s3ClientFor } from "./s3-client.ts";
import { createS3Drive, type S3DriveOptions } from "./s3-drive.ts";

let shared: S3Client | undefined;

/** The integration tier's fauxqs; each drive gets a fresh bucket. */
const emulator = async (): Promise<{ client: S3Client; local: LocalEndpoint }> => {
  const local = sharedEmulators().sqsS3;
  shared ??= s3ClientFor(local);
  return { client: shared, local };
};

const newBucket = async (): Promise<string> => {
  const { client } = await emulator();
  const bucket = uniqueName("syncron");
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
};

const newDrive = async (options: Partial<S3DriveOptions> = {}) => {
  const { client } = await emulator();
  return createS3Drive({ bucket: await newBucket(), client, ...options });
};

const stop = async () => {
  shared?.destroy();
};

afterAll(stop); // file level: after every suite below, not after the first one

runDriveContract({ name: "s3 (fauxqs)", newDrive: () => newDrive(), newPeer: () => newDrive() });
runDriveContract({
  name: "s3 with a prefix (fauxqs)",
  newDrive: () => newDrive({ prefix: "base/sub/" }),
  newPeer: () => newDrive({ prefix: "other/" }),
});

const MOD_TIME = Date.UTC(2021, 4, 6, 7, 8, 9, 123);
const md5 = (data: Uint8Array) => createHash("md5").update(data).digest("hex");

describe("s3 drive on fauxqs", () => {
  let client: S3Client;
  beforeAll(async () => {
    ({ client } = await emulator());
  });

  it("uploads 12 MB in 5 MB parts (multipart), keeping bytes, mtime and the source md5", async () => {
    const bucket = await newBucket();
    const drive = createS3Drive({ bucket, client, partSize: 5 * 1024 * 1024 });
    const data = randomBytes(12 * 1024 * 1024);
    const written = await drive.write("big.bin", streamOf(data, 256 * 1024), {
      path: "big.bin",
      size: data.length,
      modTime: MOD_TIME,
      hashes: { md5: md5(data) },
    });
    expect(written).toEqual({
      kind: "file",
      path: "big.bin",
      size: data.length,
      modTime: MOD_TIME,
      hashes: { md5: md5(data) },
    });
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: "big.bin" }));
    expect(head.ETag).toMatch(/-3"$/); // three parts: 5 + 5 + 2 MB
    expect(head.Metadata).toEqual({
      mtime: "1620284889.123",
      md5chksum: Buffer.from(md5(data), "hex").toString("base64"),
    });
    expect(await drive.stat("big.bin")).toEqual(written);
    expect(md5(await readBytes(await drive.read("big.bin")))).toBe(md5(data));
  });

  it("hashes a multipart object without md5chksum by reading it", async () => {
    const bucket = await newBucket();
    const drive = createS3Drive({ bucket, client, partSize: 5 * 1024 * 1024 });
    const data = randomBytes(6 * 1024 * 1024);
    await drive.write("m.bin", streamOf(data), { path: "m.bin", size: data.length, modTime: MOD_TIME });
    expect((await drive.stat("m.bin")).hashes).toBeUndefined();
    expect(await drive.hash("m.bin", "md5")).toBe(md5(data));
  });

  it("reads mod times written by rclone (nanosecond decimals) and falls back to LastModified", async () => {
    const bucket = await newBucket();
    const drive = createS3Drive({ bucket, client });
    await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: "r.txt",
        Body: "rclone",
        Metadata: { mtime: "1620284889.123456789" },
      }),
    );
    const before = Date.now() - 60_000;
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: "plain.txt", Body: "plain" }));
    const entries = await listAll(drive, "");
    expect(entries).toEqual([
      {
        kind: "file",
        path: "plain.txt",
        size: 5,
        modTime: expect.any(Number),
        hashes: { md5: md5(Buffer.from("plain")) },
      },
      {
        kind: "file",
        path: "r.txt",
        size: 6,
        modTime: MOD_TIME,
        hashes: { md5: md5(Buffer.from("rclone")) },
      },
    ]);
    expect(entries[0]?.modTime).toBeGreaterThan(before);
  });

  it("lists across many pages, one level at a time, under a prefix", async () => {
    const bucket = await newBucket();
    const drive = createS3Drive({ bucket, client, prefix: "root", listPageSize: 2 });
    const names = Array.from({ length: 7 }, (_, i) => `f${i}.txt`);
    for (const name of names) await drive.write(name, streamOf(Buffer.from(name)), { path: name, size: 6 });
    for (const dir of ["d1", "d2", "d3"]) {
      await drive.write(`${dir}/x/y.txt`, streamOf(Buffer.from("y")), { path: `${dir}/x/y.txt`, size: 1 });
    }
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: "outside.txt", Body: "no" }));
    const entries = (await listAll(drive, "")).map((e) => `${e.kind}:${e.path}`);
    expect(entries).toEqual([
      ...["d1", "d2", "d3"].map((d) => `directory:${d}`),
      ...names.map((n) => `file:${n}`),
    ]);
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: "root/d2/x/y.txt" }));
    expect(head.ContentLength).toBe(1);
  });

  it("uses upload times and declares canSetModTime false with useServerModTime", async () => {
    const drive = await newDrive({ useServerModTime: true });
    expect(drive.features.canSetModTime).toBe(false);
    const before = Date.now() - 60_000;
    await drive.write("a.txt", streamOf(Buffer.from("a")), { path: "a.txt", size: 1, modTime: MOD_TIME });
    const [entry] = await listAll(drive, "");
    expect(entry?.modTime).toBeGreaterThan(before);
  });

  it("leaves no object when the write is aborted", async () => {
    const drive = await newDrive();
    const controller = new AbortController();
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new Uint8Array(1024));
        controller.abort(new Error("stop"));
      },
    });
    await expect(
      drive.write("a.bin", body, { path: "a.bin", size: 2048 }, { signal: controller.signal }),
    ).rejects.toThrow();
    expect(await listAll(drive, "")).toEqual([]);
  });

  it.each([
    ["a single part", 1024 * 1024],
    ["multipart", 5 * 1024 * 1024],
  ])(
    "keeps the previous object when the body is not the file the source listed (%s)",
    async (_label, partSize) => {
      const bucket = await newBucket();
      const drive = createS3Drive({ bucket, client, partSize });
      const old = randomBytes(64);
      await drive.write("f.bin", streamOf(old), { path: "f.bin", size: old.length, modTime: MOD_TIME });
      // The source changed between its listing and the read: other bytes, or fewer of them.
      const listed = randomBytes(6 * 1024 * 1024);
      const changed = randomBytes(listed.length);
      await expect(
        drive.write("f.bin", streamOf(changed), {
          path: "f.bin",
          size: listed.length,
          hashes: { md5: md5(listed) },
        }),
      ).rejects.toThrow(/md5 is [0-9a-f]{32} but the source listed/);
      await expect(
        drive.write("f.bin", streamOf(listed.subarray(1)), { path: "f.bin", size: listed.length }),
      ).rejects.toThrow(/ended after 6291455 of the 6291456 bytes the source listed; previous file kept/);
      expect(md5(await readBytes(await drive.read("f.bin")))).toBe(md5(old));
      expect(await listAll(drive, "")).toMatchObject([{ path: "f.bin", size: old.length }]);
    },
  );

  it("a sync into S3 lists each folder once and sends no ListObjectsV2 per upload", async () => {
    const bucket = await newBucket();
    const counted = s3ClientFor({
      endpoint: (await emulator()).local.endpoint,
      region: "us-east-1",
      credentials: (await emulator()).local.credentials,
    });
    const lists: string[] = [];
    counted.middlewareStack.add(
      (next, context) => (args) => {
        if (context.commandName === "ListObjectsV2Command")
          lists.push(String((args.input as { Prefix?: string }).Prefix));
        return next(args);
      },
      { step: "initialize" },
    );
    const source = createMemoryDrive();
    for (const name of ["a.txt", "b.txt", "c.txt", "new/d.txt", "new/e.txt", "new/deeper/f.txt"])
      await source.write(name, streamOf(Buffer.from(name)), {
        path: name,
        size: name.length,
        modTime: MOD_TIME,
      });
    const drive = createS3Drive({ bucket, client: counted });
    const result = await syncDrives(source, drive, DEFAULT_SYNC_OPTIONS);
    counted.destroy();
    expect(result).toMatchObject({ status: "SUCCESS", copied: 6 });
    // The engine lists the target's root; new/ is missing there, so it and new/deeper/ are not
    // listed, and no write needs a ListObjectsV2 to know no folder is in its way.
    expect(lists).toEqual([""]);
  });

  it("fails a listing that meets a key that is no path (a//b, a/./c, a/../d, /x) instead of skipping it", async () => {
    // Skipped, such an object read as absent: a sync said SUCCESS without it (rclone issue #9383).
    const bucket = await newBucket();
    const put = (Key: string) => client.send(new PutObjectCommand({ Bucket: bucket, Key, Body: Key }));
    for (const key of ["a/b", "a/", "e/f"]) await put(key);
    const drive = createS3Drive({ bucket, client });
    // A directory marker (a/) is a folder, not a bad key.
    expect((await listAll(drive, "a")).map((entry) => entry.path)).toEqual(["a/b"]);
    // [key, folder listed, what the error names: the key, or the prefix S3 groups it under]
    for (const [key, dir, named] of [
      ["a//b", "a", "a//"],
      ["a/./c", "a", "a/./"],
      ["a/../d", "a", "a/../"],
      ["a/..", "a", "a/.."],
      ["/lead", "", "/"],
      ["e/../g/h", "e", "e/../"],
    ] as const) {
      await put(key);
      const error = await listAll(drive, dir).catch((e: unknown) => e);
      expect(error, key).toBeInstanceOf(DriveError);
      expect((error as DriveError).message, key).toContain(JSON.stringify(named));
      expect((error as DriveError).retryable, key).toBe(false);
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    }
    const target = createMemoryDrive();
    await put("a//b");
    const result = await syncDrives(drive, target, { ...DEFAULT_SYNC_OPTIONS, mode: "mirror" });
    expect(result.status).toBe("FAILURE");
    expect(result.errors[0]?.message).toContain('"a//"');
  });

  it("rejects bad paths and a missing bucket with typed errors", async () => {
    const drive = createS3Drive({ bucket: "no-such-bucket", client });
    await expect(listAll(drive, "")).rejects.toBeInstanceOf(DirectoryNotFoundError);
    await expect(drive.stat("../x")).rejects.toBeInstanceOf(InvalidPathError);
    expect(drive.name).toBe("s3://no-such-bucket");
  });
});
