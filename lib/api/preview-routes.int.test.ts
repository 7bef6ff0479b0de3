import { mkdir, readdir, readFile, realpath, rm, stat, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiStack, startApiStack } from "../../test/support/api/api-stack.ts";
import { tempDir } from "../../test/support/temp-dir.ts";
import { localRootsFrom } from "../drives/local-roots.ts";
import { driveFor } from "../drives/open-drive.ts";
import { createDriveResolver } from "../jobs/drives/resolve-drive.ts";
import { runMetrics } from "../jobs/run-metrics.ts";
import { runSyncJob } from "../jobs/run-sync-job/run-sync-job.ts";
import type { FinishedRun } from "../jobs/run-sync-job/types.ts";
import { parseMessage, type SyncRunMessage } from "../queue/message.ts";

/**
 * POST /api/v1/sync-configs/preview: a dry run of a config that is not saved, through the queue and
 * the worker like any run, read back through task-result and its items.
 */

const PREVIEW = "/api/v1/sync-configs/preview";
let base: string;
let stack: ApiStack;

beforeAll(async () => {
  base = await realpath(await tempDir("syncron-api-preview-"));
  await mkdir(join(base, "root"));
  stack = await startApiStack({
    localRoots: localRootsFrom(join(base, "root"), { roots: [], rule: "unused" }),
  });
});
afterAll(async () => {
  await stack?.stop();
  await rm(base, { recursive: true, force: true });
});

/** Every message on the queue now, taken off it. */
async function takeMessages() {
  const { Messages = [] } = await stack.sqs.send(
    new ReceiveMessageCommand({ QueueUrl: stack.queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 600 }),
  );
  // Previews never fan out: every message is a sync.run.
  return Messages.map((message) => parseMessage(message.Body ?? "") as SyncRunMessage);
}

/** The worker, as functions/worker.ts builds it, over the stack's store, queue, drives and reports. */
const worker = () => ({
  store: stack.store,
  queue: stack.deps.queue,
  openDrive: stack.deps.drives!.open,
  resolveLocation: createDriveResolver(stack.deps.drives!),
  clock: stack.deps.clock,
  reports: stack.reports,
});

/** Names, sizes and mod times of every file under `dir`: what a dry run must leave exactly as it was. */
async function snapshot(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return Promise.all(
    entries.map(async (entry) => {
      const path = join(entry.parentPath, entry.name);
      const info = await stat(path);
      return `${path.slice(dir.length)} ${entry.isFile() ? await readFile(path, "utf8") : "/"} ${info.mtimeMs}`;
    }),
  ).then((lines) => lines.sort());
}

