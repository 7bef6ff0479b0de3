import { chmod, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { CreateBucketCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevStack, startDevStack } from "../lib/dev/dev-stack.ts";
import { type LocalSqsS3, startLocalSqsS3 } from "../lib/dev/emulators/fauxqs.ts";
import { localRootsFrom } from "../lib/drives/local-roots.ts";
import { s3ClientFor } from "../lib/drives/s3/s3-client.ts";
import { createWebdavDrive } from "../lib/drives/webdav/webdav-drive.ts";
import { runCli } from "./support/cli/run-cli.ts";
import { streamOf } from "./support/drives/streams.ts";
import { startWebdavTestServer, type WebdavTestServer } from "./support/drives/webdav-test-server.ts";
import { REFUSED_ADDRESS } from "./support/net/refused-address.ts";
import { tempDir } from "./support/temp-dir.ts";

const PASSWORD = "Dav-Drives-File-9q2";
const WRONG = "Wrong-Dav-Pass-7x4";
const S3_SECRET = "S3-Secret-Drives-File-k8";
let s3: LocalSqsS3;
let dav: WebdavTestServer;
let dir: string;

const sync = (...args: string[]) => runCli("sync", ...args);

/** Writes a drives file with `mode` (0600 unless told). */
async function drivesFile(name: string, drives: unknown, mode = 0o600): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, JSON.stringify(drives));
  await chmod(path, mode);
  return path;
}

const files = async (root: string): Promise<string[]> =>
  (await readdir(root, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(root.length + 1))
    .sort();

/** No output of any call shows a secret. */
const expectNoSecrets = (...outputs: { stdout: string; stderr: string }[]) => {
  for (const { stdout, stderr } of outputs) {
    for (const secret of [PASSWORD, WRONG, S3_SECRET, "AKIADRIVESFILE"]) {
      expect(stdout).not.toContain(secret);
      expect(stderr).not.toContain(secret);
    }
  }
};

beforeAll(async () => {
  dir = await tempDir("syncron-cli-drives-");
  [s3, dav] = await Promise.all([
    startLocalSqsS3(),
    startWebdavTestServer({ user: { username: "alice", password: PASSWORD } }),
  ]);
  const client = s3ClientFor({ endpoint: s3.endpoint, region: s3.region, credentials: s3.credentials });
  await client.send(new CreateBucketCommand({ Bucket: "drives-file" }));
  client.destroy();
  const docs = createWebdavDrive({ url: `${dav.url}/docs`, username: "alice", password: PASSWORD });
  await docs.write("a.txt", streamOf(Buffer.from("alpha")), { path: "a.txt", size: 5 });
  await docs.write("sub/b.txt", streamOf(Buffer.from("beta")), { path: "sub/b.txt", size: 4 });
}, 60_000);

afterAll(async () => {
  await Promise.all([s3?.stop(), dav?.stop()]);
  await rm(dir, { recursive: true, force: true });
});

describe("syncron sync name:path with --drives FILE", () => {
  it("resolves drives keyed by name and syncs webdav -> local, never printing the secret", async () => {
    const file = await drivesFile("drives.json", {
      nas: { type: "webdav", url: dav.url, username: "alice", password: PASSWORD },
      disk: { type: "local", root: join(dir, "disk") },
    });
    const result = await sync("nas:/docs", "disk:/copy", "--drives", file);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^copy nas:\/docs -> disk:\/copy: SUCCESS$/m);
    expect(await files(join(dir, "disk/copy"))).toEqual(["a.txt", "sub/b.txt"]);
    expectNoSecrets(result);
  });

  it("takes an array of drives as POST /api/v1/drives takes them (s3 with keys)", async () => {
    const file = await drivesFile("array.json", [
      { name: "nas", type: "webdav", url: dav.url, username: "alice", password: PASSWORD },
      {
        name: "backup",
        type: "s3",
        bucket: "drives-file",
        endpoint: s3.endpoint,
        region: s3.region,
        path_style: true,
        access_key_id: "AKIADRIVESFILE",
        secret_access_key: S3_SECRET,
      },
    ]);
    const result = await sync("nas:docs", "backup:site", "--drives", file, "--json");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: "SUCCESS", copied: 2 });
    const client = s3ClientFor({ endpoint: s3.endpoint, region: s3.region, credentials: s3.credentials });
    const listed = await client.send(new ListObjectsV2Command({ Bucket: "drives-file", Prefix: "site/" }));
    client.destroy();
    expect((listed.Contents ?? []).map((object) => object.Key).sort()).toEqual([
      "site/a.txt",
      "site/sub/b.txt",
    ]);
    expectNoSecrets(result);
  });

  it("refuses a drives file that group or others may read, and copies nothing", async () => {
    for (const mode of [0o644, 0o640, 0o604, 0o660]) {
      const file = await drivesFile(
        `open-${mode.toString(8)}.json`,
        {
          nas: { type: "webdav", url: dav.url, username: "alice", password: PASSWORD },
          disk: { type: "local", root: join(dir, "never") },
        },
        mode,
      );
      const result = await sync("nas:/docs", "disk:/copy", "--drives", file);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        `syncron sync: --drives: ${file} is open to group or others (mode ${mode.toString(8)}); it holds secrets: chmod 600 ${file}`,
      );
      expectNoSecrets(result);
    }
    await expect(readdir(join(dir, "never"))).rejects.toThrow(/ENOENT/);
  });

  it("names the drive and the field of a bad file, never its content", async () => {
    const notJson = join(dir, "broken.json");
    await writeFile(notJson, `{"nas": {"type": "webdav", "password": "${PASSWORD}" `, { mode: 0o600 });
    const typo = await drivesFile("typo.json", {
      nas: { type: "webdav", url: dav.url, username: "alice", passwd: PASSWORD },
    });
    const renamed = await drivesFile("renamed.json", { nas: { name: "other", type: "local", root: "/x" } });
    const outcomes = [
      [await sync("nas:/docs", join(dir, "out"), "--drives", notJson), `--drives: ${notJson} is not JSON`],
      [await sync("nas:/docs", join(dir, "out"), "--drives", typo), `--drives: ${typo}: drive "nas": `],
      [
        await sync("nas:/docs", join(dir, "out"), "--drives", renamed),
        `--drives: ${renamed}: drive "other": name must be its key "nas" (or left out)`,
      ],
      [
        await sync("zz:/docs", join(dir, "out"), "--drives", typo.replace("typo", "array")),
        `source: drive "zz" does not exist in ${join(dir, "array.json")}`,
      ],
      [
        await sync("nas:/docs", join(dir, "out"), "--drives", join(dir, "absent.json")),
        "--drives: cannot read",
      ],
    ] as const;
    for (const [result, message] of outcomes) {
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`syncron sync: ${message}`);
      expectNoSecrets(result);
    }
    expect(outcomes[1][0].stderr).toMatch(/passwd/);
    await expect(readdir(join(dir, "out"))).rejects.toThrow(/ENOENT/);
  });

  it("fails a sync whose drive's login is refused without showing the password", async () => {
    const file = await drivesFile("wrong.json", {
      nas: { type: "webdav", url: dav.url, username: "alice", password: WRONG },
    });
    const result = await sync("nas:/docs", join(dir, "wrong-out"), "--drives", file);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/FAILURE/);
    expectNoSecrets(result);
  });
});

