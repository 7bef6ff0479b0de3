import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  E2E_TIMEOUT_MS,
  http,
  killAll,
  removeTempDirs,
  startDev,
  tempDir,
  waitFor,
  waitForRun,
} from "../support/dev/dev-process.ts";
import { listFiles, PARTIAL, treeDigest, writeTree } from "../support/dev/tree.ts";

const SCHEDULER = "/api/v1/task/scheduler";
const FILES = 300;
const SIZE = 256 * 1024;

let work: string;
let source: string;

beforeAll(async () => {
  work = await tempDir();
  source = join(work, "source");
  await writeTree(source, FILES, SIZE);
});

afterAll(async () => {
  await killAll();
  await removeTempDirs();
});

/** Starts a stack, creates a mirror config from `source` to `target` and starts a manual run. */
async function startRun(dataDir: string, target: string) {
  const dev = await startDev({ dataDir });
  const created = await http(dev.url, "POST", "/api/v1/sync-configs", {
    json: { name: "big", source, target, cron: "0 0 1 1 *", mode: "mirror" },
  });
  expect(created.status, created.text).toBe(201);
  const mark = dev.output().length;
  const execute = await http(dev.url, "POST", `${SCHEDULER}/execute-sync/${created.body.id}`);
  expect(execute.status).toBe(202);
  await dev.waitForOutput(/run started/, { from: mark, timeoutMs: 30_000 });
  // Interrupt once some files are across, so the restart has both kinds of work: skip and copy.
  await waitFor(
    async () => ((await listFiles(target)).length >= 20 ? true : undefined),
    "the first files on the target",
    30_000,
    10,
  );
  return { dev, taskId: execute.body.task_id as string };
}

describe("syncron dev: interrupted syncs", { timeout: E2E_TIMEOUT_MS }, () => {
  it("after SIGKILL mid-sync, a restart resumes the run to SUCCESS with the target equal to the source", async () => {
    const dataDir = join(work, "kill-data");
    const target = join(work, "kill-target");
    const { dev, taskId } = await startRun(dataDir, target);
    await dev.stop("SIGKILL");
    const copiedBeforeKill = (await listFiles(target)).filter((path) => !PARTIAL.test(path)).length;
    // Proof that the kill landed mid-sync (the sync of these files takes about a second).
    expect(copiedBeforeKill).toBeLessThan(FILES);

    const restarted = await startDev({ dataDir });
    expect(restarted.output()).toMatch(new RegExp(`run resumed task_id=${taskId}`));
    const run = await waitForRun(restarted.url, taskId, 90_000);
    expect(run.status, JSON.stringify(run.error)).toBe("SUCCESS");
    expect(await treeDigest(target)).toEqual(await treeDigest(source));
    expect((await listFiles(target)).filter((path) => PARTIAL.test(path))).toEqual([]);
    expect(await restarted.stop("SIGTERM")).toBe(0);
  });

  it("on SIGTERM mid-sync, exits 0 after the run checkpoints, and a restart finishes it", async () => {
    const dataDir = join(work, "term-data");
    const target = join(work, "term-target");
    const { dev, taskId } = await startRun(dataDir, target);
    expect(await dev.stop("SIGTERM")).toBe(0);
    expect(dev.output()).toMatch(/INFO +stopped/);
    expect(dev.output()).toMatch(new RegExp(`run checkpointed, continuation sent .*task_id=${taskId}`));
    // Nothing half-written stays visible: an interrupted write removes its temporary file.
    const files = await listFiles(target);
    expect(files.filter((path) => PARTIAL.test(path))).toEqual([]);
    expect(files.length).toBeLessThan(FILES);

    const restarted = await startDev({ dataDir });
    const run = await waitForRun(restarted.url, taskId, 90_000);
    expect(run.status, JSON.stringify(run.error)).toBe("SUCCESS");
    expect(await treeDigest(target)).toEqual(await treeDigest(source));
    expect(await restarted.stop("SIGTERM")).toBe(0);
  });
});
