import { cp, mkdir, stat, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { CreateQueueCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { treeDigest } from "../../../test/support/dev/tree.ts";
import {
  type LocalEndpoint,
  sharedEmulators,
  uniqueName,
} from "../../../test/support/emulators/shared-emulators.ts";
import { tempDir } from "../../../test/support/temp-dir.ts";
import { startDeadLetterConsumer } from "../../dev/dead-letters.ts";
import { startPoller } from "../../dev/poller.ts";
import type { Drive } from "../../drives/drive.ts";
import { DriveError } from "../../drives/errors.ts";
import { driveFor } from "../../drives/open-drive.ts";
import { isPartitionMessage, partitionMessage, type QueueMessage, taskMessage } from "../../queue/message.ts";
import { createSqsProducer } from "../../queue/sqs-producer.ts";
import { createFileReportBlobs } from "../../reports/local/file-report-blobs.ts";
import { readReportPage } from "../../reports/report-reader.ts";
import { newId } from "../../store/ids.ts";
import { PARTITION_DEFERRED_MAX } from "../../store/partition.ts";
import { isFinished, newRun, type Run } from "../../store/run.ts";
import { createDocumentClient, createStore, type Store } from "../../store/store.ts";
import { newSyncConfig, type SyncConfig, SyncConfigInputSchema } from "../../store/sync-config.ts";
import { ensureTable } from "../../store/table.ts";
import { cancelRun } from "../run-control.ts";
import { runSyncJob } from "../run-sync-job/run-sync-job.ts";
import type { WorkerSettings } from "../run-sync-job/settings.ts";
import type { WorkerDeps } from "../run-sync-job/types.ts";
import { createWorkerHandler } from "../worker-handler.ts";
import { failDeadLetteredPartition } from "./dead-lettered-partition.ts";

let dynamo: LocalEndpoint;
let sqs: SQSClient;
let store: Store;
let queueUrl: string;

beforeAll(() => {
  const { dynamo: db, sqsS3: local } = sharedEmulators();
  dynamo = db;
  sqs = new SQSClient({ endpoint: local.endpoint, region: local.region, credentials: local.credentials });
});
afterAll(async () => {
  sqs.destroy();
});
beforeEach(async () => {
  const tableName = uniqueName("fanout");
  const connection = { endpoint: dynamo.endpoint, region: dynamo.region, credentials: dynamo.credentials };
  await ensureTable(new DynamoDBClient(connection), tableName);
  store = createStore({ client: createDocumentClient(connection), tableName });
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: tableName }))).QueueUrl ?? "";
});

/**
 * Every file of the trees gets one whole-second mod time, so a copy's time equals its original's
 * with nothing to round. An unchanged file of the same size is updated only when the two times are
 * 1 ms or more apart, and once in CI the unsplit run here updated one (cause not found: `cp` keeps
 * times rounded to the millisecond, as the local drive reads them, in 3,000 files tried).
 */
const WRITTEN_AT = new Date("2026-01-01T00:00:00Z");

const put = async (root: string, path: string, text: string) => {
  await mkdir(join(root, path, ".."), { recursive: true });
  await writeFile(join(root, path), text);
  await utimes(join(root, path), WRITTEN_AT, WRITTEN_AT);
};

/**
 * A source of 2 root files and 3 folders (each 3 files and a subfolder of 2); the target a copy of
 * it with one file changed, one added, and 4 extras (root, a/, b/sub/, and a folder only it has).
 */
async function givenTrees(): Promise<{ source: string; target: string }> {
  const [source, target] = [await tempDir(), await tempDir()];
  for (const name of ["r1.txt", "r2.txt"]) await put(source, name, `root ${name}`);
  for (const dir of ["a", "b", "c"]) {
    for (const n of [1, 2, 3]) await put(source, `${dir}/${n}.txt`, `${dir} file ${n}`);
    for (const n of [1, 2]) await put(source, `${dir}/sub/${n}.txt`, `${dir} deep ${n}`);
  }
  await cp(source, target, { recursive: true, preserveTimestamps: true });
  await put(source, "c/new.txt", "only on the source");
  await put(target, "a/1.txt", "changed on the target, longer");
  for (const extra of ["x.txt", "a/old.txt", "b/sub/old.txt", "gone/f.txt"])
    await put(target, extra, "extra");
  return { source, target };
}

