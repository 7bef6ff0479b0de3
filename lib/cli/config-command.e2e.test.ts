import { execFile } from "node:child_process";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN } from "../../test/support/dev/dev-process.ts";
import { startLocalDevStack } from "../../test/support/dev/local-dev-stack.ts";
import { tempDir } from "../../test/support/temp-dir.ts";
import type { DevStack } from "../dev/dev-stack.ts";

/** The real binary, as users run it, in an English environment. */
function syncron(env: Record<string, string>, ...args: string[]) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { timeout: 60_000, env: { ...process.env, LC_ALL: "", LC_MESSAGES: "", LANG: "C.UTF-8", ...env } },
      (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("syncron config, the real binary", () => {
  let stack: DevStack;
  let root: string;

  beforeAll(async () => {
    root = await tempDir("syncron-cli-config-e2e-");
    stack = await startLocalDevStack(root);
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it("adds a config at $SYNCRON_URL and prints it", { timeout: 60_000 }, async () => {
    const result = await syncron(
      { SYNCRON_URL: stack.url },
      "config",
      "add",
      "--name",
      "spawned",
      "--source",
      join(root, "src"),
      "--target",
      join(root, "dst"),
      "--cron",
      "0 4 * * 0",
    );
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout).toMatch(/^created config \S+\n/);
    expect(result.stdout).toMatch(/^cron\s+0 4 \* \* 0: At 04:00 AM, only on Sunday$/m);
  });
});
