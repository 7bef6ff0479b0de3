import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAll, readBytes, streamOf } from "../../test/support/drives/streams.ts";
import {
  startWebdavTestServer,
  type WebdavTestServer,
} from "../../test/support/drives/webdav-test-server.ts";
import {
  type LocalEndpoint,
  sharedEmulators,
  uniqueName,
} from "../../test/support/emulators/shared-emulators.ts";
import { tempDir } from "../../test/support/temp-dir.ts";
import type { Drive } from "./drive.ts";
import { AuthenticationError } from "./errors.ts";
import { LocationError } from "./location.ts";
import { openDrive } from "./open-drive.ts";

const put = (drive: Drive, path: string, text: string) =>
  drive.write(path, streamOf(Buffer.from(text)), {
    path,
    size: Buffer.byteLength(text),
    modTime: Date.UTC(2020, 0, 1),
  });

describe("openDrive", () => {
  /** This file's bucket in the tier's shared fauxqs. */
  const BUCKET = uniqueName("open-drive");
  let s3: LocalEndpoint;
  let dav: WebdavTestServer;
  let dir: string;
  beforeAll(async () => {
    s3 = sharedEmulators().sqsS3;
    [dav, dir] = await Promise.all([
      startWebdavTestServer({ user: { username: "alice", password: "topsecret" } }),
      tempDir("syncron-open-"),
    ]);
    const admin = new S3Client({ ...s3, forcePathStyle: true });
    await admin.send(new CreateBucketCommand({ Bucket: BUCKET }));
    admin.destroy();
  });
  afterAll(async () => {
    await Promise.all([dav?.stop(), dir && rm(dir, { recursive: true, force: true })]);
  });

  it("opens a local folder from a path", async () => {
    const drive = await openDrive(join(dir, "local"), {});
    await put(drive, "a/b.txt", "local");
    expect(await readFile(join(dir, "local/a/b.txt"), "utf8")).toBe("local");
  });

  it("opens s3 with credentials in the URL, naming the drive without them", async () => {
    const location = `s3://AKIAXYZ:topsecret@${BUCKET}/base/dir?endpoint=${s3.endpoint}&region=us-east-1`;
    const drive = await openDrive(location, {});
    expect(drive.name).toBe(`s3://***@${BUCKET}/base/dir?endpoint=${s3.endpoint}&region=us-east-1`);
    await put(drive, "x/y.txt", "s3");
    expect((await listAll(drive, "x")).map((e) => e.path)).toEqual(["x/y.txt"]);
    const again = await openDrive(`s3://${BUCKET}/base`, {
      AWS_ACCESS_KEY_ID: "k",
      AWS_SECRET_ACCESS_KEY: "s",
      AWS_REGION: "us-east-1",
      AWS_ENDPOINT_URL_S3: s3.endpoint,
    });
    expect(Buffer.from(await readBytes(await again.read("dir/x/y.txt"))).toString()).toBe("s3");
    await Promise.all([drive.close?.(), again.close?.()]);
  });

  it("opens webdav with credentials from the URL or from WEBDAV_USERNAME/WEBDAV_PASSWORD", async () => {
    const host = dav.url.replace(/^http:\/\//, "");
    const inUrl = await openDrive(`webdav://alice:topsecret@${host}/`, {});
    expect(inUrl.name).toBe(`webdav://alice:***@${host}/`);
    await put(inUrl, "w.txt", "dav");
    const fromEnv = await openDrive(`webdav://${host}`, {
      WEBDAV_USERNAME: "alice",
      WEBDAV_PASSWORD: "topsecret",
    });
    expect(fromEnv.name).toBe(`webdav://${host}`);
    expect((await listAll(fromEnv, "")).map((e) => e.path)).toEqual(["w.txt"]);
    const refused = await openDrive(`webdav://alice:wrong-topsecret@${host}`, {});
    const error = await listAll(refused, "").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(String(error)).not.toContain("topsecret");
  });

  it("throws LocationError for a bad location, without its secret", async () => {
    const error = await openDrive("s3://AKIA:topsecret@/p", {}).then(
      () => undefined,
      (caught: Error) => caught,
    );
    expect(error).toBeInstanceOf(LocationError);
    expect(error?.message).toMatch(/bucket\) is missing/);
    expect(error?.message).not.toContain("topsecret");
  });
});