describe("syncron sync name:path through the drives API", () => {
  let stack: DevStack;

  beforeAll(async () => {
    await mkdir(join(dir, "api-data"), { recursive: true });
    await mkdir(join(dir, "api-disk/photos"), { recursive: true });
    await writeFile(join(dir, "api-disk/photos/p.jpg"), "jpeg");
    stack = await startDevStack({
      port: 0,
      dataDir: join(dir, "api-data"),
      localRoots: localRootsFrom(dir, { roots: [], rule: "unused" }),
      log: () => {},
    });
    const post = (body: unknown) =>
      fetch(`${stack.url}/api/v1/drives`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      }).then((reply) => expect(reply.status).toBe(201));
    await post({ name: "disk", type: "local", root: join(dir, "api-disk") });
    await post({ name: "nas", type: "webdav", url: dav.url, username: "alice", password: PASSWORD });
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it("resolves a drive without secrets from the API at --url", async () => {
    const result = await sync("disk:/photos", join(dir, "from-api"), "--url", stack.url);
    expect(result.code).toBe(0);
    expect(await readFile(join(dir, "from-api/p.jpg"), "utf8")).toBe("jpeg");
  });

  it("refuses a drive whose secrets only the server holds, saying what to do", async () => {
    const result = await sync("nas:/docs", join(dir, "from-api-nas"), "--url", stack.url);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'syncron sync: source: drive "nas" keeps its password in the server\'s secret store, which the API never gives out: give the drive in a --drives FILE, or run the sync on the server as a config (syncron config run)',
    );
    expectNoSecrets(result);
    const unknown = await sync("zz:/x", join(dir, "from-api-zz"), "--url", stack.url);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(
      'syncron sync: source: drive "zz" does not exist (create it under /api/v1/drives)',
    );
  });

  it("says where to find drives when neither a file nor the API is there", async () => {
    const result = await sync("disk:/photos", join(dir, "nowhere"), "--url", `http://${REFUSED_ADDRESS}`);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(
        `^syncron sync: name:path needs its drive: give --drives FILE, or cannot reach the API at http://${REFUSED_ADDRESS} `,
      ),
    );
  });
});
