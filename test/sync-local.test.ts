import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rm, stat, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Drive } from "../lib/drives/drive.ts";
import { createLocalDrive } from "../lib/drives/local/local-drive.ts";
import { syncDrives } from "../lib/sync/index.ts";
import { options, seed, tree } from "./support/sync/sync-fixtures.ts";
import { tempDir } from "./support/temp-dir.ts";

let dir: string;
let source: Drive;
let target: Drive;

beforeEach(async () => {
  dir = await tempDir("syncron-sync-local-");
  source = createLocalDrive({ root: join(dir, "src") });
  target = createLocalDrive({ root: join(dir, "dst") });
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("syncDrives (local folders)", () => {
  it("mirrors names with spaces, unicode, deep nesting and empty files; a second run sends nothing", async () => {
    await seed(source, {
      "empty.txt": "",
      "a b/c d.txt": "spaces",
      "中文/文件 名.txt": "中文内容",
      "emoji 🎉/x.txt": "party",
      "l1/l2/l3/l4/l5/l6/l7/l8/l9/l10/l11/l12/deep.txt": "deep",
    });
    await seed(target, { "old/stale.txt": "stale" });

    const first = await syncDrives(source, target, options({ mode: "mirror" }));
    expect(first).toMatchObject({ status: "SUCCESS", copied: 5, deleted: 1, errors: [] });
    expect(await tree(target)).toEqual(await tree(source));

    const second = await syncDrives(source, target, options({ mode: "mirror" }));
    expect(second).toMatchObject({ status: "SUCCESS", copied: 0, updated: 0, deleted: 0, skipped: 5 });
  });

  it("catches a same-size edit that only changed the mod time and content", async () => {
    await seed(source, { "a.txt": "aaaa" });
    await syncDrives(source, target, options());
    const file = join(dir, "src", "a.txt");
    await writeFile(file, "bbbb");
    const later = new Date(Date.now() + 5_000);
    await utimes(file, later, later);

    const result = await syncDrives(source, target, options());

    expect(result).toMatchObject({ updated: 1, bytes_transferred: 4 });
    expect(await tree(target)).toEqual(await tree(source));
    expect((await stat(join(dir, "dst", "a.txt"))).mtimeMs).toBeCloseTo(later.getTime(), -1);
  });

  it("streams a 200 MB file end to end with bounded memory", { timeout: 120_000 }, async () => {
    const size = 200 * 1024 * 1024;
    const chunk = 1024 * 1024;
    const digest = createHash("sha256");
    await mkdir(join(dir, "src"), { recursive: true });
    await pipeline(
      (async function* () {
        for (let offset = 0; offset < size; offset += chunk) {
          const bytes = Buffer.alloc(chunk, offset / chunk);
          digest.update(bytes);
          yield bytes;
        }
      })(),
      createWriteStream(join(dir, "src", "big.bin")),
    );
    globalThis.gc?.();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);

    const result = await syncDrives(source, target, options()).finally(() => clearInterval(sampler));

    expect(result).toMatchObject({ status: "SUCCESS", copied: 1, bytes_transferred: size });
    // Holding the file in memory would add 200 MB or more.
    expect(peak - baseline).toBeLessThan(100 * 1024 * 1024);
    const copied = createHash("sha256");
    await pipeline(createReadStream(join(dir, "dst", "big.bin")), copied);
    expect(copied.digest("hex")).toBe(digest.digest("hex"));
  });
});
