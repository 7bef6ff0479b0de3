import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type LocalEndpoint,
  sharedEmulators,
  uniqueName,
} from "../../test/support/emulators/shared-emulators.ts";
import { tempDir } from "../../test/support/temp-dir.ts";
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
let dynamo: LocalEndpoint;
let store: Store;
let root: string;

beforeAll(async () => {
  dynamo = sharedEmulators().dynamo;
  root = await tempDir("syncron-leases-");
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

beforeEach(async () => {
  const connection = { endpoint: dynamo.endpoint, region: dynamo.region, credentials: dynamo.credentials };
  const tableName = uniqueName("leases");
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

/** The config's source folder with one file, a.txt. */
async function givenSourceFile(config: SyncConfig): Promise<void> {
  await mkdir(config.source, { recursive: true });
  await writeFile(join(config.source, "a.txt"), "alpha");
}

/** A manual run that an earlier invocation started and checkpointed: it holds the config's lease. */
async function givenRunningTask(
  config: SyncConfig,
): Promise<Extract<SyncRunMessage, { trigger: "continuation" }>> {
  const task_id = `manual-${newId()}`;
  await store.runs.create(newRun({ task_id, config_id: config.id, trigger: "manual", now }));
  await store.runs.update(task_id, { status: "STARTED", started_at: now.toISOString(), attempts: 1 });
  expect(await store.leases.acquire(config.id, { owner: task_id, ttl_ms: 20 * 60_000 })).toBe(true);
  return { type: "sync.run", trigger: "continuation", config_id: config.id, task_id, attempts: 1 };
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
    await givenSourceFile(config);
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

describe("runSyncJob: a lease left behind by a crash", () => {
  /** What a process killed after recording its run's outcome, before releasing, leaves: a live lease. */
  async function givenLeaseLeftBy(config: SyncConfig, status: "SUCCESS" | "FAILURE" | "gone") {
    const task_id = `manual-${newId()}`;
    if (status !== "gone") {
      await store.runs.create(newRun({ task_id, config_id: config.id, trigger: "manual", now }));
      await store.runs.update(task_id, { status, attempts: 1, finished_at: now.toISOString() });
    }
    expect(await store.leases.acquire(config.id, { owner: task_id, ttl_ms: 20 * 60_000 })).toBe(true);
    return task_id;
  }
  const fire = (config: SyncConfig, at: string): SyncRunMessage => ({
    type: "sync.run",
    trigger: "schedule",
    config_id: config.id,
    scheduled_time: at,
  });

  for (const status of ["SUCCESS", "FAILURE", "gone"] as const) {
    it(`runs the next fire at once when the lease's holder is ${status === "gone" ? "a run that is gone" : `a ${status} run`}`, async () => {
      const config = await givenConfig();
      await givenSourceFile(config);
      await givenLeaseLeftBy(config, status);

      const outcome = await runSyncJob(fire(config, "2026-11-29T02:00:00Z"), deps(), plenty);
      expect(outcome.outcome).toBe("SUCCESS");
      expect(await readFile(join(config.target, "a.txt"), "utf8")).toBe("alpha");
      expect(await store.leases.get(config.id)).toBeUndefined();
    });
  }

  it("lets fires racing for a finished holder's lease run one at a time", async () => {
    const config = await givenConfig();
    await givenSourceFile(config);
    await givenLeaseLeftBy(config, "SUCCESS");
    // Syncs in progress: opened with the source drive, over once the outcome is recorded.
    let running = 0;
    let most = 0;
    const watched = deps({
      openDrive: (location, name) => {
        if (name === config.source) most = Math.max(most, ++running);
        return driveFor(location, name, {});
      },
      onRunFinished: (run) => {
        if (run.status !== "SKIPPED") running--;
      },
    });
    const outcomes = await Promise.all(
      ["02", "03", "04"].map((hour) =>
        runSyncJob(fire(config, `2026-11-29T${hour}:00:00Z`), watched, plenty),
      ),
    );
    expect(outcomes.map((o) => o.outcome)).toContain("SUCCESS");
    expect(most).toBe(1);
  });

  it("still skips a fire while the holder's run is going on", async () => {
    const config = await givenConfig();
    const running = await givenRunningTask(config);
    const outcome = await runSyncJob(fire(config, "2026-11-29T02:00:00Z"), deps(), plenty);
    expect(outcome.outcome).toBe("SKIPPED");
    expect((await store.leases.get(config.id))?.owner).toBe(running.task_id);
  });
});

describe("runSyncJob: two deliveries of one message at once", () => {
  it("runs the sync once; the other delivery is a duplicate", async () => {
    const config = await givenConfig();
    await givenSourceFile(config);
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

  it("runs a continuation once when two deliveries of its message arrive at once", async () => {
    const config = await givenConfig();
    await givenSourceFile(config);
    const task_id = `manual-${newId()}`;
    await store.runs.create(newRun({ task_id, config_id: config.id, trigger: "manual", now }));
    const sent: SyncRunMessage[] = [];
    const queue = {
      send: async (message: SyncRunMessage) => {
        sent.push(message);
        return "message-id";
      },
    };
    const manual: SyncRunMessage = { type: "sync.run", trigger: "manual", config_id: config.id, task_id };
    // The first invocation reaches its deadline at once: it checkpoints and sends the continuation.
    expect(
      await runSyncJob(manual, deps({ queue }), { remainingTimeMs: () => -1 }, { safetyMarginMs: 0 }),
    ).toEqual({ task_id, outcome: "STARTED" });
    const [continuation] = sent;
    expect(continuation).toMatchObject({ trigger: "continuation", task_id });

    const opened: string[] = [];
    const counting = deps({
      openDrive: (location, name) => {
        opened.push(name);
        return driveFor(location, name, {});
      },
    });
    const outcomes = await Promise.all([
      runSyncJob(continuation!, counting, plenty),
      runSyncJob(continuation!, counting, plenty),
    ]);
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(["SUCCESS", "duplicate"]);
    expect(opened).toEqual([config.source, config.target]);
    expect(await store.runs.get(task_id)).toMatchObject({ status: "SUCCESS", attempts: 2 });
    expect(await store.leases.get(config.id)).toBeUndefined();
  });
});
