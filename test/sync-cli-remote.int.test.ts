import { CreateBucketCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { run } from "../lib/cli/sync-command.ts";
import { s3ClientFor } from "../lib/drives/s3/s3-client.ts";
import { createWebdavDrive } from "../lib/drives/webdav/webdav-drive.ts";
import { streamOf } from "./support/drives/streams.ts";
import { startWebdavTestServer, type WebdavTestServer } from "./support/drives/webdav-test-server.ts";
import { type LocalEndpoint, sharedEmulators, uniqueName } from "./support/emulators/shared-emulators.ts";
import { REFUSED_ADDRESS } from "./support/net/refused-address.ts";

const USER = { username: "alice", password: "s3cr3t-pw" };
/** This file's bucket in the tier's shared fauxqs. */
const BUCKET = uniqueName("cli-bucket");
let s3: LocalEndpoint;
let dav: WebdavTestServer;
let out: string[];

beforeAll(async () => {
  s3 = sharedEmulators().sqsS3;
  dav = await startWebdavTestServer({ user: USER });
  const client = s3ClientFor({ endpoint: s3.endpoint, region: s3.region, credentials: s3.credentials });
  await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  client.destroy();
  const docs = createWebdavDrive({ url: `${dav.url}/docs`, ...USER });
  await docs.write("a.txt", streamOf(Buffer.from("alpha")), { path: "a.txt", size: 5 });
  await docs.write("sub/b.txt", streamOf(Buffer.from("beta")), { path: "sub/b.txt", size: 4 });
});

afterAll(async () => {
  await dav?.stop();
});

describe("syncron sync between remote locations", () => {
  it("copies webdav -> s3 with credentials from the URL and the environment, never printing them", async () => {
    out = [];
    vi.spyOn(console, "log").mockImplementation((line: unknown) => void out.push(String(line)));
    vi.stubEnv("AWS_ACCESS_KEY_ID", s3.credentials.accessKeyId);
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", s3.credentials.secretAccessKey);
    const host = dav.url.replace("http://", "");
    const source = `webdav://${USER.username}:${USER.password}@${host}/docs`;
    const target = `s3://${BUCKET}/backup?endpoint=${encodeURIComponent(s3.endpoint)}&region=${s3.region}&path_style=true`;
    try {
      expect(await run([source, target, "--mode", "mirror"])).toBe(0);
      expect(await run([source, target, "--mode", "mirror", "--json"])).toBe(0);
    } finally {
      vi.restoreAllMocks();
      vi.unstubAllEnvs();
    }
    const [summary, json] = [out.slice(0, -1).join("\n"), out.at(-1)!];
    expect(summary).toMatch(/copied 2, updated 0, deleted 0/);
    expect(summary).toContain(`webdav://alice:***@${host}/docs`);
    expect(summary).not.toContain(USER.password);
    expect(JSON.parse(json)).toMatchObject({ status: "SUCCESS", copied: 0, skipped: 2 });
  });

  it("names a missing webdav source as written, redacted", async () => {
    out = [];
    vi.spyOn(console, "log").mockImplementation((line: unknown) => void out.push(String(line)));
    const host = dav.url.replace("http://", "");
    const source = `webdav://${USER.username}:${USER.password}@${host}/no-such-folder`;
    try {
      expect(
        await run([source, `s3://${BUCKET}/x?endpoint=http://${REFUSED_ADDRESS}`, "--mode", "mirror"]),
      ).toBe(1);
    } finally {
      vi.restoreAllMocks();
    }
    const text = out.join("\n");
    expect(text).toContain(`cannot list the source webdav://alice:***@${host}/no-such-folder:`);
    expect(text).not.toContain(USER.password);
  });
});
