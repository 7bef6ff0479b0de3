import { readdir } from "node:fs/promises";
import { afterAll, describe, expect, it } from "vitest";
import type { Drive } from "../lib/drives/drive.ts";
import { syncDrives } from "../lib/sync/index.ts";
import {
  type OpenListFixture,
  type OpenListFixtureOptions,
  startOpenListFixture,
} from "./support/drives/openlist-fixture.ts";
import { options, seed, tree } from "./support/sync/sync-fixtures.ts";

const fixtures: OpenListFixture[] = [];
afterAll(async () => {
  for (const fixture of fixtures) await fixture.stop();
});
const start = async (serverOptions: OpenListFixtureOptions = {}) => {
  const fixture = await startOpenListFixture(serverOptions);
  fixtures.push(fixture);
  return fixture;
};

/** Bytes of file bodies through this process: what the server sent (/d/) and received (PUT). */
const through = (fixture: OpenListFixture) => fixture.server.bytes.down + fixture.server.bytes.up;
const FILES = { "a.txt": "alpha", "d/b.txt": "bravo bravo", "d/e/c.txt": "charlie", "empty.txt": "" };

/** Every name on the storage's disk, recursively (temporary copy folders included). */
const namesOnDisk = async (dir: string): Promise<string[]> =>
  (await readdir(dir, { recursive: true })).map(String).sort();

