import { once } from "node:events";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  E2E_TIMEOUT_MS,
  http,
  killAll,
  removeTempDirs,
  startDev,
  tempDir,
  waitForRun,
} from "../support/dev/dev-process.ts";

const SCHEDULER = "/api/v1/task/scheduler";
const KILL_HOOK = resolve(import.meta.dirname, "../support/dev/kill-on-call.mjs");

afterAll(async () => {
  await killAll();
  await removeTempDirs();
});

describe("syncron dev: a crash never blocks a config", { timeout: E2E_TIMEOUT_MS }, () => {
  it("after SIGKILL between recording a run's outcome and freeing its lease, the restarted stack runs the config at once", async () => {
    const work = await tempDir();
    const [dataDir, source, target] = [join(work, "data"), join(work, "source"), join(work, "target")];
    await mkdir(source, { recursive: true });
    await writeFile(join(source, "a.txt"), "alpha");

    // This stack kills itself (SIGKILL) as it sends the DeleteItem that frees the lease: the only
    // DeleteItem of a run, right after its SUCCESS is written.
    const doomed = await startDev({
      dataDir,
      env: { NODE_OPTIONS: `--import ${KILL_HOOK}`, SYNCRON_TEST_KILL_ON: "DynamoDB_20120810.DeleteItem" },
    });
    const exited = once(doomed.child, "exit");
    const created = await http(doomed.url, "POST", "/api/v1/sync-configs", {
      json: { name: "docs", source, target, cron: "0 0 1 1 *", mode: "mirror" },
    });
    expect(created.status, created.text).toBe(201);
    const first = await http(doomed.url, "POST", `${SCHEDULER}/execute-sync/${created.body.id}`);
    expect(first.status).toBe(202);
    const [code, signal] = await exited;
    expect([code, signal]).toEqual([null, "SIGKILL"]);
    expect(doomed.output()).toMatch(/run finished/);

    const restarted = await startDev({ dataDir });
    expect((await waitForRun(restarted.url, first.body.task_id)).status).toBe("SUCCESS");
    await writeFile(join(source, "b.txt"), "bravo");
    const second = await http(restarted.url, "POST", `${SCHEDULER}/execute-sync/${created.body.id}`);
    expect(second.status).toBe(202);
    const run = await waitForRun(restarted.url, second.body.task_id);
    expect(run.status, JSON.stringify(run.error)).toBe("SUCCESS");
    expect(await readFile(join(target, "b.txt"), "utf8")).toBe("bravo");
    expect(await restarted.stop("SIGTERM")).toBe(0);
  });
});
