import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { CreateQueueCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type LocalEndpoint,
  sharedEmulators,
  uniqueName,
} from "../../test/support/emulators/shared-emulators.ts";
import { tempDir } from "../../test/support/temp-dir.ts";
import type { Drive } from "../drives/drive.ts";
import { driveFor } from "../drives/open-drive.ts";
import { taskMessage } from "../queue/message.ts";
import { createSqsProducer } from "../queue/sqs-producer.ts";
import { newId } from "../store/ids.ts";
import { newRun } from "../store/run.ts";
import { createDocumentClient, createStore, type Store } from "../store/store.ts";
import { newSyncConfig, SyncConfigInputSchema } from "../store/sync-config.ts";
import { ensureTable } from "../store/table.ts";
import { runSyncJob } from "./run-sync-job/run-sync-job.ts";
import type { WorkerDeps } from "./run-sync-job/types.ts";

/** Cancelling runs as the worker sees it: on claim, between invocations, and mid-sync through the heartbeat. */

let stopAll: () => Promise<void>;
let store: Store;
let sqs: SQSClient;
let queueUrl: string;
let dynamo: LocalEndpoint;
const now = new Date("2026-11-28T22:00:00.000Z");
const plenty = { remainingTimeMs: () => 15 * 60_000 };
const FILES = 40;

beforeAll(async () => {
  const { dynamo: db, sqsS3: local } = sharedEmulators();
  dynamo = db;
  sqs = new SQSClient({ endpoint: local.endpoint, region: local.region, credentials: local.credentials });
  stopAll = async () => {
    sqs.destroy();
  };
});
afterAll(async () => {
  await stopAll();
});
beforeEach(async () => {
  const tableName = uniqueName("cancel");
  const connection = { endpoint: dynamo.endpoint, region: dynamo.region, credentials: dynamo.credentials };
  await ensureTable(new DynamoDBClient(connection), tableName);
  store = createStore({ client: createDocumentClient(connection), tableName, now: () => now });
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: tableName }))).QueueUrl!;
});

/** A mirror of FILES source files onto a target that holds one extra file (a mirror would delete it). */
async function givenMirror() {
  const [source, target] = [await tempDir(), await tempDir()];
  for (let i = 0; i < FILES; i++)
    await writeFile(join(source, `f${String(i).padStart(2, "0")}.txt`), `file ${i}`);
  await writeFile(join(target, "extra.txt"), "keep me");
  const input = SyncConfigInputSchema.parse({
    name: "big",
    source,
    target,
    cron: "0 2 * * *",
    mode: "mirror",
  });
  const config = await store.configs.create(newSyncConfig(input, { id: newId(), now }));
  const run = await store.runs.create(
    newRun({ task_id: newId(), config_id: config.id, trigger: "manual", now }),
  );
  return { config, run, source, target };
}

/** Resolves when `signal` aborts (the cancel reached the write), however long that takes. */
const waitForAbort = (signal: AbortSignal | undefined) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) resolve();
    signal?.addEventListener("abort", () => resolve());
  });

const workerDeps = (overrides: Partial<WorkerDeps> = {}): WorkerDeps => ({
  store,
  queue: createSqsProducer({ client: sqs, queueUrl }),
  openDrive: (location, name) => driveFor(location, name, {}),
  clock: () => now,
  ...overrides,
});

