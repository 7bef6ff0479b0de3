import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  E2E_TIMEOUT_MS,
  http,
  killAll,
  removeTempDirs,
  startDev,
  tempDir,
  waitFor,
} from "../support/dev/dev-process.ts";

afterAll(async () => {
  await killAll();
  await removeTempDirs();
});

const runsOf = async (url: string, configId: string) =>
  (await http(url, "GET", `/api/v1/sync-configs/${configId}/runs`)).body.items as {
    status: string;
    trigger: string;
    scheduled_time: string | null;
  }[];

/**
 * `SYNCRON_DEV_NOW` starts the stack's clock at a chosen instant (then real speed): a fire a few
 * seconds away, and a restart "later", past a fire missed while the stack was down.
 */
describe("syncron dev: restarts", { timeout: E2E_TIMEOUT_MS }, () => {
  it("keeps configs and schedules, and does not replay fires missed while stopped", async () => {
    const work = await tempDir();
    const dataDir = join(work, "data");
    await mkdir(join(work, "source"), { recursive: true });
    await writeFile(join(work, "source", "v.txt"), "first");

    const first = await startDev({ dataDir, env: { SYNCRON_DEV_NOW: "2030-01-01T00:00:55Z" } });
    const created = await http(first.url, "POST", "/api/v1/sync-configs", {
      json: {
        name: "minutely",
        source: join(work, "source"),
        target: join(work, "target"),
        cron: "* * * * *",
      },
    });
    expect(created.status, created.text).toBe(201);
    const id = created.body.id as string;
    expect(created.body.next_runs[0]).toBe("2030-01-01T00:01:00.000Z");
    await waitFor(
      async () => ((await runsOf(first.url, id)).some((run) => run.status === "SUCCESS") ? true : undefined),
      "the 00:01 fire",
      60_000,
    );
    expect(await readFile(join(work, "target", "v.txt"), "utf8")).toBe("first");
    expect(await first.stop("SIGTERM")).toBe(0);

    // Down from 00:01 to 00:02:56: the 00:02 fire is missed.
    await writeFile(join(work, "source", "v.txt"), "second");
    const second = await startDev({ dataDir, env: { SYNCRON_DEV_NOW: "2030-01-01T00:02:56Z" } });
    const config = await http(second.url, "GET", `/api/v1/sync-configs/${id}`);
    expect(config.body).toMatchObject({ id, name: "minutely", cron: "* * * * *", enabled: true });
    const status = await http(second.url, "GET", "/api/v1/task/scheduler/task-status");
    expect(status.body.schedules).toEqual([
      expect.objectContaining({ config_id: id, state: "ENABLED", next_run: "2030-01-01T00:03:00.000Z" }),
    ]);
    await waitFor(
      async () =>
        (await runsOf(second.url, id)).filter((run) => run.status === "SUCCESS").length >= 2
          ? true
          : undefined,
      "the 00:03 fire",
      60_000,
    );
    expect(await readFile(join(work, "target", "v.txt"), "utf8")).toBe("second");
    const times = (await runsOf(second.url, id)).map((run) => [run.trigger, run.scheduled_time]);
    expect(times).toEqual([
      ["schedule", "2030-01-01T00:03:00Z"],
      ["schedule", "2030-01-01T00:01:00Z"],
    ]);
    expect(await second.stop("SIGTERM")).toBe(0);
  });
});
