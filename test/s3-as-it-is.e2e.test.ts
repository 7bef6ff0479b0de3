import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdir, rm, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import {
  CreateBucketCommand,
  HeadObjectCommand,
  PutBucketEncryptionCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureTool } from "../bench/support/measure.ts";
import { createLocalDrive } from "../lib/drives/local/local-drive.ts";
import { s3ClientFor } from "../lib/drives/s3/s3-client.ts";
import { createS3Drive } from "../lib/drives/s3/s3-drive.ts";
import { DEFAULT_SYNC_OPTIONS, syncDrives } from "../lib/sync/index.ts";
import { startKmsEtagFront } from "./support/drives/s3-kms-etags.ts";
import { MOTO_SERVER, type MotoServer, startMotoServer } from "./support/secrets/moto-server.ts";
import { tempDir } from "./support/temp-dir.ts";

/**
 * The S3 drive against S3 as it really behaves (moto_server, an independent S3) and against the
 * objects Debian's rclone really writes, both ways. moto keeps MD5 ETags on SSE-KMS objects where
 * AWS does not: a thin front (s3-kms-etags.ts) gives them AWS's kind of ETag.
 */
const run = promisify(execFile);
const MiB = 1024 * 1024;
const md5 = (data: Uint8Array | string) => createHash("md5").update(data).digest("hex");

let moto: MotoServer;
let front: Awaited<ReturnType<typeof startKmsEtagFront>>;
let client: S3Client;
let dir: string;
let src: string;
let buckets = 0;

/** The files both tools sync: small ones with nanosecond mod times, and one multipart-sized. */
const FILES: Record<string, string | Uint8Array> = {
  "notes.txt": "alpha",
  "page.html": "<p>hi</p>",
  "data.json": "{}",
  README: "no extension",
  "sub/deep.txt": "deep",
  "big.bin": randomBytes(6 * MiB),
};

beforeAll(async () => {
  if (!MOTO_SERVER) return;
  ensureTool("rclone", "rclone");
  moto = (await startMotoServer())!;
  front = await startKmsEtagFront(moto.endpoint);
  client = s3ClientFor({ endpoint: front.endpoint, region: moto.region, credentials: moto.credentials });
  dir = await tempDir("syncron-s3-real-");
  src = join(dir, "src");
  for (const [name, body] of Object.entries(FILES)) {
    await mkdir(join(src, name, ".."), { recursive: true });
    await writeFile(join(src, name), body);
  }
  // Sub-millisecond mod times, as real file systems have them (rclone keeps nanoseconds).
  await utimes(join(src, "notes.txt"), 1620284889, 1620284889.123999);
  await utimes(join(src, "page.html"), 1620284889, 1620284889.999999);
}, 120_000);

afterAll(async () => {
  client?.destroy();
  await Promise.all([front?.stop(), moto?.stop()]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

const newBucket = async (kms = false): Promise<string> => {
  const bucket = `real-${process.pid}-${++buckets}`;
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  if (kms)
    await client.send(
      new PutBucketEncryptionCommand({
        Bucket: bucket,
        ServerSideEncryptionConfiguration: {
          Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms" } }],
        },
      }),
    );
  return bucket;
};

const s3Drive = (bucket: string, prefix: string) =>
  createS3Drive({ bucket, prefix, client, partSize: 5 * MiB });
const sync = (bucket: string, prefix: string, compare: "size-mtime" | "checksum" = "size-mtime") =>
  syncDrives(createLocalDrive({ root: src }), s3Drive(bucket, prefix), { ...DEFAULT_SYNC_OPTIONS, compare });

/** Debian's rclone on the same store (AWS_CA_BUNDLE breaks its S3 backend). */
async function rclone(...args: string[]): Promise<{ code: number; output: string }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    RCLONE_CONFIG: join(dir, "rclone.conf"),
    RCLONE_CONFIG_S_TYPE: "s3",
    RCLONE_CONFIG_S_PROVIDER: "Other",
    RCLONE_CONFIG_S_ENDPOINT: moto.endpoint,
    RCLONE_CONFIG_S_REGION: moto.region,
    RCLONE_CONFIG_S_ACCESS_KEY_ID: moto.credentials.accessKeyId,
    RCLONE_CONFIG_S_SECRET_ACCESS_KEY: moto.credentials.secretAccessKey,
    RCLONE_CONFIG_S_FORCE_PATH_STYLE: "true",
  };
  delete env.AWS_CA_BUNDLE;
  await writeFile(join(dir, "rclone.conf"), "");
  // moto cannot HEAD "?versionId=null", which rclone sends after a multipart upload: --s3-no-head.
  const flags = ["--s3-upload-cutoff", "5M", "--s3-chunk-size", "5M", "--s3-no-head", "-v"];
  try {
    const { stderr } = await run("rclone", [...args, ...flags], { env });
    return { code: 0, output: stderr };
  } catch (error) {
    const failed = error as { code: number; stderr: string };
    return { code: failed.code, output: failed.stderr };
  }
}

const headOf = (bucket: string, key: string) =>
  client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));

