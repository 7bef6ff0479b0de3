import { mkdir, readdir, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { devLocalRoots, startDevStack } from "../../lib/dev/dev-stack.ts";
import {
  E2E_TIMEOUT_MS,
  http,
  killAll,
  removeTempDirs,
  startDev,
  tempDir,
  waitForRun,
} from "../support/dev/dev-process.ts";

const CONFIGS = "/api/v1/sync-configs";
const SCHEDULER = "/api/v1/task/scheduler";

afterAll(async () => {
  await killAll();
  await removeTempDirs();
});

describe("syncron dev: local folders are confined", { timeout: E2E_TIMEOUT_MS }, () => {
  it("the worker refuses at run time a folder whose symlink was swapped after the config was stored", async () => {
    const work = await realpath(await tempDir());
    const [root, outside] = [join(work, "root"), join(work, "outside")];
    await mkdir(join(root, "real"), { recursive: true });
    await mkdir(outside, { recursive: true });
    await writeFile(join(root, "real", "ok.txt"), "fine");
    await writeFile(join(outside, "secret.txt"), "not yours");
    await symlink(join(root, "real"), join(root, "link"));
    const stack = await startDevStack({
      port: 0,
      dataDir: join(root, ".syncron"),
      localRoots: devLocalRoots(undefined, root),
      log: () => undefined,
    });
    try {
      const created = await http(stack.url, "POST", CONFIGS, {
        json: { name: "swap", source: join(root, "link"), target: join(root, "target"), cron: "0 0 1 1 *" },
      });
      expect(created.status, created.text).toBe(201);
      await rm(join(root, "link"));
      await symlink(outside, join(root, "link"));
      const queued = await http(stack.url, "POST", `${SCHEDULER}/execute-sync/${created.body.id}`);
      const run = await waitForRun(stack.url, queued.body.task_id);
      expect(run).toMatchObject({ status: "FAILURE", error: { code: "LOCATION_REFUSED" } });
      expect(run.error.message).toContain(`(real path ${JSON.stringify(outside)}) refused`);
      expect(await readdir(join(root, "target")).catch(() => [])).toEqual([]);
    } finally {
      await stack.stop();
    }
  });

  it("by default allows the folder syncron dev runs in (relative paths too) and refuses /etc with a 400 naming the rule", async () => {
    const work = await realpath(await tempDir());
    await mkdir(join(work, "demo", "source"), { recursive: true });
    const dev = await startDev({
      dataDir: join(work, ".syncron"),
      cwd: work,
      env: { SYNCRON_LOCAL_ROOTS: "" },
    });
    expect(dev.output()).toContain(`local      configs may use folders under ${work}`);
    const ok = await http(dev.url, "POST", CONFIGS, {
      json: { name: "demo", source: "./demo/source", target: "./demo/target", cron: "* * * * *" },
    });
    expect(ok.status, ok.text).toBe(201);
    const refused = await http(dev.url, "POST", CONFIGS, {
      json: { name: "etc", source: "/etc/apt", target: "webdav://dav.example.com/x", cron: "* * * * *" },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details).toEqual([
      {
        path: "source",
        message: `local folder "/etc/apt" refused: it is outside the allowed roots ${work} (syncron dev's default, the folder it runs in; set SYNCRON_LOCAL_ROOTS to change it)`,
      },
    ]);
    expect(await dev.stop()).toBe(0);
  });
});
