import { execFile } from "node:child_process";
import { chmod, lstat, mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { startDevStack } from "../../lib/dev/dev-stack.ts";
import { http, removeTempDirs, tempDir, waitFor } from "../support/dev/dev-process.ts";

afterAll(removeTempDirs);

/** Every path under `dir` with its permission bits, folders marked with a trailing `/`. */
async function modes(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = { "./": ((await lstat(dir)).mode & 0o777).toString(8) };
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    const info = await lstat(path).catch(() => undefined);
    if (!info) continue; // gone meanwhile (dynalite's LevelDB replaces its logs)
    out[`${path.slice(dir.length + 1)}${info.isDirectory() ? "/" : ""}`] = (info.mode & 0o777).toString(8);
  }
  return out;
}
const onlyPrivate = (found: Record<string, string>) =>
  Object.entries(found).filter(([path, mode]) => mode !== (path.endsWith("/") ? "700" : "600"));

describe("syncron dev's data folder", () => {
  it("is private to its user (folders 0700, files 0600) while running and after a stop, also when it existed open", async () => {
    const work = await tempDir();
    const dataDir = join(work, "data");
    await mkdir(join(dataDir, "old"), { recursive: true, mode: 0o755 });
    await chmod(dataDir, 0o755);
    await writeFile(join(dataDir, "old", "notes"), "x", { mode: 0o644 });
    const stack = await startDevStack({ port: 0, dataDir, log: () => undefined });
    try {
      const drive = await http(stack.url, "POST", "/api/v1/drives", {
        json: {
          name: "nas",
          type: "webdav",
          url: "https://dav.example.com",
          username: "me",
          password: "hunter2",
        },
      });
      expect(drive.status, drive.text).toBe(201);
      for (let i = 0; i < 20; i++) {
        const reply = await http(stack.url, "POST", "/api/v1/sync-configs", {
          json: {
            name: `c${i}`,
            source: `webdav://dav.example.com/src/${i}`,
            target: `nas:/${i}`,
            cron: "0 0 1 1 *",
          },
        });
        expect(reply.status, reply.text).toBe(201);
      }
      // The watcher tightens each name a moment after it appears: wait for that, not for a time.
      const open = async () => onlyPrivate(await modes(dataDir));
      await waitFor(
        async () => ((await open()).length === 0 ? true : undefined),
        "privacy",
        30_000,
        20,
      ).catch(
        () => undefined, // the assertion below says what stayed open
      );
      expect(await open()).toEqual([]);
    } finally {
      await stack.stop();
    }
    const after = await modes(dataDir);
    expect(Object.keys(after).some((path) => path.startsWith("dynamodb/"))).toBe(true);
    expect(onlyPrivate(after)).toEqual([]);
  });

  it("cannot be read by another user", async () => {
    const work = await tempDir();
    await chmod(work, 0o755);
    const dataDir = join(work, "data");
    const stack = await startDevStack({ port: 0, dataDir, log: () => undefined });
    await stack.stop();
    const files = (await readdir(join(dataDir, "dynamodb"))).map((name) => join(dataDir, "dynamodb", name));
    const asNobody = promisify(execFile)("setpriv", [
      "--reuid=65534",
      "--regid=65534",
      "--clear-groups",
      "cat",
      ...files,
    ]);
    await expect(asNobody).rejects.toMatchObject({ stderr: expect.stringContaining("Permission denied") });
  });
});