describe.skipIf(!MOTO_SERVER)("S3 as it is (moto_server, Debian rclone)", () => {
  it("a bucket with default SSE-KMS (ETag no MD5): uploads succeed, stay, and the next run copies nothing", async () => {
    const bucket = await newBucket(true);
    const first = await sync(bucket, "kms");
    expect(first.errors).toEqual([]);
    expect(first).toMatchObject({ status: "SUCCESS", copied: Object.keys(FILES).length });
    const head = await headOf(bucket, "kms/notes.txt");
    expect(head.ServerSideEncryption).toBe("aws:kms");
    expect(head.ETag?.replace(/"/g, "")).not.toBe(md5("alpha")); // AWS's kind of ETag
    expect(await s3Drive(bucket, "kms").hash("notes.txt", "md5")).toBe(md5("alpha"));
    expect(await sync(bucket, "kms")).toMatchObject({ status: "SUCCESS", copied: 0, updated: 0 });
    expect(await sync(bucket, "kms", "checksum")).toMatchObject({ status: "SUCCESS", copied: 0, updated: 0 });
  });

  it("objects rclone wrote (mtime in ns, md5chksum on multipart) are in sync for syncron: nothing copied", async () => {
    const bucket = await newBucket();
    const copied = await rclone("copy", src, `s:${bucket}/r`);
    expect(copied.output).not.toMatch(/ERROR/);
    expect((await headOf(bucket, "r/notes.txt")).Metadata?.mtime).toBe("1620284889.123999");
    expect(await sync(bucket, "r")).toMatchObject({ status: "SUCCESS", copied: 0, updated: 0 });
    expect(await sync(bucket, "r", "checksum")).toMatchObject({ status: "SUCCESS", copied: 0, updated: 0 });
  });

  it("objects syncron wrote are in sync for rclone: md5chksum on multipart, Content-Type by extension as rclone sends it", async () => {
    const bucket = await newBucket();
    expect(await sync(bucket, "s")).toMatchObject({ status: "SUCCESS", copied: Object.keys(FILES).length });
    const big = await headOf(bucket, "s/big.bin");
    expect(big.ETag).toMatch(/-2"$/); // multipart: 5 + 1 MiB
    expect(big.Metadata?.md5chksum).toBe(Buffer.from(md5(FILES["big.bin"]!), "hex").toString("base64"));
    // rclone checks every hash, the multipart one too (without md5chksum it cannot).
    const check = await rclone("check", src, `s:${bucket}/s`);
    expect(check.output).toMatch(/0 differences found/);
    expect(check.output).not.toMatch(/hashes could not be checked/);
    expect(check.code).toBe(0);
    // syncron keeps mod times to the millisecond: rclone compares them within 1 ms and copies nothing.
    const again = await rclone("copy", "--modify-window", "1ms", src, `s:${bucket}/s`);
    expect(again.output).not.toMatch(/Copied|Updated/);
    // The same Content-Type rclone gives the same names.
    await rclone("copy", src, `s:${bucket}/r`);
    for (const name of ["notes.txt", "page.html", "data.json", "README", "big.bin"]) {
      const [ours, theirs] = await Promise.all([headOf(bucket, `s/${name}`), headOf(bucket, `r/${name}`)]);
      expect({ name, type: ours.ContentType }).toEqual({ name, type: theirs.ContentType });
    }
  });
});
