/**
 * One spawned smoke test per command: the real bin/syncron.js (the bundle users run) in a child
 * process, with its exit code and output. Argument and format checks call the commands in process
 * (test/support/cli/run-cli.ts), beside each command.
 */
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnCli } from "./support/cli/spawn-cli.ts";
import { tempDir } from "./support/temp-dir.ts";

let dir: string;
beforeAll(async () => {
  dir = await tempDir("syncron-smoke-");
  await mkdir(join(dir, "src", "sub"), { recursive: true });
  await mkdir(join(dir, "dst"), { recursive: true });
  await writeFile(join(dir, "src", "a.txt"), "alpha");
  await writeFile(join(dir, "src", "sub", "b c.txt"), "beta");
  await writeFile(join(dir, "dst", "extra.txt"), "extra");
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const EXAMPLE =
  '{"valid":true,"expression":"0 9,18 * * 1-5","timezone":"Asia/Shanghai","description":"At 09:00 AM and 06:00 PM, Monday through Friday","next_runs":["2026-01-01T01:00:00.000Z","2026-01-01T10:00:00.000Z","2026-01-02T01:00:00.000Z"],"eventbridge":["cron(0 9,18 ? * 2-6 *)"]}\n';

describe("the real binary, one smoke per command", { timeout: 120_000 }, () => {
  it("syncron cron prints the issue's JSON byte for byte and exits 0", async () => {
    const args = [
      "0 9,18 * * 1-5",
      "--tz",
      "Asia/Shanghai",
      "--from",
      "2026-01-01T00:00:00Z",
      "--count",
      "3",
    ];
    expect(await spawnCli(["cron", ...args, "--json"])).toEqual({ code: 0, stdout: EXAMPLE, stderr: "" });
  });

  it("syncron sync mirrors with exit 0, and exits 2 on a usage error", async () => {
    const ok = await spawnCli(["sync", join(dir, "src"), join(dir, "dst"), "--mode", "mirror", "--json"]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ status: "SUCCESS", copied: 2, deleted: 1 });
    expect((await spawnCli(["sync", join(dir, "src"), "--mode", "mirror"])).code).toBe(2);
  });

  it.each([
    [["dev", "--bogus"], "syncron dev: Unknown option '--bogus'"],
    [["status", "--bogus"], "syncron status: Unknown option '--bogus'"],
    [["drive", "--bogus"], "syncron drive: Unknown option '--bogus'"],
  ])("%j exits 2 with the message and the usage", async (args, message) => {
    const { code, stderr } = await spawnCli(args);
    expect(code).toBe(2);
    expect(stderr.startsWith(`${message}\n\nUsage: syncron ${args[0]}`)).toBe(true);
  });
});
