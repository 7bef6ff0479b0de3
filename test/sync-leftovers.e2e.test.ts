/**
 * Leftovers of a killed run are removed by the next run, in the folders it walks on the target, and
 * never a temporary file another live run is writing; a dry run writes nothing at all, and a real
 * run nothing into its source.
 */
import { spawn } from "node:child_process";
import { chmod, mkdir, readdir, rm, stat, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLocalDrive } from "../lib/drives/local/local-drive.ts";
import { createMemoryDrive } from "../lib/drives/memory/memory-drive.ts";
import { TEMP_NAME, timedTempName } from "../lib/drives/temp-names.ts";
import { createWebdavDrive } from "../lib/drives/webdav/webdav-drive.ts";
import { syncDrives } from "../lib/sync/index.ts";
import { startOpenListFixture } from "./support/drives/openlist-fixture.ts";
import { startWebdavTestServer } from "./support/drives/webdav-test-server.ts";
import { options, seed } from "./support/sync/sync-fixtures.ts";
import { giveToRunner, runCliUnprivileged } from "./support/sync/unprivileged.ts";
import { tempDir } from "./support/temp-dir.ts";

let dir: string;

beforeEach(async () => {
  dir = await tempDir("syncron-leftovers-");
  await chmod(dir, 0o755);
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const temps = async (folder: string): Promise<string[]> =>
  (await readdir(folder)).filter((name) => TEMP_NAME.test(name)).sort();

const waitFor = async (check: () => Promise<boolean>): Promise<void> => {
  for (let i = 0; i < 200 && !(await check()); i++) await sleep(50);
};

/** A real leftover: a child process writing `path` under `root`, SIGKILLed mid-write. */
async function killedWrite(root: string, path: string): Promise<string> {
  const folder = join(root, ...path.split("/").slice(0, -1));
  const child = spawn(process.execPath, [
    "--import",
    "tsx",
    join(import.meta.dirname, "support", "sync", "endless-writer.ts"),
    root,
    path,
  ]);
  const exited = new Promise((resolve) => child.once("exit", resolve));
  await waitFor(async () => (await temps(folder).catch(() => [])).length > 0);
  child.kill("SIGKILL");
  await exited;
  const [left] = await temps(folder);
  if (!left) throw new Error("the killed writer left no temporary file");
  return left;
}

describe("a killed run's temporary files", { timeout: 60_000 }, () => {
  it("local: the next run removes them from the target folders it walks, never another live run's", async () => {
    const [src, dst] = [join(dir, "src"), join(dir, "dst")];
    const source = createLocalDrive({ root: src });
    await seed(source, { "a.txt": "a", "sub/b.txt": "b" });
    const topLeft = await killedWrite(dst, "big.bin");
    await killedWrite(dst, "sub/big.bin");
    await sleep(1_200); // older than the (scaled-down) stale age; a live writer keeps its ctime fresh

    // Another run, alive, writing into the same folder with a body that is still coming.
    let finish: () => void = () => undefined;
    const other = createLocalDrive({ root: dst });
    const live = other.write(
      "live.bin",
      new ReadableStream<Uint8Array>({
        start: (controller) => {
          controller.enqueue(new Uint8Array([1]));
          finish = () => controller.close();
        },
      }),
      { path: "live.bin", size: 1 },
    );
    await waitFor(async () => (await temps(dst)).length === 2);
    const [liveTemp] = (await temps(dst)).filter((name) => name !== topLeft);

    const target = createLocalDrive({ root: dst, staleTempMs: 1_000 });
    const result = await syncDrives(source, target, options({ mode: "mirror" }));

    expect(result).toMatchObject({ status: "SUCCESS", copied: 2 });
    expect(await temps(dst)).toEqual([liveTemp]);
    expect(await temps(join(dst, "sub"))).toEqual([]);
    finish();
    await live;
    expect((await readdir(dst)).sort()).toEqual(["a.txt", "live.bin", "sub"]);
  });

  it("webdav: stale ones go; one still uploading or one whose mod time came from X-OC-Mtime stays", async () => {
    const root = join(dir, "dav");
    await mkdir(join(root, "sub"), { recursive: true });
    const server = await startWebdavTestServer({ root });
    try {
      const now = Date.now();
      const hours = (n: number) => now - n * 3_600_000;
      const put = async (path: string, name: string, modTime: number) => {
        await writeFile(join(root, path, name), "partial upload");
        await utimes(join(root, path, name), modTime / 1000, modTime / 1000);
      };
      const stale = timedTempName("a.txt", hours(3));
      const staleSub = timedTempName("b.txt", hours(2));
      const uploading = timedTempName("c.txt", hours(2)); // a long upload: the server shows it growing
      const moving = timedTempName("d.txt", now); // just uploaded with an old X-OC-Mtime, MOVE next
      await put("", stale, hours(3));
      await put("sub", staleSub, hours(2));
      await put("", uploading, now);
      await put("", moving, hours(5));

      const source = createMemoryDrive();
      await seed(source, { "a.txt": "a", "sub/b.txt": "b" });
      const target = createWebdavDrive({ url: server.url });
      const result = await syncDrives(source, target, options({ mode: "mirror" }));

      expect(result).toMatchObject({ status: "SUCCESS", copied: 2 });
      expect(await temps(root)).toEqual([uploading, moving].sort());
      expect(await temps(join(root, "sub"))).toEqual([]);
    } finally {
      await server.stop();
    }
  });
});

describe("a killed run's temporary files on OpenList", { timeout: 60_000 }, () => {
  it("go when stale; one just uploaded with an old Last-Modified stays", async () => {
    const fixture = await startOpenListFixture({ profiles: { "/local": { profile: "local" } } });
    try {
      const target = await fixture.drive("/local");
      const [folder] = await readdir(fixture.disks["/local"] ?? "");
      const disk = join(fixture.disks["/local"] ?? "", folder ?? "");
      const now = Date.now();
      const stale = timedTempName("a.txt", now - 3 * 3_600_000);
      const uploaded = timedTempName("b.txt", now); // Last-Modified set it to the source's old time
      for (const name of [stale, uploaded]) {
        await writeFile(join(disk, name), "partial upload");
        await utimes(join(disk, name), (now - 3 * 3_600_000) / 1000, (now - 3 * 3_600_000) / 1000);
      }
      const source = createMemoryDrive();
      await seed(source, { "a.txt": "a" });
      const result = await syncDrives(source, target, options({ mode: "mirror" }));
      expect(result).toMatchObject({ status: "SUCCESS", copied: 1 });
      expect(await temps(disk)).toEqual([uploaded]);
    } finally {
      await fixture.stop();
    }
  });
});

describe("--dry-run", { timeout: 60_000 }, () => {
  it("writes nothing into either folder: no probe file, no cleanup, no copy", async () => {
    const [src, dst] = [join(dir, "src"), join(dir, "dst")];
    await mkdir(src);
    await mkdir(dst);
    await writeFile(join(src, "a.txt"), "a");
    await writeFile(join(dst, "extra.txt"), "x");
    await writeFile(join(dst, timedTempName("old.txt", Date.now() - 5 * 3_600_000)), "left");
    await giveToRunner(dir);
    const past = new Date("2024-01-02T03:04:05Z");
    for (const folder of [src, dst]) await utimes(folder, past, past);

    const { code, stdout } = await runCliUnprivileged(
      ["sync", src, dst, "--mode", "mirror", "--dry-run"],
      dir,
    );

    expect(code).toBe(0);
    expect(stdout).toMatch(/copy +a\.txt/);
    // Creating and removing even a probe file changes a folder's mod time.
    for (const folder of [src, dst]) expect((await stat(folder)).mtime).toEqual(past);
    expect((await readdir(dst)).length).toBe(2);
  });
});

describe("a source", { timeout: 60_000 }, () => {
  it("is never written by a real run: no probe file in the source folder", async () => {
    const [src, dst] = [join(dir, "src"), join(dir, "dst")];
    await mkdir(src);
    await writeFile(join(src, "a.txt"), "a");
    await giveToRunner(dir);
    const past = new Date("2024-01-02T03:04:05Z");
    await utimes(src, past, past);
    const before = await stat(src, { bigint: true });

    const { code, stderr } = await runCliUnprivileged(["sync", src, dst, "--mode", "mirror"], dir);

    expect(code, stderr).toBe(0);
    expect(await readdir(dst)).toEqual(["a.txt"]);
    // Creating and removing even a probe file changes a folder's mod and change times.
    const after = await stat(src, { bigint: true });
    expect([after.mtimeNs, after.ctimeNs]).toEqual([before.mtimeNs, before.ctimeNs]);
  });
});
