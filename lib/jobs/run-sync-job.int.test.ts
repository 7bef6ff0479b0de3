import { mkdir, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { Context, SQSRecord } from "aws-lambda";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type LocalEndpoint,
  sharedEmulators,
  uniqueName,
} from "../../test/support/emulators/shared-emulators.ts";
import { tempDir } from "../../test/support/temp-dir.ts";
import { createLineLog } from "../dev/log-line.ts";
import { DriveError } from "../drives/errors.ts";
import { driveFor } from "../drives/open-drive.ts";
import type { SyncRunMessage } from "../queue/message.ts";
import { createSqsProducer } from "../queue/sqs-producer.ts";
import { newId, scheduledTaskId } from "../store/ids.ts";
import { newRun, RUN_RESULT_MAX_BYTES } from "../store/run.ts";
import { createDocumentClient, createStore, type Store } from "../store/store.ts";
import { newSyncConfig, SyncConfigInputSchema } from "../store/sync-config.ts";
import { ensureTable } from "../store/table.ts";
import type { SyncResult } from "../sync/index.ts";
import { finishRun } from "./run-sync-job/outcome.ts";
import { runSyncJob } from "./run-sync-job/run-sync-job.ts";
import type { WorkerDeps } from "./run-sync-job/types.ts";
import { createWorkerHandler } from "./worker-handler.ts";

let stopAll: () => Promise<void>;
let store: Store;
let sqs: SQSClient;
let queueUrl: string;
let dynamo: LocalEndpoint;

const now = new Date("2026-11-28T22:00:00.000Z");
const plenty = { remainingTimeMs: () => 15 * 60_000 };

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
  const tableName = uniqueName("worker");
  const connection = { endpoint: dynamo.endpoint, region: dynamo.region, credentials: dynamo.credentials };
  await ensureTable(new DynamoDBClient(connection), tableName);
  store = createStore({ client: createDocumentClient(connection), tableName, now: () => now });
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: tableName }))).QueueUrl!;
});

const workerDeps = (overrides: Partial<WorkerDeps> = {}): WorkerDeps => ({
  store,
  queue: createSqsProducer({ client: sqs, queueUrl }),
  openDrive: (location, name) => driveFor(location, name, {}),
  clock: () => now,
  ...overrides,
});

/** A config mirroring a temp source with two files to an empty temp target. */
async function givenConfig(fields: { enabled?: boolean; end_time?: string } = {}) {
  const [source, target] = [await tempDir(), await tempDir()];
  await writeFile(join(source, "a.txt"), "alpha");
  await writeFile(join(source, "b.txt"), "bravo");
  const input = SyncConfigInputSchema.parse({
    name: "docs",
    source,
    target,
    cron: "0 2 * * *",
    mode: "mirror",
    ...fields,
  });
  const config = await store.configs.create(newSyncConfig(input, { id: newId(), now }));
  return { config, source, target };
}

const fire = (configId: string, at = "2026-11-29T02:00:00Z"): SyncRunMessage => ({
  type: "sync.run",
  trigger: "schedule",
  config_id: configId,
  scheduled_time: at,
});

async function receiveAll(): Promise<SyncRunMessage[]> {
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
  );
  return Messages.map((message) => JSON.parse(message.Body ?? "null") as SyncRunMessage);
}