describe("openlist -> openlist on one server", () => {
  it("copies server-side through copy tasks: 0 bytes through the worker, then nothing to do", async () => {
    const f = await start();
    const [source, target] = [await f.drive("/local2"), await f.drive("/local")];
    await seed(source, FILES);
    const seeded = through(f);

    const first = await syncDrives(source, target, options({ mode: "mirror" }));
    expect(first).toMatchObject({ status: "SUCCESS", copied: 4, errors: [] });
    expect(through(f) - seeded).toBe(0);
    expect(f.server.tasks.size).toBe(0); // each finished task was deleted
    expect(f.server.requests.filter((r) => r.path === "/api/fs/copy")).toHaveLength(4);
    const second = await syncDrives(source, target, options({ mode: "mirror" }));
    expect(second).toMatchObject({ status: "SUCCESS", copied: 0, updated: 0, skipped: 4 });
    expect(await tree(target)).toEqual(await tree(source));
    expect((await namesOnDisk(f.disks["/local"] ?? "")).some((name) => name.includes(".syncron-"))).toBe(
      false,
    );
  });

  it("copies inside one storage at once where it can (reflink), without a task", async () => {
    const f = await start({ profiles: { "/disk": { profile: "local", reflink: true } } });
    const [source, target] = [await f.drive("/disk"), await f.drive("/disk", { keepsModTimes: false })];
    await seed(source, FILES);
    const seeded = through(f);
    expect(await syncDrives(source, target, options())).toMatchObject({ status: "SUCCESS", copied: 4 });
    expect(through(f) - seeded).toBe(0);
    expect(f.server.requests.some((r) => r.path.startsWith("/api/task/copy/info"))).toBe(false);
    expect(await tree(target)).toEqual(await tree(source));
  });

  it("streams where the copy would not keep the mod time the target must keep (a reflink gets a new one)", async () => {
    const f = await start({ profiles: { "/disk": { profile: "local", reflink: true } } });
    const [source, target] = [await f.drive("/disk"), await f.drive("/disk")];
    await seed(source, { "a.txt": "alpha" });
    expect(await syncDrives(source, target, options())).toMatchObject({ status: "SUCCESS", copied: 1 });
    expect(await syncDrives(source, target, options())).toMatchObject({ copied: 0, updated: 0, skipped: 1 });
  });

  it("falls back to streaming when OpenList refuses the copy (no copy permission)", async () => {
    const f = await start({ denyCopy: true });
    const [source, target] = [await f.drive("/local2"), await f.drive("/local")];
    await seed(source, FILES);
    const seeded = through(f);
    expect(await syncDrives(source, target, options())).toMatchObject({ status: "SUCCESS", copied: 4 });
    expect(through(f) - seeded).toBe(2 * (5 + 11 + 7));
    expect(await tree(target)).toEqual(await tree(source));
    // The refusal holds for every file: the next ones stream without asking again.
    const asked = f.server.requests.filter((r) => r.path === "/api/fs/copy").length;
    await seed(source, { "later.txt": "later" });
    expect(await syncDrives(source, target, options())).toMatchObject({ status: "SUCCESS", copied: 1 });
    expect(f.server.requests.filter((r) => r.path === "/api/fs/copy")).toHaveLength(asked);
  });

  it("reports a failed copy task for its file and copies the others", async () => {
    const f = await start({
      failTask: (path) => (path.endsWith("/b.txt") ? "upload failed: quota exceeded" : undefined),
    });
    const [source, target] = [await f.drive("/local2"), await f.drive("/local")];
    await seed(source, FILES);
    const result = await syncDrives(source, target, options({ mode: "mirror" }));
    expect(result).toMatchObject({ status: "FAILURE", copied: 3, failed: 1 });
    expect(result.errors).toEqual([
      expect.objectContaining({ path: "d/b.txt", message: expect.stringContaining("quota exceeded") }),
    ]);
    expect((await namesOnDisk(f.disks["/local"] ?? "")).some((name) => name.includes(".syncron-"))).toBe(
      false,
    );
  });

  it("shows a copy task's progress in the run", async () => {
    // The task stays pending until the run has reported it pending twice.
    let release = () => {};
    const pending = new Promise<void>((resolve) => (release = resolve));
    const f = await start({ taskGate: () => pending });
    const [source, target] = [await f.drive("/local2"), await f.drive("/local")];
    await seed(source, { "big.bin": "x".repeat(100_000) });
    const seen: { files: number; bytes: number }[] = [];
    const result = await syncDrives(
      source,
      target,
      options({
        onProgress: (p) => {
          seen.push({ files: p.files_done, bytes: p.bytes_done });
          if (seen.filter((q) => q.files === 0 && q.bytes === 0).length >= 2) release();
        },
      }),
    );
    expect(result).toMatchObject({ status: "SUCCESS", copied: 1 });
    // Polled while the task was pending (0 bytes), its 100% reported before the file counts as done.
    expect(seen.filter((p) => p.files === 0 && p.bytes === 0).length).toBeGreaterThanOrEqual(2);
    expect(seen).toContainEqual({ files: 0, bytes: 100_000 });
    expect(seen.at(-1)).toEqual({ files: 1, bytes: 100_000 });
  });

  it("keeps copy tasks in flight across a continuation: the next invocation follows them, none is started twice", async () => {
    // The tasks stay pending until the second invocation follows them; the first stops once it follows all 4.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const f = await start({ taskGate: () => held });
    const [source, target] = [await f.drive("/local2"), await f.drive("/local")];
    await seed(source, FILES);
    const stop = new AbortController();
    /** Resolves once the client asked for every task's state since request number `from`. */
    const followingAll = async (from: number) => {
      const followed = (id: string) =>
        f.server.requests
          .slice(from)
          .some((r) => r.path === "/api/task/copy/info" && r.search.includes(encodeURIComponent(id)));
      while (f.server.tasks.size < 4 || ![...f.server.tasks.keys()].every(followed))
        await new Promise((resolve) => setTimeout(resolve, 10));
    };
    const [first] = await Promise.all([
      syncDrives(source, target, options({ signal: stop.signal, transfers: 4 })),
      followingAll(0).then(() => stop.abort()),
    ]);
    expect(first).toMatchObject({ interrupted: true, errors: [] });
    expect(f.server.tasks.size).toBe(4);
    expect([...f.server.tasks.values()].every((task) => task.state === 0)).toBe(true); // still pending

    // A new invocation: new drives on the same folders, the checkpoint from the first.
    const again = (drive: Drive, mount: string) =>
      f.drive(mount, { root: drive.name.slice(`openlist:${f.server.url}`.length) });
    const [source2, target2] = [await again(source, "/local2"), await again(target, "/local")];
    const checkpoint = JSON.parse(JSON.stringify(first.checkpoint));
    const [second] = await Promise.all([
      syncDrives(source2, target2, options({ checkpoint })),
      followingAll(f.server.requests.length).then(release),
    ]);
    expect(second).toMatchObject({ status: "SUCCESS", errors: [] });
    const copies = f.server.requests.filter((r) => r.path === "/api/fs/copy").length;
    expect(copies).toBe(4); // the tasks in flight were followed, not started again
    expect(await tree(target2)).toEqual(await tree(source));
    expect((await namesOnDisk(f.disks["/local"] ?? "")).some((name) => name.includes(".syncron-"))).toBe(
      false,
    );
  });
});

describe("openlist -> openlist on two servers", () => {
  it("streams between servers (no server-side copy across sites)", async () => {
    const [one, two] = [await start(), await start()];
    const [source, target] = [await one.drive("/local"), await two.drive("/local")];
    await seed(source, FILES);
    const result = await syncDrives(source, target, options({ mode: "mirror" }));
    expect(result).toMatchObject({ status: "SUCCESS", copied: 4 });
    expect(two.server.requests.some((r) => r.path === "/api/fs/copy")).toBe(false);
    expect(await tree(target)).toEqual(await tree(source));
  });
});