describe("cancelling a run", () => {
  it("stops a running sync at a file boundary: CANCELLED, no temp file, nothing deleted, lease freed", async () => {
    const { config, run, target } = await givenMirror();
    let writes = 0;
    // The cancel arrives while the first file is written, as POST .../cancel would write it.
    const openDrive: WorkerDeps["openDrive"] = async (location, name) => {
      const drive = await driveFor(location, name, {});
      if (location.kind !== "local" || location.root !== target) return drive;
      // No server-side copy: every file's bytes go through write, one at a time.
      const wrapped: Drive = Object.create(drive, { copyFrom: { value: undefined } });
      wrapped.write = async (path, body, source, options) => {
        if (++writes === 1) await store.runs.update(run.task_id, { cancel_requested_at: now.toISOString() });
        // A slow target: later files take until the cancel stops them.
        else await waitForAbort(options?.signal);
        return drive.write(path, body, source, options);
      };
      return wrapped;
    };
    const outcome = await runSyncJob(
      taskMessage("manual", { config_id: config.id, task_id: run.task_id }),
      workerDeps({ openDrive }),
      plenty,
      { progressIntervalMs: 0 },
    );
    expect(outcome).toEqual({ task_id: run.task_id, outcome: "CANCELLED" });
    const stored = await store.runs.get(run.task_id);
    expect(stored).toMatchObject({ status: "CANCELLED", error: { code: "CANCELLED" }, checkpoint: null });
    const names = await readdir(target);
    expect(names).toContain("extra.txt");
    expect(await readFile(join(target, "extra.txt"), "utf8")).toBe("keep me");
    const copied = names.filter((n) => /^f\d\d\.txt$/.test(n));
    expect(copied.length).toBeGreaterThan(0);
    expect(copied.length).toBeLessThan(FILES);
    // Every file there is whole; no temp name is left.
    expect(names.filter((n) => n !== "extra.txt" && !/^f\d\d\.txt$/.test(n))).toEqual([]);
    for (const name of copied)
      expect(await readFile(join(target, name), "utf8")).toBe(`file ${Number(name.slice(1, 3))}`);
    expect(stored?.result).toMatchObject({ deleted: 0 });
    expect(await store.leases.get(config.id)).toBeUndefined();
    expect((await store.configs.get(config.id))?.last_run?.status).toBe("CANCELLED");
  });

  it("drops the message of a run cancelled while PENDING: it never starts", async () => {
    const { config, run, target } = await givenMirror();
    await store.runs.update(run.task_id, { status: "CANCELLED", finished_at: now.toISOString() });
    const outcome = await runSyncJob(
      taskMessage("manual", { config_id: config.id, task_id: run.task_id }),
      workerDeps(),
      plenty,
    );
    expect(outcome.outcome).toBe("duplicate");
    expect(await readdir(target)).toEqual(["extra.txt"]);
    expect(await store.leases.get(config.id)).toBeUndefined();
  });

  it("ends a run cancelled between two invocations when its continuation arrives, freeing the lease", async () => {
    const { config, run, target } = await givenMirror();
    await store.leases.acquire(config.id, { owner: run.task_id, ttl_ms: 60_000 });
    await store.runs.update(run.task_id, {
      status: "STARTED",
      attempts: 1,
      cancel_requested_at: now.toISOString(),
    });
    const outcome = await runSyncJob(
      taskMessage("continuation", { config_id: config.id, task_id: run.task_id, attempts: 1 }),
      workerDeps(),
      plenty,
    );
    expect(outcome).toEqual({ task_id: run.task_id, outcome: "CANCELLED" });
    expect(await readdir(target)).toEqual(["extra.txt"]);
    expect(await store.leases.get(config.id)).toBeUndefined();
  });

  describe("a run cancelled by the API while its worker was stalled (its lease lapsed)", () => {
    /** The target drive; on its first write the run ends CANCELLED in the store, as cancelRun does then. */
    const cancelledOnFirstWrite = (runId: string, target: string): WorkerDeps["openDrive"] => {
      let writes = 0;
      return async (location, name) => {
        const drive = await driveFor(location, name, {});
        if (location.kind !== "local" || location.root !== target) return drive;
        const wrapped: Drive = Object.create(drive, { copyFrom: { value: undefined } });
        wrapped.write = async (path, body, source, options) => {
          if (++writes === 1) {
            await store.runs.update(
              runId,
              {
                status: "CANCELLED",
                finished_at: now.toISOString(),
                error: { code: "CANCELLED", message: "api" },
              },
              { expectedStatus: "STARTED" },
            );
          }
          return drive.write(path, body, source, options);
        };
        return wrapped;
      };
    };

    it("stops at the next heartbeat: nothing deleted, CANCELLED kept as the API wrote it, lease freed", async () => {
      const { config, run, target } = await givenMirror();
      const outcome = await runSyncJob(
        taskMessage("manual", { config_id: config.id, task_id: run.task_id }),
        workerDeps({ openDrive: cancelledOnFirstWrite(run.task_id, target) }),
        plenty,
        { progressIntervalMs: 0 },
      );
      expect(outcome).toEqual({ task_id: run.task_id, outcome: "CANCELLED" });
      expect(await readFile(join(target, "extra.txt"), "utf8")).toBe("keep me");
      expect((await readdir(target)).length).toBeLessThan(FILES + 1);
      expect(await store.runs.get(run.task_id)).toMatchObject({
        status: "CANCELLED",
        error: { code: "CANCELLED", message: "api" },
      });
      expect(await store.leases.get(config.id)).toBeUndefined();
    });

    it("never overwrites the CANCELLED with its own end, even when no heartbeat saw it", async () => {
      const { config, run, target } = await givenMirror();
      const outcome = await runSyncJob(
        taskMessage("manual", { config_id: config.id, task_id: run.task_id }),
        workerDeps({ openDrive: cancelledOnFirstWrite(run.task_id, target) }),
        plenty,
        { progressIntervalMs: 60 * 60_000 },
      );
      expect(outcome).toEqual({ task_id: run.task_id, outcome: "CANCELLED" });
      expect(await store.runs.get(run.task_id)).toMatchObject({
        status: "CANCELLED",
        error: { code: "CANCELLED", message: "api" },
      });
      expect(await store.leases.get(config.id)).toBeUndefined();
    });
  });
});
