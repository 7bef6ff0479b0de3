import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startDynalite } from "../dev/emulators/dynalite.ts";
import { driveFor } from "../drives/open-drive.ts";
import type { SyncRunMessage } from "../queue/message.ts";
import { newId } from "../store/ids.ts";
import { newRun } from "../store/run.ts";
import { createDocumentClient, createStore, type Store } from "../store/store.ts";
import { newSyncConfig, type SyncConfig, SyncConfigInputSchema } from "../store/sync-config.ts";
import { ensureTable } from "../store/table.ts";
import { runSyncJob } from "./run-sync-job/run-sync-job.ts";
import type { WorkerDeps } from "./run-sync-job/types.ts";

/** How a run ends and what becomes of the config's lease, when the run cannot go on. */

const now = new Date("2026-11-28T22:00:00.000Z");
const plenty = { remainingTimeMs: () => 15 * 60_000 };
let dynamo: Awaited<ReturnType<typeof startDynalite>>;
let store: Store;
let tables = 0;
let root: string;

beforeAll(async () => {
  dynamo = await startDynalite();
  root = await mkdtemp(join(tmpdir(), "syncron-leases-"));
});

afterAll(async () => {
  await dynamo.stop();
  await rm(root, { recursive: true, force: true });
});

beforeEach(async () => {
  const connection = { endpoint: dynamo.endpoint, region: dynamo.region, credentials: dynamo.credentials };
  const tableName = `leases-${++tables}`;
  await ensureTable(new DynamoDBClient(connection), tableName);
  store = createStore({ client: createDocumentClient(connection), tableName, now: () => now });
});

const deps = (overrides: Partial<WorkerDeps> = {}): WorkerDeps => ({
  store,
  queue: { send: async () => "message-id" },
  openDrive: (location, name) => driveFor(location, name, {}),
  clock: () => now,
  ...overrides,
});

const givenConfig = (fields: Partial<SyncConfig> = {}): Promise<SyncConfig> => {
  const input = SyncConfigInputSchema.parse({
    name: "docs",
    source: join(root, "source"),
    target: join(root, "target"),
    cron: "0 2 * * *",
  });
  return store.configs.create({ ...newSyncConfig(input, { id: newId(), now }), ...fields });
};

/** A manual run that an earlier invocation started and checkpointed: it holds the config's lease. */
async function givenRunningTask(
  config: SyncConfig,
): Promise<Extract<SyncRunMessage, { trigger: "continuation" }>> {
  const task_id = `manual-${newId()}`;
  await store.runs.create(newRun({ task_id, config_id: config.id, trigger: "manual", now }));
  await store.runs.update(task_id, { status: "STARTED", started_at: now.toISOString(), attempts: 1 });
  expect(await store.leases.acquire(config.id, { owner: task_id, ttl_ms: 20 * 60_000 })).toBe(true);
  return { type: "sync.run", trigger: "continuation", config_id: config.id, task_id };
}

describe("runSyncJob: runs that cannot go on", () => {
  it("frees the lease when a continuation finds its config disabled", async () => {
    const config = await givenConfig();
    const message = await givenRunningTask(config);
    await store.configs.update(config.id, { enabled: false });

    expect(await runSyncJob(message, deps(), plenty)).toEqual({
      task_id: message.task_id,
      outcome: "FAILURE",
    });
    expect(await store.runs.get(message.task_id)).toMatchObject({ error: { code: "CONFIG_DISABLED" } });
    expect(await store.leases.get(config.id)).toBeUndefined();
  });

  it("ends a run whose stored location cannot be parsed as FAILURE naming the location, without the secret", async () => {
    const config = await givenConfig({ target: "ftp://user:hunter2@host/path" });
    const message = await givenRunningTask(config);

    expect(await runSyncJob(message, deps(), plenty)).toEqual({
      task_id: message.task_id,
      outcome: "FAILURE",
    });
    const run = await store.runs.get(message.task_id);
    expect(run).toMatchObject({ status: "FAILURE", error: { code: "INVALID_LOCATION" } });
    expect(run?.error?.message).toMatch(/^target: /);
    expect(JSON.stringify(run)).not.toContain("hunter2");
    expect(await store.leases.get(config.id)).toBeUndefined();
  });

  it("records the failure even when the lease cannot be released (it lapses on its own)", async () => {
    const config = await givenConfig();
    const message = await givenRunningTask(config);
    const stuck = {
      ...store,
      leases: { ...store.leases, release: () => Promise.reject(new Error("table unreachable")) },
    };
    const refused = deps({
      store: stuck,
      openDrive: () => {
        throw new Error("no such drive");
      },
    });

    expect(await runSyncJob(message, refused, plenty)).toEqual({
      task_id: message.task_id,
      outcome: "FAILURE",
    });
    expect(await store.runs.get(message.task_id)).toMatchObject({
      status: "FAILURE",
      error: { code: "SYNC_ERROR", message: "no such drive" },
    });
  });

  it("frees the lease when the outcome cannot be recorded, so the redelivered message takes the run over", async () => {
    const config = await givenConfig();
    await mkdir(config.source, { recursive: true });
    await writeFile(join(config.source, "a.txt"), "alpha");
    const message = await givenRunningTask(config);
    const failing = {
      ...store,
      runs: {
        ...store.runs,
        update: (...args: Parameters<Store["runs"]["update"]>) =>
          args[1].status === "SUCCESS"
            ? Promise.reject(new Error("table unreachable"))
            : store.runs.update(...args),
      },
    };

    await expect(runSyncJob(message, deps({ store: failing }), plenty)).rejects.toThrow("table unreachable");
    expect(await store.leases.get(config.id)).toBeUndefined();

    const redelivered = { ...message, trigger: "manual" as const };
    expect(await runSyncJob(redelivered, deps(), plenty)).toEqual({
      task_id: message.task_id,
      outcome: "SUCCESS",
    });
    expect(await readFile(join(config.target, "a.txt"), "utf8")).toBe("alpha");
  });
});

describe("runSyncJob: two deliveries of one message at once", () => {
  it("runs the sync once; the other delivery is a duplicate", async () => {
    const config = await givenConfig();
    await mkdir(config.source, { recursive: true });
    await writeFile(join(config.source, "a.txt"), "alpha");
    const task_id = `manual-${newId()}`;
    await store.runs.create(newRun({ task_id, config_id: config.id, trigger: "manual", now }));
    const message: SyncRunMessage = { type: "sync.run", trigger: "manual", config_id: config.id, task_id };
    const opened: string[] = [];
    const counting = deps({
      openDrive: (location, name) => {
        opened.push(name);
        return driveFor(location, name, {});
      },
    });

    const outcomes = await Promise.all([
      runSyncJob(message, counting, plenty),
      runSyncJob(message, counting, plenty),
    ]);
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(["SUCCESS", "duplicate"]);
    expect(opened).toEqual([config.source, config.target]);
    expect(await store.runs.get(task_id)).toMatchObject({ status: "SUCCESS", attempts: 1 });
    expect(await store.leases.get(config.id)).toBeUndefined();
  });
});
