import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../test/support/cli/run-cli.ts";
import { startLocalDevStack } from "../../test/support/dev/local-dev-stack.ts";
import { tempDir } from "../../test/support/temp-dir.ts";
import type { DevStack } from "../dev/dev-stack.ts";

describe("syncron runs against a running API", () => {
  let stack: DevStack;
  let root: string;
  const runs = (...args: string[]) => runCli("runs", ...args, "--url", stack.url);
  const post = async (path: string, body?: unknown) => {
    const reply = await fetch(`${stack.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    expect(reply.status).toBeLessThan(300);
    return (await reply.json()) as { id?: string; task_id?: string };
  };

  beforeAll(async () => {
    root = await tempDir("syncron-cli-runs-");
    stack = await startLocalDevStack(root);
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it("lists the runs of configs, and the previews only with --previews", { timeout: 60_000 }, async () => {
    await mkdir(join(root, "src"));
    await writeFile(join(root, "src/a.txt"), "alpha");
    const fields = { name: "docs", source: join(root, "src"), target: join(root, "dst"), cron: "0 2 * * *" };
    const config = await post("/api/v1/sync-configs", fields);
    const manual = await post(`/api/v1/task/scheduler/execute-sync/${config.id}`);
    const preview = await post("/api/v1/sync-configs/preview", fields);

    const listed = await runs("--json");
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout).map((run: { task_id: string }) => run.task_id)).toEqual([
      manual.task_id,
    ]);
    const previews = await runs("--previews", "--json");
    expect(previews.code, previews.stderr).toBe(0);
    expect(JSON.parse(previews.stdout)).toEqual([
      expect.objectContaining({ task_id: preview.task_id, trigger: "preview" }),
    ]);
    const table = await runs("--previews");
    expect(table.stdout).toContain(`preview-${preview.task_id}`);
    expect(table.stdout).not.toContain(String(config.id));
  });
});
