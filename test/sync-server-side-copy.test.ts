import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createLocalDrive } from "../lib/drives/local/local-drive.ts";
import { createMemoryDrive } from "../lib/drives/memory/memory-drive.ts";
import { syncDrives } from "../lib/sync/index.ts";
import { countBytes } from "./support/sync/byte-counter.ts";
import { options, seed, tree } from "./support/sync/sync-fixtures.ts";

const FILES = {
  "a.txt": "alpha",
  "nested/b.bin": "b".repeat(300_000),
  "nested/deeper/c.txt": "gamma",
};
const BYTES = Object.values(FILES).reduce((sum, data) => sum + data.length, 0);

const temps: string[] = [];
const tempRoot = async () => {
  const dir = await mkdtemp(join(tmpdir(), "syncron-copy-"));
  temps.push(dir);
  return dir;
};
afterAll(() => Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true }))));

describe("server-side copy in the engine", () => {
  it("copies local to local through the kernel: 0 bytes pass through the process", async () => {
    const source = createLocalDrive({ root: await tempRoot() });
    const target = createLocalDrive({ root: await tempRoot() });
    await seed(source, FILES);
    await seed(target, { "a.txt": "old", "extra.txt": "x" });
    const sourceBytes = countBytes(source);
    const targetBytes = countBytes(target);

    const result = await syncDrives(source, target, options({ mode: "mirror" }));

    expect(result).toMatchObject({ status: "SUCCESS", copied: 2, updated: 1, deleted: 1 });
    expect(result.bytes_transferred).toBe(BYTES);
    expect(sourceBytes).toEqual({ read: 0, written: 0 });
    expect(targetBytes).toEqual({ read: 0, written: 0 });
    expect(await tree(target)).toEqual(await tree(source));
  });

  it("streams between stores that cannot copy server-side", async () => {
    const source = createLocalDrive({ root: await tempRoot() });
    const target = createMemoryDrive();
    await seed(source, FILES);
    const sourceBytes = countBytes(source);

    const result = await syncDrives(source, target, options({ mode: "copy" }));

    expect(result).toMatchObject({ status: "SUCCESS", copied: 3 });
    expect(sourceBytes.read).toBe(BYTES);
    expect(await tree(target)).toEqual(await tree(source));
  });
});