describe("runSyncJob", () => {
  it("runs a scheduled fire to SUCCESS, with the files on the target and last_run on the config", async () => {
    const { config, target } = await givenConfig();
    const finished: unknown[] = [];
    const outcome = await runSyncJob(
      fire(config.id),
      workerDeps({ onRunFinished: (run) => finished.push(run) }),
      plenty,
    );

    const taskId = scheduledTaskId(config.id, "2026-11-29T02:00:00Z");
    expect(outcome).toEqual({ task_id: taskId, outcome: "SUCCESS" });
    expect(await readFile(join(target, "a.txt"), "utf8")).toBe("alpha");
    const run = await store.runs.get(taskId);
    expect(run).toMatchObject({
      status: "SUCCESS",
      attempts: 1,
      error: null,
      result: { copied: 2, status: "SUCCESS" },
    });
    expect((await store.configs.get(config.id))?.last_run).toEqual({
      task_id: taskId,
      status: "SUCCESS",
      finished_at: now.toISOString(),
    });
    expect(await store.leases.get(config.id)).toBeUndefined();
    expect(finished).toEqual([
      expect.objectContaining({
        task_id: taskId,
        status: "SUCCESS",
        result: expect.objectContaining({ copied: 2 }),
      }),
    ]);
  });

  it("treats a duplicate delivery of the same fire as a no-op", async () => {
    const { config } = await givenConfig();
    await runSyncJob(fire(config.id), workerDeps(), plenty);
    const again = await runSyncJob(fire(config.id, "2026-11-29T02:00:00.000Z"), workerDeps(), plenty);
    expect(again.outcome).toBe("duplicate");
    const page = await store.runs.listByConfig(config.id);
    expect(page.items).toHaveLength(1);
    expect(page.items[0]?.attempts).toBe(1);
  });

  it("records a fire that finds the config's lease held as SKIPPED, without touching the target", async () => {
    const { config, target } = await givenConfig();
    await store.runs.create(
      newRun({ task_id: "someone-else", config_id: config.id, trigger: "manual", now }),
    );
    await store.runs.update("someone-else", { status: "STARTED", attempts: 1 });
    await store.leases.acquire(config.id, { owner: "someone-else", ttl_ms: 60_000 });
    const outcome = await runSyncJob(fire(config.id), workerDeps(), plenty);
    expect(outcome.outcome).toBe("SKIPPED");
    const run = await store.runs.get(outcome.task_id);
    expect(run?.error).toEqual({
      code: "CONFIG_BUSY",
      message: `sync config ${config.id} was already running (task someone-else)`,
    });
    await expect(readFile(join(target, "a.txt"))).rejects.toThrow();
    expect((await store.leases.get(config.id))?.owner).toBe("someone-else");
  });

  it("fails a fire that arrives after the config's end_time (the rules backend has no EndDate), without touching the target", async () => {
    const { config, target } = await givenConfig({ end_time: "2026-01-01T00:00:00Z" });
    const outcome = await runSyncJob(fire(config.id), workerDeps(), plenty);
    expect(outcome.outcome).toBe("FAILURE");
    expect((await store.runs.get(outcome.task_id))?.error).toEqual({
      code: "CONFIG_ENDED",
      message: `sync config ${config.id} ended at 2026-01-01T00:00:00Z`,
    });
    await expect(readFile(join(target, "a.txt"))).rejects.toThrow();
  });

  it("fails a run of a disabled or deleted config with the reason", async () => {
    const { config } = await givenConfig({ enabled: false });
    expect((await runSyncJob(fire(config.id), workerDeps(), plenty)).outcome).toBe("FAILURE");
    const run = await store.runs.get(scheduledTaskId(config.id, "2026-11-29T02:00:00Z"));
    expect(run?.error?.code).toBe("CONFIG_DISABLED");

    const gone = await runSyncJob(fire("no-such-config"), workerDeps(), plenty);
    expect(gone.outcome).toBe("FAILURE");
    expect((await store.runs.get(gone.task_id))?.error?.code).toBe("CONFIG_NOT_FOUND");
  });

  it("refuses to run a config whose target lies inside its source", async () => {
    const { config, source } = await givenConfig();
    await store.configs.update(config.id, { target: join(source, "backup") });
    const outcome = await runSyncJob(fire(config.id), workerDeps(), plenty);
    expect(outcome.outcome).toBe("FAILURE");
    expect((await store.runs.get(outcome.task_id))?.error?.code).toBe("LOCATIONS_OVERLAP");
    await expect(readFile(join(source, "backup", "a.txt"))).rejects.toThrow();
  });

  it("refuses a source that reaches into its target through a symlink, before writing anything", async () => {
    const { config, target } = await givenConfig();
    await mkdir(join(target, "photos"));
    await writeFile(join(target, "photos", "keep.jpg"), "jpeg");
    const links = await tempDir();
    await symlink(target, join(links, "link"));
    // `link/photos` is `target/photos`: a mirror into `target` would delete what it reads.
    await store.configs.update(config.id, { source: join(links, "link", "photos") });
    const before = (await readdir(target)).sort();

    const outcome = await runSyncJob(fire(config.id), workerDeps(), plenty);

    expect(outcome.outcome).toBe("FAILURE");
    expect((await store.runs.get(outcome.task_id))?.error?.code).toBe("LOCATIONS_OVERLAP");
    expect((await readdir(target)).sort()).toEqual(before);
    expect(await readFile(join(target, "photos", "keep.jpg"), "utf8")).toBe("jpeg");
  });

  it("refuses a mirror whose target holds another enabled config's target (stored before the API checked it), deleting nothing", async () => {
    const { config, target } = await givenConfig();
    // Another config copies into target/sub: the mirror would delete its files as extras.
    await mkdir(join(target, "sub"));
    await writeFile(join(target, "sub", "theirs.txt"), "kept");
    const other = await store.configs.create(
      newSyncConfig(
        SyncConfigInputSchema.parse({
          name: "their copy",
          source: await tempDir(),
          target: join(target, "sub"),
          cron: "0 3 * * *",
        }),
        { id: newId(), now },
      ),
    );

    const outcome = await runSyncJob(fire(config.id), workerDeps(), plenty);

    expect(outcome.outcome).toBe("FAILURE");
    const error = (await store.runs.get(outcome.task_id))?.error;
    expect(error?.code).toBe("TARGET_SHARED");
    expect(error?.message).toContain(`sync config ${other.id} ("their copy")`);
    expect(await readdir(target)).toEqual(["sub"]);
    expect(await readFile(join(target, "sub", "theirs.txt"), "utf8")).toBe("kept");
  });

  it("judges a shared target on the real disk (a symlink to it) and lets a disabled one or a copy-only pair run", async () => {
    const { config, target } = await givenConfig();
    const links = await tempDir();
    await symlink(target, join(links, "same"));
    const otherFields = SyncConfigInputSchema.parse({
      name: "via a link",
      source: await tempDir(),
      target: join(links, "same"),
      cron: "0 3 * * *",
      enabled: false,
    });
    const other = await store.configs.create(newSyncConfig(otherFields, { id: newId(), now }));
    // Disabled, it writes nothing there: the mirror runs.
    expect((await runSyncJob(fire(config.id), workerDeps(), plenty)).outcome).toBe("SUCCESS");

    await store.configs.update(other.id, { enabled: true });
    const refused = await runSyncJob(fire(config.id, "2026-11-30T02:00:00Z"), workerDeps(), plenty);
    expect(refused.outcome).toBe("FAILURE");
    expect((await store.runs.get(refused.task_id))?.error?.code).toBe("TARGET_SHARED");

    // Both copy-only: nothing deletes, both run.
    await store.configs.update(config.id, { mode: "copy" });
    expect((await runSyncJob(fire(config.id, "2026-12-01T02:00:00Z"), workerDeps(), plenty)).outcome).toBe(
      "SUCCESS",
    );
  });

  it("caps a mirror's deletes at half the target without max_delete; max_delete 100% allows more", async () => {
    const { config, source, target } = await givenConfig();
    await rm(join(source, "b.txt"));
    for (const name of ["b", "c", "d", "e"]) await writeFile(join(target, `${name}.txt`), name);

    const capped = await runSyncJob(fire(config.id), workerDeps(), plenty);
    expect(capped.outcome).toBe("FAILURE");
    expect((await store.runs.get(capped.task_id))?.error).toMatchObject({
      code: "SYNC_ABORTED",
      message: expect.stringMatching(/4 of 4 target file\(s\).*more than half.*"max_delete": "100%"/),
    });
    expect((await readdir(target)).sort()).toEqual(["a.txt", "b.txt", "c.txt", "d.txt", "e.txt"]);

    await store.configs.update(config.id, { max_delete: "100%" });
    const allowed = await runSyncJob(fire(config.id, "2026-11-30T02:00:00Z"), workerDeps(), plenty);
    expect(allowed.outcome).toBe("SUCCESS");
    expect(await readdir(target)).toEqual(["a.txt"]);
  });

  it("writes the reason and the place into the dev log's ERROR lines, not only counts", async () => {
    const lines: string[] = [];
    const log = createLineLog({ now: () => now, write: (line) => void lines.push(line) });
    const { config, source, target } = await givenConfig();
    await rm(join(source, "b.txt"));
    for (const name of ["b", "c", "d", "e"]) await writeFile(join(target, `${name}.txt`), name);
    await runSyncJob(fire(config.id), workerDeps({ log }), plenty);
    expect(lines.find((line) => line.includes(" ERROR "))).toMatch(
      /ERROR run finished .*code=SYNC_ABORTED error="max-delete: 4 of 4 target file\(s\)/,
    );

    lines.length = 0;
    const missing = join(source, "photos");
    await store.configs.update(config.id, { source: missing, max_delete: "100%" });
    await runSyncJob(fire(config.id, "2026-11-30T02:00:00Z"), workerDeps({ log }), plenty);
    expect(lines.find((line) => line.includes(" ERROR "))).toContain(
      `cannot list the source ${missing}: the root folder not found`,
    );
  });

  it("checkpoints at the deadline, sends a continuation, and the continuation finishes the same task", async () => {
    const { config, source, target } = await givenConfig();
    const taskId = "manual-1";
    await store.runs.create(newRun({ task_id: taskId, config_id: config.id, trigger: "manual", now }));
    const manual: SyncRunMessage = {
      type: "sync.run",
      trigger: "manual",
      config_id: config.id,
      task_id: taskId,
    };

    const first = await runSyncJob(
      manual,
      workerDeps(),
      { remainingTimeMs: () => -1 },
      { safetyMarginMs: 0 },
    );
    expect(first).toEqual({ task_id: taskId, outcome: "STARTED" });
    const continuation = { type: "sync.run", trigger: "continuation", config_id: config.id, task_id: taskId };
    expect(await receiveAll()).toEqual([{ ...continuation, attempts: 1 }]);
    expect((await store.leases.get(config.id))?.owner).toBe(taskId);
    // A continuation without its attempt count (an older message) waits for the live lease to lapse.
    expect((await runSyncJob(continuation as SyncRunMessage, workerDeps(), plenty)).outcome).toBe(
      "duplicate",
    );

    const rest = await runSyncJob({ ...continuation, attempts: 1 } as SyncRunMessage, workerDeps(), plenty);
    expect(rest.outcome).toBe("SUCCESS");
    for (const name of ["a.txt", "b.txt"]) {
      expect(await readFile(join(target, name), "utf8")).toBe(await readFile(join(source, name), "utf8"));
    }
    expect(await store.runs.get(taskId)).toMatchObject({ status: "SUCCESS", attempts: 2, checkpoint: null });
  });

  it("stops a continuation whose config now names another target: FAILURE CONFIG_CHANGED, nothing written or deleted there", async () => {
    const { config, target } = await givenConfig();
    const taskId = "manual-edited";
    await store.runs.create(newRun({ task_id: taskId, config_id: config.id, trigger: "manual", now }));
    const manual = { type: "sync.run", trigger: "manual", config_id: config.id, task_id: taskId } as const;
    const deadline = { remainingTimeMs: () => -1 };
    expect((await runSyncJob(manual, workerDeps(), deadline, { safetyMarginMs: 0 })).outcome).toBe("STARTED");
    // An edit that changes nothing a run syncs (its name, its cron) lets the continuation go on.
    await store.configs.update(config.id, { name: "renamed", cron: "0 3 * * *" });
    const continuation = { ...manual, trigger: "continuation", attempts: 1 } as const;
    expect((await runSyncJob(continuation, workerDeps(), deadline, { safetyMarginMs: 0 })).outcome).toBe(
      "STARTED",
    );
    // Then the target moves to a folder holding files of its own: a mirror's checkpoint is the old pair's.
    const moved = await tempDir();
    await writeFile(join(moved, "keep.txt"), "not the source's");
    await store.configs.update(config.id, { target: moved });

    const rest = await runSyncJob({ ...continuation, attempts: 2 }, workerDeps(), plenty);

    expect(rest.outcome).toBe("FAILURE");
    expect(await store.runs.get(taskId)).toMatchObject({
      status: "FAILURE",
      error: {
        code: "CONFIG_CHANGED",
        message: expect.stringMatching(/edited while this run was under way/),
      },
    });
    expect(await readdir(moved)).toEqual(["keep.txt"]);
    expect(await readdir(target)).toEqual([]);
    expect(await store.leases.get(config.id)).toBeUndefined();
  });

  it("retries a retryable failure with backoff, then gives up after maxAttempts", async () => {
    const { config } = await givenConfig();
    const twice = { maxAttempts: 2 };
    const flaky = workerDeps({
      openDrive: () => {
        throw new DriveError("server said 503", "", { retryable: true });
      },
    });
    const first = await runSyncJob(fire(config.id), flaky, plenty, twice);
    expect(first.outcome).toBe("RETRY");
    expect(await store.runs.get(first.task_id)).toMatchObject({
      status: "RETRY",
      error: { code: "RETRYABLE_ERROR" },
    });
    // The retry goes back with a delay, so it is not receivable at once.
    expect(await receiveAll()).toEqual([]);

    const second = await runSyncJob(fire(config.id), flaky, plenty, twice);
    expect(second.outcome).toBe("FAILURE");
    expect(await store.runs.get(first.task_id)).toMatchObject({
      attempts: 2,
      error: { code: "RETRIES_EXHAUSTED" },
    });
  });
});

