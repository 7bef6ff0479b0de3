import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { tempDir } from "../../test/support/temp-dir.ts";
import { listingMemosIn } from "./listing-memos.ts";
import { createFileReportBlobs } from "./local/file-report-blobs.ts";

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

describe("listingMemosIn (the dev data folder's store)", () => {
  it("gives back the bytes last saved per config and side, and nothing for a memo never saved", async () => {
    const root = await tempDir("syncron-memos-");
    dirs.push(root);
    const memos = listingMemosIn(createFileReportBlobs(root));
    expect(await memos.load("cfg1", "source")).toBeUndefined();
    await memos.save("cfg1", "source", Uint8Array.from([1, 2, 3]));
    await memos.save("cfg1", "source", Uint8Array.from([4, 5]));
    await memos.save("cfg1", "target", new Uint8Array(10_000));
    expect([...((await memos.load("cfg1", "source")) ?? [])]).toEqual([4, 5]);
    expect((await memos.load("cfg1", "target"))?.length).toBe(10_000);
    expect(await memos.load("cfg2", "source")).toBeUndefined();
    expect((await readdir(join(root, "cfg1"))).sort()).toEqual(["source.bin.gz", "target.bin.gz"]);
  });
});