describe("POST /api/v1/sync-configs/preview", () => {
  it("queues a dry run of an unsaved mirror: what it would copy, update and delete, writing nothing", async () => {
    const root = join(base, "root");
    const [source, target] = [join(root, "photos"), join(root, "backup")];
    await mkdir(join(source, "2026"), { recursive: true });
    await mkdir(target);
    await writeFile(join(source, "2026/new.jpg"), "new");
    await writeFile(join(source, "same.jpg"), "same");
    await writeFile(join(source, "changed.jpg"), "changed now");
    await writeFile(join(target, "same.jpg"), "same");
    await writeFile(join(target, "changed.jpg"), "old");
    await writeFile(join(target, "extra.jpg"), "extra");
    const at = new Date("2026-01-01T00:00:00Z");
    for (const file of ["same.jpg", "changed.jpg"]) {
      await utimes(join(source, file), at, at);
      await utimes(join(target, file), at, at);
    }
    // The source through a named drive (name:path), as the form's folder picker sets it.
    const drive = await stack.call({
      method: "POST",
      path: "/api/v1/drives",
      body: { name: "photos", type: "local", root: source },
    });
    expect(drive.status).toBe(201);
    const before = await snapshot(target);

    const queued = await stack.call({
      method: "POST",
      path: PREVIEW,
      body: {
        name: "nightly",
        source: "photos:/",
        target,
        cron: "0 2 * * *",
        mode: "mirror",
        enabled: false,
      },
    });
    expect(queued.status, JSON.stringify(queued.body)).toBe(202);
    const { task_id } = queued.body;
    expect(queued.body).toEqual({ task_id, config_id: `preview-${task_id}`, status: "PENDING" });
    // No config is saved, so none fires and none lists.
    expect((await stack.call({ method: "GET", path: "/api/v1/sync-configs" })).body.items).toEqual([]);

    const messages = await takeMessages();
    expect(messages).toHaveLength(1);
    const outcome = await runSyncJob(messages[0]!, worker(), { remainingTimeMs: () => 15 * 60_000 });
    expect(outcome).toEqual({ task_id, outcome: "SUCCESS" });

    const result = await stack.call({ method: "GET", path: `/api/v1/task/scheduler/task-result/${task_id}` });
    expect(result.body).toMatchObject({
      status: "SUCCESS",
      trigger: "preview",
      result: { copied: 1, updated: 1, deleted: 1, bytes_transferred: 0 },
    });
    const items = await stack.call({
      method: "GET",
      path: `/api/v1/task/scheduler/task-result/${task_id}/items`,
    });
    expect(items.body.items).toEqual(
      expect.arrayContaining([
        { path: "2026/new.jpg", op: "copy", size: 3, status: "planned" },
        { path: "changed.jpg", op: "update", size: 11, status: "planned" },
        { path: "extra.jpg", op: "delete", size: 5, status: "planned" },
      ]),
    );
    expect(items.body.items).toHaveLength(3);
    // Nothing written: not a file, not a folder, not a probe file, on either side.
    expect(await snapshot(target)).toEqual(before);
    expect((await readdir(source)).sort()).toEqual(["2026", "changed.jpg", "same.jpg"]);
  });

  it("refuses what config create refuses, naming the field, and queues nothing", async () => {
    const inside = join(base, "root", "in");
    const fields = { name: "n", source: inside, target: join(base, "root", "out"), cron: "0 2 * * *" };
    for (const [body, path, message] of [
      [{ cron: "61 * * * *" }, "cron", /minute/],
      [{ source: "/etc" }, "source", /outside the allowed roots/],
      [{ source: "nas:/photos" }, "source", /drive "nas" does not exist/],
      [{ target: "webdav://bob:secret@dav.example.com/x" }, "target", /credentials in the URL/],
      [{ target: join(inside, "sub") }, "target", /must not be the source or lie inside it/],
    ] as const) {
      const reply = await stack.call({
        method: "POST",
        path: PREVIEW,
        body: { ...fields, ...body },
      });
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(reply.body.error.details).toEqual([{ path, message: expect.stringMatching(message) }]);
    }
    const unknown = await stack.call({
      method: "POST",
      path: PREVIEW,
      body: { ...fields, colour: "red" },
    });
    expect(unknown.status).toBe(400);
    expect(await takeMessages()).toEqual([]);
  });

  it("never reaches the target even when the worker's drives could write it", async () => {
    // The worker's own opener, not the stack's: a preview opens its target read-only whatever opens it.
    const opened: boolean[] = [];
    const root = join(base, "root");
    await mkdir(join(root, "a"), { recursive: true });
    await writeFile(join(root, "a", "f.txt"), "f");
    const queued = await stack.call({
      method: "POST",
      path: PREVIEW,
      body: { name: "n", source: join(root, "a"), target: join(root, "fresh"), cron: "0 2 * * *" },
    });
    const [message] = await takeMessages();
    const outcome = await runSyncJob(
      message!,
      {
        ...worker(),
        openDrive: (location, name) => {
          opened.push(location.readOnly === true);
          return driveFor(location, name, {});
        },
      },
      { remainingTimeMs: () => 15 * 60_000 },
    );
    expect(outcome.task_id).toBe(queued.body.task_id);
    expect(opened).toEqual([true, true]);
    await expect(stat(join(root, "fresh"))).rejects.toThrow(/ENOENT/);
  });

  it("is no config's run: kept out of GET /api/v1/runs and of run metrics, listed with previews=true", async () => {
    const root = join(base, "root");
    await mkdir(join(root, "m-src"), { recursive: true });
    await writeFile(join(root, "m-src", "f.txt"), "f");
    const fields = { name: "m", source: join(root, "m-src"), target: join(root, "m-dst"), cron: "0 2 * * *" };
    const created = await stack.call({ method: "POST", path: "/api/v1/sync-configs", body: fields });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const manual = await stack.call({
      method: "POST",
      path: `/api/v1/task/scheduler/execute-sync/${created.body.id}`,
    });
    expect(manual.status, JSON.stringify(manual.body)).toBe(202);
    const preview = await stack.call({ method: "POST", path: PREVIEW, body: fields });
    expect(preview.status, JSON.stringify(preview.body)).toBe(202);
    const finished: FinishedRun[] = [];
    for (const message of await takeMessages()) {
      await runSyncJob(
        message,
        { ...worker(), onRunFinished: (run) => finished.push(run) },
        { remainingTimeMs: () => 15 * 60_000 },
      );
    }
    const byTask = new Map(finished.map((run) => [run.task_id, run]));
    expect(runMetrics(byTask.get(preview.body.task_id)!)).toEqual([
      { name: "previews", unit: "Count", value: 1 },
    ]);
    expect(runMetrics(byTask.get(manual.body.task_id)!)).toContainEqual({
      name: "runs",
      unit: "Count",
      value: 1,
    });

    const listed = await stack.call({ method: "GET", path: "/api/v1/runs?limit=100" });
    expect(listed.status).toBe(200);
    const ids = listed.body.items.map((run: { task_id: string }) => run.task_id);
    expect(ids).toContain(manual.body.task_id);
    expect(listed.body.items.filter((run: { trigger: string }) => run.trigger === "preview")).toEqual([]);
    const succeeded = await stack.call({ method: "GET", path: "/api/v1/runs?status=SUCCESS&limit=100" });
    expect(succeeded.body.items.map((run: { task_id: string }) => run.task_id)).toEqual([
      manual.body.task_id,
    ]);

    const previews = await stack.call({ method: "GET", path: "/api/v1/runs?previews=true&limit=100" });
    expect(previews.status).toBe(200);
    expect(previews.body.items[0]).toMatchObject({ task_id: preview.body.task_id, trigger: "preview" });
    expect(previews.body.items.every((run: { trigger: string }) => run.trigger === "preview")).toBe(true);
    const bad = await stack.call({ method: "GET", path: "/api/v1/runs?previews=yes" });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.error)).toContain("previews must be true or false");
  });
});
