import { mkdir, readdir, readFile, stat, symlink, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { CreateQueueCommand, SQSClient } from "@aws-sdk/client-sqs";
import { GetParameterCommand } from "@aws-sdk/client-ssm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  startWebdavTestServer,
  type WebdavTestServer,
} from "../../test/support/drives/webdav-test-server.ts";
import {
  type LocalEndpoint,
  sharedEmulators,
  uniqueName,
} from "../../test/support/emulators/shared-emulators.ts";
import { fakeSsm } from "../../test/support/secrets/fake-ssm.ts";
import { tempDir } from "../../test/support/temp-dir.ts";
import { driveFor } from "../drives/open-drive.ts";
import { driveTypeOf } from "../drives/types/registry.ts";
import { createSqsProducer } from "../queue/sqs-producer.ts";
import { createFileSecretStore } from "../secrets/file/file-secret-store.ts";
import type { SecretStore } from "../secrets/secret-store.ts";
import { createSsmSecretStore } from "../secrets/ssm/ssm-secret-store.ts";
import { newId } from "../store/ids.ts";
import { createDocumentClient, createStore, type Store } from "../store/store.ts";
import { newSyncConfig, SyncConfigInputSchema } from "../store/sync-config.ts";
import { ensureTable } from "../store/table.ts";
import { createDriveResolver } from "./drives/resolve-drive.ts";
import { changeDrive, createDrive, patchFields } from "./drives/write-drive.ts";
import { runSyncJob } from "./run-sync-job/run-sync-job.ts";
import type { WorkerDeps } from "./run-sync-job/types.ts";

const now = new Date("2026-11-28T22:00:00.000Z");
const plenty = { remainingTimeMs: () => 15 * 60_000 };
const PASSWORD = "worker-dav-Secret-5e1";

let stopAll: () => Promise<void>;
let dynamo: LocalEndpoint;
let sqs: SQSClient;
let dav: WebdavTestServer;
let davRoot: string;
let store: Store;
let queueUrl: string;

beforeAll(async () => {
  const { dynamo: db, sqsS3: local } = sharedEmulators();
  dynamo = db;
  sqs = new SQSClient({ endpoint: local.endpoint, region: local.region, credentials: local.credentials });
  davRoot = await tempDir();
  dav = await startWebdavTestServer({ root: davRoot, user: { username: "alice", password: PASSWORD } });
  stopAll = async () => {
    sqs.destroy();
    await dav.stop();
  };
});
afterAll(async () => {
  await stopAll();
});
beforeEach(async () => {
  const tableName = uniqueName("drives");
  const connection = { endpoint: dynamo.endpoint, region: dynamo.region, credentials: dynamo.credentials };
  await ensureTable(new DynamoDBClient(connection), tableName);
  store = createStore({ client: createDocumentClient(connection), tableName, now: () => now });
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: tableName }))).QueueUrl!;
});

const type = (name: string) => driveTypeOf(name) ?? (undefined as never);
const depsWith = (secrets: SecretStore): WorkerDeps => ({
  store,
  queue: createSqsProducer({ client: sqs, queueUrl }),
  openDrive: (location, name) => driveFor(location, name, {}),
  resolveLocation: createDriveResolver({ records: store.drives, secrets }),
  clock: () => now,
});
const drivesOf = (secrets: SecretStore) => ({
  drives: { records: store.drives, secrets, open: () => undefined as never },
  localRoots: { roots: ["/"], rule: "the test allows any folder" },
});

async function config(source: string, target: string) {
  const input = SyncConfigInputSchema.parse({ name: "docs", source, target, cron: "0 2 * * *" });
  return store.configs.create(newSyncConfig(input, { id: newId(), now }));
}
const manual = (configId: string) =>
  ({ type: "sync.run", trigger: "manual", config_id: configId, task_id: newId() }) as const;

