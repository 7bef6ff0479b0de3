import { createHash, randomBytes } from "node:crypto";
import { CreateBucketCommand, HeadObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readBytes, streamOf } from "../../../test/support/drives/streams.ts";
import { type MotoServer, startMotoServer } from "../../../test/support/secrets/moto-server.ts";
import { s3ClientFor } from "./s3-client.ts";
import { createS3Drive } from "./s3-drive.ts";

const MiB = 1024 * 1024;
const MOD_TIME = Date.UTC(2022, 2, 3, 4, 5, 6, 789);

describe("s3 server-side copy against moto_server", () => {
  let moto: MotoServer | undefined;
  let client: S3Client;
  beforeAll(async () => {
    moto = await startMotoServer();
    if (!moto) return;
    client = s3ClientFor({ endpoint: moto.endpoint, region: moto.region, credentials: moto.credentials });
    for (const bucket of ["copy-from", "copy-to"])
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
  }, 60_000);
  afterAll(async () => {
    client?.destroy();
    await moto?.stop();
  });

  it("copies above the cutoff in UploadPartCopy parts: bytes, mod time and md5 kept", async () => {
    if (!moto) throw new Error("moto_server is not installed on this machine");
    const source = createS3Drive({ bucket: "copy-from", prefix: "src", client });
    const target = createS3Drive({ bucket: "copy-to", client, copyCutoff: 6 * MiB, copyPartSize: 5 * MiB });
    const data = randomBytes(12 * MiB + 123);
    const md5 = createHash("md5").update(data).digest("hex");
    await source.write("big.bin", streamOf(data, MiB), {
      path: "big.bin",
      size: data.length,
      modTime: MOD_TIME,
    });
    const listed = await source.stat("big.bin");

    const entry = await target.copyFrom!(source, listed, "dir/big.bin");

    expect(entry).toMatchObject({ path: "dir/big.bin", size: data.length, modTime: MOD_TIME });
    const head = await client.send(new HeadObjectCommand({ Bucket: "copy-to", Key: "dir/big.bin" }));
    expect(head.ETag).toMatch(/-3"$/); // three parts: 5 + 5 + 2 MiB
    const copied = await target.stat("dir/big.bin");
    expect(copied.modTime).toBe(MOD_TIME);
    expect(copied.hashes?.md5).toBe(listed.hashes?.md5); // md5chksum carried over where the source had one
    expect(
      createHash("md5")
        .update(await readBytes(await target.read("dir/big.bin")))
        .digest("hex"),
    ).toBe(md5);
  });

  it("copies with one CopyObject up to the cutoff, and not between two endpoints", async () => {
    if (!moto) throw new Error("moto_server is not installed on this machine");
    const source = createS3Drive({ bucket: "copy-from", client });
    const target = createS3Drive({ bucket: "copy-to", prefix: "small", client });
    await source.write("s.txt", streamOf(Buffer.from("small")), {
      path: "s.txt",
      size: 5,
      modTime: MOD_TIME,
    });
    expect(await target.copyFrom!(source, await source.stat("s.txt"), "s.txt")).toMatchObject({ size: 5 });
    expect((await readBytes(await target.read("s.txt"))).toString()).toBe("small");
    const elsewhere = createS3Drive({
      bucket: "copy-to",
      client: s3ClientFor({ endpoint: "http://127.0.0.1:1", credentials: moto.credentials }),
      store: "another endpoint",
    });
    expect(await elsewhere.copyFrom!(source, await source.stat("s.txt"), "s.txt")).toBeUndefined();
  });
});
