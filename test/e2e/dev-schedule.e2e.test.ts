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

describe("syncron dev: schedules", { timeout: E2E_TIMEOUT_MS }, () => {
  it("fires a config's cron on the real clock: a scheduled SUCCESS run and the files on the target", async () => {
    const work = await tempDir();
    await mkdir(join(work, "source", "sub"), { recursive: true });
    await writeFile(join(work, "source", "sub", "note.txt"), "scheduled");
    const dev = await startDev({ dataDir: join(work, "data") });
    const created = await http(dev.url, "POST", "/api/v1/sync-configs", {
      json: {
        name: "every minute",
        source: join(work, "source"),
        target: join(work, "target"),
        cron: "* * * * *",
      },
    });
    expect(created.status, created.text).toBe(201);
    const [nextRun] = created.body.next_runs as string[];

    // `* * * * *` fires at the next minute boundary: at most 60 s away.
    const run = await waitFor(
      async () => {
        const runs = await http(dev.url, "GET", `/api/v1/sync-configs/${created.body.id}/runs`);
        return runs.body.items.find((item: { status: string }) => item.status === "SUCCESS");
      },
      "a scheduled run",
      90_000,
      500,
    );
    expect(run).toMatchObject({ trigger: "schedule", scheduled_time: nextRun!.replace(".000Z", "Z") });
    expect(await readFile(join(work, "target", "sub", "note.txt"), "utf8")).toBe("scheduled");
    expect(dev.output()).toMatch(new RegExp(`schedule fired config_id=${created.body.id}`));
    expect(await dev.stop()).toBe(0);
  });
});