describe("runSyncJob with name:path locations", () => {
  it("resolves both drives at run time and syncs between them", async () => {
    const secrets = createFileSecretStore({ path: join(await tempDir(), "secrets.json") });
    const [src, dst] = [await tempDir(), await tempDir()];
    await mkdir(join(src, "docs"));
    await writeFile(join(src, "docs", "a.txt"), "alpha");
    await createDrive(type("local"), { name: "src", type: "local", root: src }, drivesOf(secrets));
    await createDrive(type("local"), { name: "dst", type: "local", root: dst }, drivesOf(secrets));
    const { id } = await config("src:/docs", "dst:/copy");
    expect(await runSyncJob(manual(id), depsWith(secrets), plenty)).toMatchObject({ outcome: "SUCCESS" });
    expect(await readFile(join(dst, "copy", "a.txt"), "utf8")).toBe("alpha");
  });

  it("never writes into a local source folder, plain or a drive (no probe file)", async () => {
    const secrets = createFileSecretStore({ path: join(await tempDir(), "secrets.json") });
    const [src, dst] = [await tempDir(), await tempDir()];
    await writeFile(join(src, "a.txt"), "alpha");
    await createDrive(type("local"), { name: "src", type: "local", root: src }, drivesOf(secrets));
    const past = new Date("2024-01-02T03:04:05Z");
    for (const [source, target] of [
      [src, join(dst, "plain")],
      ["src:/", join(dst, "named")],
    ] as const) {
      await utimes(src, past, past);
      const before = await stat(src, { bigint: true });
      const { id } = await config(source, target);
      expect(await runSyncJob(manual(id), depsWith(secrets), plenty)).toMatchObject({ outcome: "SUCCESS" });
      expect(await readdir(target)).toEqual(["a.txt"]);
      // Creating and removing even a probe file changes a folder's mod and change times.
      const after = await stat(src, { bigint: true });
      expect([after.mtimeNs, after.ctimeNs], source).toEqual([before.mtimeNs, before.ctimeNs]);
    }
  });

  it("refuses a drive folder swapped for a symlink out of the drive, writing nothing there (not even a probe)", async () => {
    const secrets = createFileSecretStore({ path: join(await tempDir(), "secrets.json") });
    const [src, drive, elsewhere] = [await tempDir(), await tempDir(), await tempDir()];
    await writeFile(join(src, "a.txt"), "alpha");
    await createDrive(type("local"), { name: "dst", type: "local", root: drive }, drivesOf(secrets));
    const { id } = await config(src, "dst:/backup");
    // After the config was stored, its folder became a link to a folder outside the drive.
    await symlink(elsewhere, join(drive, "backup"));
    const past = new Date("2024-01-02T03:04:05Z");
    await utimes(elsewhere, past, past);
    const before = await stat(elsewhere, { bigint: true });
    const outcome = await runSyncJob(manual(id), depsWith(secrets), plenty);
    expect(outcome).toMatchObject({ outcome: "FAILURE" });
    expect((await store.runs.get(outcome.task_id))?.error).toEqual({
      code: "LOCATION_REFUSED",
      message: expect.stringContaining("leads out of its drive's root"),
    });
    expect(await readdir(elsewhere)).toEqual([]);
    const after = await stat(elsewhere, { bigint: true });
    expect([after.mtimeNs, after.ctimeNs]).toEqual([before.mtimeNs, before.ctimeNs]);
  });

  it("uses a rotated password from the next run on", async () => {
    const secrets = createFileSecretStore({ path: join(await tempDir(), "secrets.json") });
    const src = await tempDir();
    await writeFile(join(src, "a.txt"), "alpha");
    const deps = drivesOf(secrets);
    await createDrive(
      type("webdav"),
      { name: "nas", type: "webdav", url: dav.url, username: "alice", password: PASSWORD },
      deps,
    );
    const { id } = await config(src, "nas:/backup");
    expect(await runSyncJob(manual(id), depsWith(secrets), plenty)).toMatchObject({ outcome: "SUCCESS" });
    expect(await readFile(join(davRoot, "backup", "a.txt"), "utf8")).toBe("alpha");

    await changeDrive("nas", patchFields({ password: "rotated-wrong-pass" }), deps);
    const second = manual(id);
    expect(await runSyncJob(second, depsWith(secrets), plenty)).toMatchObject({ outcome: "FAILURE" });
    const run = await store.runs.get(second.task_id);
    expect(run?.error).toMatchObject({
      code: "AUTH_FAILED",
      message: expect.stringContaining("401 Unauthorized"),
    });
    expect(JSON.stringify(run)).not.toMatch(/rotated-wrong-pass|worker-dav-Secret/);
  });

  it("ends a run whose drive does not exist as DRIVE_NOT_FOUND", async () => {
    const secrets = createFileSecretStore({ path: join(await tempDir(), "secrets.json") });
    const { id } = await config(await tempDir(), "gone:/x");
    const message = manual(id);
    expect(await runSyncJob(message, depsWith(secrets), plenty)).toMatchObject({ outcome: "FAILURE" });
    expect((await store.runs.get(message.task_id))?.error).toEqual({
      code: "DRIVE_NOT_FOUND",
      message: expect.stringMatching(/^target: drive "gone" does not exist/),
    });
  });

  it("judges overlap on the drives' real locations", async () => {
    const secrets = createFileSecretStore({ path: join(await tempDir(), "secrets.json") });
    const root = await tempDir();
    await createDrive(type("local"), { name: "a", type: "local", root }, drivesOf(secrets));
    await createDrive(
      type("local"),
      { name: "b", type: "local", root: join(root, "inner") },
      drivesOf(secrets),
    );
    const { id } = await config("a:/", "b:/x");
    const message = manual(id);
    await runSyncJob(message, depsWith(secrets), plenty);
    expect((await store.runs.get(message.task_id))?.error).toMatchObject({ code: "LOCATIONS_OVERLAP" });
  });

  it("reads a drive's secrets from SSM once per cold start however many runs use it", async () => {
    const { client, mock } = fakeSsm();
    const writer = createSsmSecretStore({ client, path: "/syncron/test/drives" });
    const src = await tempDir();
    await writeFile(join(src, "a.txt"), "alpha");
    const deps = drivesOf(writer);
    await createDrive(
      type("webdav"),
      { name: "nas", type: "webdav", url: dav.url, username: "alice", password: PASSWORD },
      deps,
    );
    const { id } = await config(src, "nas:/ssm");
    mock.resetHistory();
    const worker = depsWith(createSsmSecretStore({ client, path: "/syncron/test/drives" })); // one cold start
    for (let run = 0; run < 4; run++) {
      expect(await runSyncJob(manual(id), worker, plenty)).toMatchObject({ outcome: "SUCCESS" });
    }
    expect(mock.commandCalls(GetParameterCommand)).toHaveLength(1);
    // A rotation (the API writes a new version): one more read, then cached again.
    await changeDrive("nas", patchFields({ username: "alice", password: PASSWORD.toUpperCase() }), deps);
    await changeDrive("nas", patchFields({ password: PASSWORD }), deps);
    mock.resetHistory();
    for (let run = 0; run < 3; run++) await runSyncJob(manual(id), worker, plenty);
    expect(mock.commandCalls(GetParameterCommand)).toHaveLength(1);
  });
});
