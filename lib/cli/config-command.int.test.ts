import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { runCli } from "../../test/support/cli/run-cli.ts";
import { startLocalDevStack } from "../../test/support/dev/local-dev-stack.ts";
import { tempDir } from "../../test/support/temp-dir.ts";
import type { DevStack } from "../dev/dev-stack.ts";
import { run } from "./config-command.ts";

const cli = (...args: string[]) => runCli("config", ...args);

describe("syncron config against a running API", () => {
  let stack: DevStack;
  let root: string;
  let url: string;
  const api = (...args: string[]) => cli(...args, "--url", url);

  beforeAll(async () => {
    // Schedules described in English whatever the machine's locale.
    vi.stubEnv("LC_ALL", "");
    vi.stubEnv("LC_MESSAGES", "");
    vi.stubEnv("LANG", "C.UTF-8");
    root = await tempDir("syncron-cli-config-");
    stack = await startLocalDevStack(root);
    url = stack.url;
  }, 60_000);
  afterAll(async () => {
    vi.unstubAllEnvs();
    await stack?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it("adds, lists, shows, edits, runs and removes a config", { timeout: 60_000 }, async () => {
    await mkdir(join(root, "src/sub"), { recursive: true });
    await writeFile(join(root, "src/a.txt"), "alpha");
    await writeFile(join(root, "src/sub/b.txt"), "beta");
    await writeFile(join(root, "src/skip.tmp"), "temp");

    const added = await api(
      "add",
      "--name",
      "photos",
      "--source",
      join(root, "src"),
      "--target",
      join(root, "dst"),
      "--cron",
      "0 2 * * *",
      "--timezone",
      "Asia/Shanghai",
      "--mode",
      "mirror",
      "--exclude",
      "*.tmp",
      "--max-delete",
      "10%",
      "--json",
    );
    expect(added.code).toBe(0);
    const config = JSON.parse(added.stdout);
    expect(config).toMatchObject({
      name: "photos",
      cron: "0 2 * * *",
      timezone: "Asia/Shanghai",
      mode: "mirror",
      exclude: ["*.tmp"],
      max_delete: "10%",
      enabled: true,
      version: 1,
    });
    // A config into the mirror's target is refused with the API's message, naming the mirror.
    const shared = await api(
      "add",
      "--name",
      "into it",
      "--source",
      join(root, "src"),
      "--target",
      join(root, "dst", "sub"),
      "--cron",
      "0 3 * * *",
    );
    expect(shared.code).toBe(1);
    expect(shared.stderr).toContain(
      `syncron config add: TARGET_SHARED: target ${join(root, "dst", "sub")} overlaps the target ${join(root, "dst")} of sync config ${config.id} ("photos")`,
    );

    const listed = await api("list");
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(
      new RegExp(
        `^${config.id}\\s+photos\\s+mirror\\s+0 2 \\* \\* \\*\\s+At 02:00 AM \\(Asia/Shanghai\\)\\s+\\d{4}-\\d\\d-\\d\\d 18:00:00Z\\s+-$`,
        "m",
      ),
    );
    expect(JSON.parse((await api("list", "--json")).stdout).map((c: { id: string }) => c.id)).toEqual([
      config.id,
    ]);

    const shown = await api("show", config.id);
    expect(shown.stdout).toMatch(/^cron\s+0 2 \* \* \*: At 02:00 AM \(Asia\/Shanghai\)$/m);
    expect(shown.stdout).toMatch(/^exclude\s+\*\.tmp$/m);

    const edited = await api("edit", config.id, "--cron", "30 3 * * *", "--disabled");
    expect(edited).toMatchObject({ code: 0, stderr: "" });
    expect(edited.stdout.split("\n")).toEqual([
      `updated config ${config.id} (version 1 -> 2)`,
      '  cron: "0 2 * * *" -> "30 3 * * *"',
      "  enabled: true -> false",
    ]);
    const after = JSON.parse((await api("show", config.id, "--json")).stdout);
    // Only the fields given changed.
    expect(after).toMatchObject({
      name: "photos",
      mode: "mirror",
      exclude: ["*.tmp"],
      max_delete: "10%",
      version: 2,
    });

    // The version shown is the one edited: a stale one is refused and changes nothing.
    const stale = await api("edit", config.id, "--name", "other", "--if-version", "1");
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/^syncron config edit: CONFLICT: .*version/);
    expect(JSON.parse((await api("show", config.id, "--json")).stdout).name).toBe("photos");

    const refused = await api("edit", config.id, "--cron", "61 * * * *", "--max-delete", "lots");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^syncron config edit: VALIDATION_FAILED\n/);
    expect(refused.stderr).toMatch(/^ {2}--max-delete: /m);
    expect(JSON.parse((await api("show", config.id, "--json")).stdout).version).toBe(2);

    const disabledRun = await api("run", config.id);
    expect(disabledRun.code).toBe(1);
    expect(disabledRun.stderr).toMatch(/disabled/i);

    await api("edit", config.id, "--enabled");
    const ran = await api("run", config.id, "--wait", "--interval", "0.2");
    expect(ran.stderr).toBe(ran.stderr.replace(/error/gi, ""));
    expect(ran.code).toBe(0);
    const [taskId, summary] = ran.stdout.split("\n");
    expect(summary).toBe(`${taskId} SUCCESS: copied 2, updated 0, deleted 0, unchanged 0, failed 0`);
    expect(await readFile(join(root, "dst/sub/b.txt"), "utf8")).toBe("beta");

    // rm asks first; without a terminal it wants --yes, and deletes nothing.
    const asked = await api("rm", config.id);
    expect(asked.code).toBe(2);
    expect(asked.stderr).toContain("give --yes when not on a terminal");
    expect((await api("show", config.id)).code).toBe(0);
    expect(await api("rm", config.id, "--yes")).toMatchObject({
      code: 0,
      stdout: `deleted config ${config.id}`,
    });
    const gone = await api("show", config.id);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/NOT_FOUND/);
  });

  it("run --wait exits 1 and says why when the run fails", { timeout: 60_000 }, async () => {
    const added = await api(
      "add",
      "--name",
      "gone",
      "--source",
      join(root, "missing-source"),
      "--target",
      join(root, "dst2"),
      "--cron",
      "0 0 1 1 *",
      "--json",
    );
    expect(added.code).toBe(0);
    const ran = await api("run", JSON.parse(added.stdout).id, "--wait", "--interval", "0.2");
    expect(ran.code).toBe(1);
    expect(ran.stdout).toMatch(/ FAILURE/);
    expect(ran.stdout).toMatch(/\n {2}error: /);
  });

  it("sets, shows and clears a config's tps; a bad one is refused naming --tps, and nothing changes", {
    timeout: 60_000,
  }, async () => {
    const base = ["--name", "paced", "--source", join(root, "src"), "--target", join(root, "dst3")];
    for (const [tps, message] of [
      ["0", "tps must be a positive number of drive calls per second"],
      ["fast", "tps must be a number of drive calls per second, or null for no limit"],
      ["5000", "tps must be at most 1000 drive calls per second"],
    ] as const) {
      const refused = await api("add", ...base, "--cron", "0 4 * * *", "--tps", tps);
      expect(refused, tps).toMatchObject({
        code: 1,
        stderr: `syncron config add: VALIDATION_FAILED\n  --tps: ${message}`,
      });
    }
    expect(
      JSON.parse((await api("list", "--json")).stdout).map((c: { name: string }) => c.name),
    ).not.toContain("paced");
    const added = await api("add", ...base, "--cron", "0 4 * * *", "--tps", "2.5", "--json");
    expect(added.code, added.stderr).toBe(0);
    const { id, tps } = JSON.parse(added.stdout);
    expect(tps).toBe(2.5);
    expect((await api("show", id)).stdout).toMatch(/^tps\s+2\.5$/m);
    const bad = await api("edit", id, "--tps=-1");
    expect(bad.stderr).toContain("  --tps: tps must be a positive number of drive calls per second");
    expect(JSON.parse((await api("show", id, "--json")).stdout)).toMatchObject({ tps: 2.5, version: 1 });
    const cleared = await api("edit", id, "--tps", "none");
    expect(cleared.stdout.split("\n")).toEqual([
      `updated config ${id} (version 1 -> 2)`,
      "  tps: 2.5 -> null",
    ]);
    expect((await api("show", id)).stdout).toMatch(/^tps\s+none \(each drive's own tps only\)$/m);
  });

  it("runs the same directly (run), with the environment's URL", async () => {
    const stdout: string[] = [];
    const log = vi.spyOn(console, "log").mockImplementation((...a) => void stdout.push(a.join(" ")));
    try {
      expect(await run(["list"], { SYNCRON_URL: url })).toBe(0);
    } finally {
      log.mockRestore();
    }
    expect(stdout.join("\n")).toMatch(/^ID\s+NAME/);
  });
});