describe("finishRun: bounded run records", () => {
  it("stores a result with 10,000 long planned paths and 100 long errors within DynamoDB's item limit", async () => {
    const { config } = await givenConfig();
    const taskId = "manual-big";
    await store.runs.create(newRun({ task_id: taskId, config_id: config.id, trigger: "manual", now }));
    const long = "x".repeat(200);
    const result: SyncResult = {
      status: "FAILURE",
      copied: 0,
      updated: 0,
      deleted: 0,
      skipped: 0,
      failed: 100,
      bytes_transferred: 0,
      files_checked: 10_000,
      duration_ms: 5,
      retryable: false,
      errors: Array.from({ length: 100 }, (_, i) => ({
        path: `dir/${long}/${i}.txt`,
        op: "write" as const,
        message: `refused: ${"y".repeat(10_000)}`,
      })),
      planned: Array.from({ length: 10_000 }, (_, i) => ({
        kind: "copy" as const,
        path: `d/${long}/${i}`,
        size: 1,
      })),
    };
    const deps = { runs: store.runs, configs: store.configs, clock: () => now };
    await finishRun({ task_id: taskId, config_id: config.id }, "FAILURE", { result }, deps);
    const stored = (await store.runs.get(taskId))?.result as Record<string, unknown>;
    expect(Buffer.byteLength(JSON.stringify(stored))).toBeLessThanOrEqual(RUN_RESULT_MAX_BYTES);
    expect(stored).toMatchObject({ failed: 100, files_checked: 10_000 });
    const planned = stored.planned as unknown[];
    expect(planned.length + Number(stored.planned_omitted)).toBe(10_000);
    expect((stored.errors as { message: string }[])[0]?.message.length).toBeLessThanOrEqual(2049);
  });
});

