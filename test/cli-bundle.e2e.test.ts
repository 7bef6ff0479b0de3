import { execFile } from "node:child_process";
import { cp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCli } from "../scripts/build-cli.ts";
import { tempDir } from "./support/temp-dir.ts";

const ROOT = resolve(import.meta.dirname, "..");
const run = promisify(execFile);
let dir: string;

/** bin/syncron.js and the bundle alone: no lib/, no node_modules (so no tsx), no package.json version. */
beforeAll(async () => {
  dir = await tempDir("syncron-bundle-");
  await buildCli(join(dir, "dist/cli"));
  await mkdir(join(dir, "bin"));
  await cp(join(ROOT, "bin/syncron.js"), join(dir, "bin/syncron.js"));
  await writeFile(join(dir, "package.json"), '{ "type": "module" }\n');
}, 60_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

const syncron = (...args: string[]) =>
  run(process.execPath, [join(dir, "bin/syncron.js"), ...args], { cwd: dir, env: { ...process.env } });

describe("bin/syncron.js", () => {
  it("runs the self-contained bundle, without tsx or the TypeScript sources", async () => {
    const manifest = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as { version: string };
    expect((await syncron("--version")).stdout.trim()).toBe(manifest.version);
    const cron = await syncron(
      "cron",
      "0 9 * * 1",
      "--tz",
      "UTC",
      "--from",
      "2026-01-01T00:00:00Z",
      "--json",
    );
    expect(JSON.parse(cron.stdout)).toMatchObject({
      valid: true,
      next_runs: expect.arrayContaining(["2026-01-05T09:00:00.000Z"]),
    });
  });

  it("syncs two local folders from the bundle", async () => {
    await mkdir(join(dir, "src/sub"), { recursive: true });
    await writeFile(join(dir, "src/sub/a.txt"), "hello");
    await syncron("sync", join(dir, "src"), join(dir, "dst"), "--mode", "mirror");
    expect(await readFile(join(dir, "dst/sub/a.txt"), "utf8")).toBe("hello");
  });
});