async function givenConfig(trees: { source: string; target: string }): Promise<SyncConfig> {
  const input = SyncConfigInputSchema.parse({
    name: "fan",
    source: trees.source,
    target: trees.target,
    cron: "0 2 * * *",
    mode: "mirror",
  });
  return store.configs.create(newSyncConfig(input, { id: newId(), now: new Date() }));
}

let reportsDir: string;
const workerDeps = async (overrides: Partial<WorkerDeps> = {}): Promise<WorkerDeps> => {
  reportsDir = await tempDir();
  return {
    store,
    queue: createSqsProducer({ client: sqs, queueUrl }),
    openDrive: (location, name) => driveFor(location, name, {}),
    clock: () => new Date(),
    reports: createFileReportBlobs(reportsDir),
    ...overrides,
  };
};

const FANOUT: Partial<WorkerSettings> = { fanoutEntries: 2, progressIntervalMs: 0 };

/** A manual run of `config` through the real queue, three workers polling it, until it ends. */
async function runFanned(
  config: SyncConfig,
  deps: WorkerDeps,
  settings: Partial<WorkerSettings> = FANOUT,
  options: { invocationTimeoutMs?: number; whileRunning?: (run: Run) => Promise<void> } = {},
): Promise<Run> {
  const run = await store.runs.create(
    newRun({ task_id: newId(), config_id: config.id, trigger: "manual", now: new Date() }),
  );
  await deps.queue.send(taskMessage("manual", run));
  const poller = startPoller({
    sqs,
    queueUrl,
    queueArn: "arn:aws:sqs:us-east-1:000000000000:fanout",
    handler: createWorkerHandler(deps, settings),
    concurrency: 3,
    batchSize: 1,
    waitTimeSeconds: 1,
    retryDelaySeconds: 1,
    invocationTimeoutMs: options.invocationTimeoutMs ?? 60_000,
  });
  try {
    const until = Date.now() + 100_000;
    for (;;) {
      const current = await store.runs.get(run.task_id);
      if (current && isFinished(current.status)) return current;
      if (current?.status === "STARTED") await options.whileRunning?.(current);
      if (Date.now() > until) throw new Error(`run still ${current?.status} after 100 s`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await poller.stop();
  }
}

/** Three workers on the queue until nothing waits in it (for half a second) and none is busy. */
async function drain(deps: WorkerDeps): Promise<void> {
  const poller = startPoller({
    sqs,
    queueUrl,
    queueArn: "arn:aws:sqs:us-east-1:000000000000:fanout",
    handler: createWorkerHandler(deps, FANOUT),
    concurrency: 3,
    batchSize: 1,
    waitTimeSeconds: 1,
  });
  try {
    let idle = 0;
    while (idle < 5) {
      const depth = await createSqsProducer({ client: sqs, queueUrl }).queueDepth();
      // In flight: received by this poller (busy) or left by the last one's stop until it times out.
      const empty = depth.messages_available + depth.messages_delayed === 0;
      idle = empty && poller.busy() === 0 ? idle + 1 : 0;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await poller.stop();
  }
}

/** The same config's run in one invocation, unsplit, for comparison. */
async function runUnsplit(config: SyncConfig, deps: WorkerDeps): Promise<Run> {
  const run = await store.runs.create(
    newRun({ task_id: newId(), config_id: config.id, trigger: "manual", now: new Date() }),
  );
  await runSyncJob(taskMessage("manual", run), deps, { remainingTimeMs: () => 60_000 });
  return (await store.runs.get(run.task_id)) as Run;
}

const counts = (run: Run) => {
  const { copied, updated, deleted, skipped, failed, bytes_transferred } = run.result as Record<
    string,
    number
  >;
  return { copied, updated, deleted, skipped, failed, bytes_transferred };
};

/** A source drive whose listing of `dir` fails, permanently. */
const failingList =
  (deps: WorkerDeps, dir: string): WorkerDeps["openDrive"] =>
  async (location, name, extras) => {
    const drive = await deps.openDrive(location, name, extras);
    if (!location.readOnly) return drive;
    return {
      ...drive,
      list: (at, options) => {
        if (at === dir) throw new DriveError(`cannot list ${at}: refused`, at);
        return drive.list(at, options);
      },
    } as Drive;
  };

/** Source drives that wait for `before(path)` before each read. */
const beforeSourceReads =
  (deps: WorkerDeps, before: (path: string) => Promise<unknown>): WorkerDeps["openDrive"] =>
  async (location, name, extras) => {
    const drive = await deps.openDrive(location, name, extras);
    if (!location.readOnly) return drive;
    return {
      ...drive,
      read: async (path: string, options?: { signal?: AbortSignal }) => {
        await before(path);
        return drive.read(path, options);
      },
    } as Drive;
  };

// Each test runs a whole fanned-out run through the queue: up to 2 minutes on a loaded machine.
describe("a run fanned out across workers", { timeout: 120_000 }, () => {
  it("leaves the target equal to an unsplit mirror's, with the same counts, and a report of every partition", async () => {
    const unsplitTrees = await givenTrees();
    const unsplit = await runUnsplit(await givenConfig(unsplitTrees), await workerDeps());
    expect(unsplit.status).toBe("SUCCESS");

    const trees = await givenTrees();
    const deps = await workerDeps();
    const run = await runFanned(await givenConfig(trees), deps);

    expect(run.status, JSON.stringify(run.error)).toBe("SUCCESS");
    expect(await treeDigest(trees.target)).toEqual(await treeDigest(unsplitTrees.target));
    expect(await treeDigest(trees.target)).toEqual(await treeDigest(trees.source));
    expect(counts(run)).toEqual(counts(unsplit));
    expect(counts(run)).toMatchObject({ copied: 1, updated: 1, deleted: 4, failed: 0 });
    const parts = await store.partitions.list(run.task_id);
    // The root, a, b, c and their subfolders (past 2 entries listed, every folder is handed over).
    expect(parts.map((part) => part.path)).toEqual(["", "a", "a/sub", "b", "b/sub", "c", "c/sub"]);
    expect(parts.every((part) => part.status === "done")).toBe(true);
    expect(await store.partitions.totals(run.task_id)).toMatchObject({ remaining: 0 });
    expect((await store.configs.get(run.config_id))?.last_run).toMatchObject({
      task_id: run.task_id,
      status: "SUCCESS",
    });
    expect(await store.leases.get(run.config_id)).toBeUndefined();
    const report = await readReportPage(createFileReportBlobs(reportsDir), run.task_id, { limit: 1000 });
    const done = report.items.map((item) => `${item.op} ${item.path}`).sort();
    expect(done).toEqual(
      [
        "copy c/new.txt",
        "update a/1.txt",
        "delete x.txt",
        "delete a/old.txt",
        "delete b/sub/old.txt",
        "delete gone/f.txt",
      ].sort(),
    );
  });

  it("ends FAILURE and deletes nothing anywhere when one partition fails", async () => {
    const trees = await givenTrees();
    const deps = await workerDeps();
    const run = await runFanned(await givenConfig(trees), { ...deps, openDrive: failingList(deps, "b/sub") });

    expect(run.status).toBe("FAILURE");
    expect(run.error?.message).toMatch(
      /^1 of \d+ partition\(s\) of the run failed, so nothing was deleted; first "b": list b\/sub: .*refused$/,
    );
    const target = await treeDigest(trees.target);
    for (const extra of ["x.txt", "a/old.txt", "b/sub/old.txt", "gone/f.txt"])
      expect(target.has(extra)).toBe(true);
    expect(target.has("c/new.txt")).toBe(true); // the other partitions copied what they had
    expect(counts(run)).toMatchObject({ deleted: 0 });
    expect(await store.leases.get(run.config_id)).toBeUndefined();
  });

  it("treats redelivered partition messages as duplicates: no second copy, each partition counted once", async () => {
    const trees = await givenTrees();
    const base = await workerDeps();
    const sent: QueueMessage[] = [];
    // Every partition message goes out twice (SQS delivers at least once).
    const queue: WorkerDeps["queue"] = {
      send: async (message, options) => {
        sent.push(message);
        const id = await base.queue.send(message, options);
        if (isPartitionMessage(message)) await base.queue.send(message, options);
        return id;
      },
    };
    let writes = 0;
    const openDrive: WorkerDeps["openDrive"] = async (location, name, extras) => {
      const drive = await base.openDrive(location, name, extras);
      if (location.readOnly) return drive;
      return {
        ...drive,
        write: (...args: Parameters<Drive["write"]>) => {
          writes++;
          return drive.write(...args);
        },
        copyFrom: (...args: Parameters<NonNullable<Drive["copyFrom"]>>) => {
          writes++;
          return drive.copyFrom?.(...args);
        },
      } as Drive;
    };
    const run = await runFanned(await givenConfig(trees), { ...base, queue, openDrive });

    expect(run.status, JSON.stringify(run.error)).toBe("SUCCESS");
    expect(sent.filter(isPartitionMessage).length).toBeGreaterThanOrEqual(3);
    expect(writes).toBe(2); // c/new.txt and a/1.txt, once each
    expect(counts(run)).toMatchObject({ copied: 1, updated: 1, deleted: 4 });
    const parts = await store.partitions.list(run.task_id);
    const totals = await store.partitions.totals(run.task_id);
    expect(totals).toEqual({
      remaining: 0,
      totals: expect.objectContaining({ copied: 1, updated: 1 }),
    });
    expect(parts.reduce((sum, part) => sum + (part.result?.files_checked ?? 0), 0)).toBe(
      totals?.totals.files_checked,
    );

    // Delivered again after the run ended: nothing changes.
    const mtime = (await stat(join(trees.target, "c/new.txt"))).mtimeMs;
    for (const part of parts) await base.queue.send(partitionMessage(part));
    await drain({ ...base, queue, openDrive });
    expect(writes).toBe(2);
    expect((await stat(join(trees.target, "c/new.txt"))).mtimeMs).toBe(mtime);
    expect(await store.partitions.totals(run.task_id)).toEqual(totals);
    expect(await store.runs.get(run.task_id)).toEqual(run);
  });

  it("ends CANCELLED and deletes nothing when cancelled during the fan-out", async () => {
    const trees = await givenTrees();
    const base = await workerDeps();
    let release: () => void = () => {};
    const cancelled = new Promise<void>((resolve) => {
      release = resolve;
    });
    // Partition c's copy waits until the cancel was asked for.
    const openDrive = beforeSourceReads(base, async (path) => {
      if (path.endsWith("new.txt")) await cancelled;
    });
    let asked = false;
    const run = await runFanned(await givenConfig(trees), { ...base, openDrive }, FANOUT, {
      whileRunning: async (current) => {
        if (asked || (await store.partitions.list(current.task_id)).length < 4) return;
        asked = true;
        await cancelRun(current.task_id, { ...store, clock: () => new Date() } as never);
        release();
      },
    });

    expect(run.status).toBe("CANCELLED");
    expect(run.error?.code).toBe("CANCELLED");
    const target = await treeDigest(trees.target);
    for (const extra of ["x.txt", "a/old.txt", "b/sub/old.txt", "gone/f.txt"])
      expect(target.has(extra)).toBe(true);
    expect(counts(run)).toMatchObject({ deleted: 0 });
    expect(await store.leases.get(run.config_id)).toBeUndefined();
  });

  it("fails a partition whose message is dead-lettered, so the run ends FAILURE and deletes nothing", async () => {
    const trees = await givenTrees();
    const base = await workerDeps();
    // Partition b can never be claimed (the store refuses it): its job throws on every delivery.
    const broken: Store = {
      ...store,
      partitions: {
        ...store.partitions,
        claim: (taskId, path, expected, until) =>
          path === "b"
            ? Promise.reject(new Error("table unreachable"))
            : store.partitions.claim(taskId, path, expected, until),
      },
    };
    const run = await runFanned(
      await givenConfig(trees),
      { ...base, store: broken },
      { ...FANOUT, maxReceiveCount: 2 },
    );

    expect(run.status).toBe("FAILURE");
    expect(run.error?.message).toMatch(
      /first "b": DEAD_LETTERED: gave up after 2 deliveries: table unreachable/,
    );
    expect(await store.partitions.get(run.task_id, "b")).toMatchObject({ status: "failed" });
    const target = await treeDigest(trees.target);
    for (const extra of ["x.txt", "a/old.txt", "b/sub/old.txt", "gone/f.txt"])
      expect(target.has(extra)).toBe(true);
  });

  it("fails a partition whose message reached the dead-letter queue unseen, through its consumer", async () => {
    const trees = await givenTrees();
    const base = await workerDeps();
    const dlqUrl =
      (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName("fanout-dlq") }))).QueueUrl ?? "";
    // Partition b's message goes straight to the dead-letter queue, as if every worker that took it was killed.
    const dlq = createSqsProducer({ client: sqs, queueUrl: dlqUrl });
    const queue: WorkerDeps["queue"] = {
      send: (message, options) =>
        isPartitionMessage(message) && message.path === "b"
          ? dlq.send(message)
          : base.queue.send(message, options),
    };
    const deps = { ...base, queue };
    const consumer = startDeadLetterConsumer({
      sqs,
      queues: { dlqUrl, dlqArn: "arn:aws:sqs:us-east-1:000000000000:fanout-dlq" },
      deps: {
        runs: store.runs,
        configs: store.configs,
        leases: store.leases,
        clock: () => new Date(),
        failPartition: (message, reason, options) =>
          failDeadLetteredPartition(message, reason, deps, { remainingTimeMs: () => 60_000 }, options),
      },
      log: () => {},
      retryDelaySeconds: 1,
      waitTimeSeconds: 1,
    });
    let run: Run;
    try {
      run = await runFanned(await givenConfig(trees), deps);
    } finally {
      await consumer.stop();
    }

    expect(run.status).toBe("FAILURE");
    expect(run.error?.message).toMatch(/first "b": DEAD_LETTERED: every delivery ended without an outcome/);
    expect(await store.partitions.get(run.task_id, "b")).toMatchObject({ status: "failed", attempts: 0 });
    const target = await treeDigest(trees.target);
    for (const extra of ["x.txt", "a/old.txt", "b/sub/old.txt", "gone/f.txt"])
      expect(target.has(extra)).toBe(true);
  });

  it("deletes nothing, saying why, when a partition finds more extras than its item keeps", async () => {
    const trees = await givenTrees();
    // 2,000 files in a folder only the target has: with it and a/old.txt, 2,002 extras in partition a.
    await mkdir(join(trees.target, "a", "junk"));
    await Promise.all(
      Array.from({ length: PARTITION_DEFERRED_MAX }, (_, i) =>
        writeFile(join(trees.target, "a", "junk", `${i}.tmp`), ""),
      ),
    );
    const config = await store.configs.update((await givenConfig(trees)).id, { max_delete: "100%" });
    const run = await runFanned(config, await workerDeps());

    expect(run.status).toBe("FAILURE");
    expect(run.error).toEqual({
      code: "SYNC_ABORTED",
      message: `partition "a" found ${PARTITION_DEFERRED_MAX + 2} extras, more than one partition keeps (1 such partition(s)): nothing was deleted`,
    });
    expect(await store.partitions.get(run.task_id, "a")).toMatchObject({
      status: "done",
      deferred: null,
      deferred_omitted: PARTITION_DEFERRED_MAX + 2,
    });
    const target = await treeDigest(trees.target);
    for (const extra of ["x.txt", "a/old.txt", "b/sub/old.txt", "gone/f.txt", "a/junk/0.tmp"])
      expect(target.has(extra)).toBe(true);
  });

  it("deletes nothing when the config is edited to another source and target during the fan-out", async () => {
    const trees = await givenTrees();
    // The new pair: both copies of the old target, so its "extras" are files the new source has.
    const [movedSource, movedTarget] = [await tempDir(), await tempDir()];
    for (const dir of [movedSource, movedTarget])
      await cp(trees.target, dir, { recursive: true, preserveTimestamps: true });
    const before = await treeDigest(movedTarget);
    const base = await workerDeps();
    let release: () => void = () => {};
    const edited = new Promise<void>((resolve) => {
      release = resolve;
    });
    // Partition c's copy waits until the config was edited.
    const openDrive = beforeSourceReads(base, async (path) => {
      if (path.endsWith("new.txt")) await edited;
    });
    const config = await givenConfig(trees);
    let done = false;
    const run = await runFanned(config, { ...base, openDrive }, FANOUT, {
      whileRunning: async (current) => {
        if (done || (await store.partitions.list(current.task_id)).length < 4) return;
        done = true;
        await store.configs.update(config.id, { source: movedSource, target: movedTarget });
        release();
      },
    });

    expect(run.status).toBe("FAILURE");
    expect(JSON.stringify(run.error)).toMatch(/CONFIG_CHANGED|edited while this run was under way/);
    expect(await treeDigest(movedTarget)).toEqual(before);
    const target = await treeDigest(trees.target);
    for (const extra of ["x.txt", "a/old.txt", "b/sub/old.txt", "gone/f.txt"])
      expect(target.has(extra)).toBe(true);
    expect(counts(run)).toMatchObject({ deleted: 0 });
  });

  it("resumes a partition whose job failed after its claim (the store refused once): its redelivery takes it", async () => {
    const trees = await givenTrees();
    const base = await workerDeps();
    let refusals = 0;
    const flaky: Store = {
      ...store,
      partitions: {
        ...store.partitions,
        finish: (taskId, path, outcome, attempts) =>
          path === "a" && refusals++ === 0
            ? Promise.reject(new Error("table unreachable"))
            : store.partitions.finish(taskId, path, outcome, attempts),
      },
    };
    const run = await runFanned(await givenConfig(trees), { ...base, store: flaky });

    expect(run.status, JSON.stringify(run.error)).toBe("SUCCESS");
    expect(refusals).toBeGreaterThanOrEqual(2);
    expect(await store.partitions.get(run.task_id, "a")).toMatchObject({ status: "done", attempts: 2 });
    expect(await treeDigest(trees.target)).toEqual(await treeDigest(trees.source));
  });

  it("finishes a partition that checkpoints and continues itself near its deadline", async () => {
    const trees = await givenTrees();
    for (let n = 0; n < 16; n++) await put(trees.source, `c/sub/slow-${n}.txt`, `slow ${n}`);
    const base = await workerDeps();
    // Each read takes 700 ms (4 at a time); an invocation has 4 s, less 2 s of margin: 2 s of sync
    // each, so the 16 new files of c/sub (2.8 s) take at least two invocations of that partition.
    const openDrive = beforeSourceReads(base, () => new Promise((resolve) => setTimeout(resolve, 700)));
    const run = await runFanned(
      await givenConfig(trees),
      { ...base, openDrive },
      { ...FANOUT, safetyMarginMs: 2_000 },
      { invocationTimeoutMs: 4_000 },
    );

    expect(run.status, JSON.stringify(run.error)).toBe("SUCCESS");
    expect(await treeDigest(trees.target)).toEqual(await treeDigest(trees.source));
    const slow = await store.partitions.get(run.task_id, "c/sub");
    expect(slow?.attempts).toBeGreaterThanOrEqual(2);
    expect(counts(run)).toMatchObject({ copied: 17, updated: 1, deleted: 4 });
  });
});