describe("createWorkerHandler", () => {
  const context = { getRemainingTimeInMillis: () => 15 * 60_000 } as Context;
  const record = (messageId: string, body: string, receives = 1): SQSRecord => ({
    messageId,
    body,
    receiptHandle: messageId,
    attributes: {
      ApproximateReceiveCount: String(receives),
      SentTimestamp: "0",
      SenderId: "test",
      ApproximateFirstReceiveTimestamp: "0",
    },
    messageAttributes: {},
    md5OfBody: "",
    eventSource: "aws:sqs",
    eventSourceARN: "arn:aws:sqs:us-east-1:123456789012:sync",
    awsRegion: "us-east-1",
  });

  it("acknowledges malformed messages and reports records whose job throws", async () => {
    const { config, target } = await givenConfig();
    const logs: string[] = [];
    const broken = {
      ...store,
      runs: { ...store.runs, createScheduled: () => Promise.reject(new Error("table unreachable")) },
    };
    const handler = createWorkerHandler(workerDeps({ log: (_level, message) => logs.push(message) }));
    const failing = createWorkerHandler(workerDeps({ store: broken }));

    const ok = await handler(
      { Records: [record("m1", "not json"), record("m2", JSON.stringify(fire(config.id)))] },
      context,
    );
    expect(ok).toEqual({ batchItemFailures: [] });
    expect(logs).toContain("message dropped: invalid");
    expect(await readFile(join(target, "b.txt"), "utf8")).toBe("bravo");

    const bad = await failing(
      { Records: [record("m3", JSON.stringify(fire(config.id, "2026-11-30T02:00:00Z")))] },
      context,
    );
    expect(bad).toEqual({ batchItemFailures: [{ itemIdentifier: "m3" }] });
  });

  it("runs one sync at a time per invocation, so SYNCRON_MAX_CONCURRENCY invocations are that many syncs (measured)", async () => {
    const configs = await Promise.all([1, 2, 3, 4].map(() => givenConfig()));
    const sources = new Set(configs.map((c) => c.source));
    let active = 0;
    let most = 0;
    // A source listing is a sync in progress: count how many overlap.
    const openDrive: WorkerDeps["openDrive"] = async (location, name) => {
      const drive = await driveFor(location, name, {});
      if (location.kind !== "local" || !sources.has(location.root)) return drive;
      return {
        ...drive,
        list: async function* (dir, options) {
          active += 1;
          most = Math.max(most, active);
          try {
            await new Promise((done) => setTimeout(done, 50));
            yield* drive.list(dir, options);
          } finally {
            active -= 1;
          }
        },
      };
    };
    const handler = createWorkerHandler(workerDeps({ openDrive }));
    const records = configs.map((c, i) => record(`c${i}`, JSON.stringify(fire(c.config.id))));
    expect(await handler({ Records: records }, context)).toEqual({ batchItemFailures: [] });
    expect(most).toBe(1);
    for (const { target } of configs) expect(await readFile(join(target, "a.txt"), "utf8")).toBe("alpha");
  });

  it("marks the run FAILURE on the last receive, before the message moves to the dead-letter queue", async () => {
    const { config } = await givenConfig();
    const taskId = "manual-dlq";
    await store.runs.create(newRun({ task_id: taskId, config_id: config.id, trigger: "manual", now }));
    const body = JSON.stringify({
      type: "sync.run",
      trigger: "manual",
      config_id: config.id,
      task_id: taskId,
    });
    const unreachable = {
      ...store,
      configs: { ...store.configs, get: () => Promise.reject(new Error("table unreachable")) },
    };
    const finished: unknown[] = [];
    const handler = createWorkerHandler(
      workerDeps({ store: unreachable, onRunFinished: (run) => finished.push(run) }),
      { maxReceiveCount: 3 },
    );

    expect(await handler({ Records: [record("d1", body, 2)] }, context)).toEqual({
      batchItemFailures: [{ itemIdentifier: "d1" }],
    });
    expect((await store.runs.get(taskId))?.status).toBe("PENDING");

    expect(await handler({ Records: [record("d1", body, 3)] }, context)).toEqual({
      batchItemFailures: [{ itemIdentifier: "d1" }],
    });
    expect(await store.runs.get(taskId)).toMatchObject({
      status: "FAILURE",
      error: { code: "DEAD_LETTERED", message: "gave up after 3 deliveries: table unreachable" },
    });
    // Ended like every other FAILURE: the config's last run and the failure metric say so too.
    expect((await store.configs.get(config.id))?.last_run).toEqual({
      task_id: taskId,
      status: "FAILURE",
      finished_at: now.toISOString(),
    });
    expect(finished).toEqual([
      { config_id: config.id, task_id: taskId, trigger: "manual", status: "FAILURE" },
    ]);
  });
});
