import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { CreateBucketCommand, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../../../test/support/temp-dir.ts";
import { type LocalSqsS3, startLocalSqsS3 } from "../../dev/emulators/fauxqs.ts";
import { DEFAULT_SYNC_OPTIONS, syncDrives } from "../../sync/index.ts";
import { createLocalDrive } from "../local/local-drive.ts";
import { s3ClientFor } from "./s3-client.ts";
import { createS3Drive } from "./s3-drive.ts";
import { S3ListingMemo } from "./s3-listing-memo.ts";

const MOD_TIME = Date.UTC(2023, 5, 6, 7, 8, 9, 10);

describe("S3ListingMemo", () => {
  it("recalls an object while its key, size and ETag are the same, across save and load", () => {
    const memo = new S3ListingMemo();
    memo.learn("b", "k/1", 10, '"e1"', { modTime: MOD_TIME, md5: "0123456789abcdef0123456789abcdef" });
    memo.learn("b", "k/2", 0, '"e2"', {});
    const next = new S3ListingMemo(memo.save());
    expect(next.recall("b", "k/1", 10, '"e1"')).toEqual({
      modTime: MOD_TIME,
      md5: "0123456789abcdef0123456789abcdef",
    });
    expect(next.recall("b", "k/2", 0, "e2")).toEqual({}); // quotes or not
    expect(next.recall("b", "k/1", 11, '"e1"')).toBeUndefined(); // resized
    expect(next.recall("b", "k/1", 10, '"e3"')).toBeUndefined(); // overwritten
    expect(next.recall("other", "k/1", 10, '"e1"')).toBeUndefined();
    expect(next.recall("b", "k/1", 10, undefined)).toBeUndefined();
  });

  it("saves only what this run saw, at most maxEntries, and ignores a damaged save", () => {
    const first = new S3ListingMemo();
    for (let i = 0; i < 5; i++) first.learn("b", `k${i}`, i, `e${i}`, { modTime: i });
    const second = new S3ListingMemo(first.save(), 3);
    second.recall("b", "k0", 0, "e0"); // k1..k4 not listed again: deleted
    second.learn("b", "n1", 1, "x1", {});
    second.learn("b", "n2", 1, "x2", {});
    second.learn("b", "n3", 1, "x3", {}); // over the bound: not kept
    const third = new S3ListingMemo(second.save());
    expect(third.recall("b", "k0", 0, "e0")).toEqual({ modTime: 0 });
    expect(third.recall("b", "k1", 1, "e1")).toBeUndefined();
    expect(third.recall("b", "n3", 1, "x3")).toBeUndefined();
    expect(third.size).toBe(1);
    expect(() => new S3ListingMemo(Uint8Array.from([1, 2, 3, 255, 9]))).not.toThrow();
  });

  it("keeps what the last run knew of unlisted objects when asked (a run that did not list the whole tree)", () => {
    const first = new S3ListingMemo();
    for (let i = 0; i < 4; i++) first.learn("b", `k${i}`, i, `e${i}`, { modTime: i });
    const partial = new S3ListingMemo(first.save(), 3);
    partial.learn("b", "n1", 1, "x1", { modTime: 9 }); // what this run saw comes first
    const next = new S3ListingMemo(partial.save({ keepUnseen: true }));
    expect(next.recall("b", "n1", 1, "x1")).toEqual({ modTime: 9 });
    expect(next.recall("b", "k0", 0, "e0")).toEqual({ modTime: 0 });
    expect(next.recall("b", "k1", 1, "e1")).toEqual({ modTime: 1 });
    expect(next.recall("b", "k2", 2, "e2")).toBeUndefined(); // past maxEntries
  });
});

describe("S3 no-op re-sync of 5,000 objects (fauxqs)", () => {
  let s3: LocalSqsS3;
  let dir: string;
  const FILES = 5000;
  beforeAll(async () => {
    s3 = await startLocalSqsS3();
    dir = await tempDir("syncron-memo-");
    for (let folder = 0; folder < 50; folder++) {
      await mkdir(join(dir, `f${folder}`));
      await Promise.all(
        Array.from({ length: FILES / 50 }, (_, i) =>
          writeFile(join(dir, `f${folder}`, `${i}.txt`), `${folder}/${i}`),
        ),
      );
    }
  }, 60_000);
  afterAll(async () => {
    await s3?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** A fresh client that counts the requests it sends, by command. */
  const countingClient = (): { client: S3Client; counts: Record<string, number> } => {
    const client = s3ClientFor({ endpoint: s3.endpoint, region: s3.region, credentials: s3.credentials });
    const counts: Record<string, number> = {};
    client.middlewareStack.add(
      (next, context) => (args) => {
        counts[context.commandName as string] = (counts[context.commandName as string] ?? 0) + 1;
        return next(args);
      },
      { step: "initialize", name: "countRequests" },
    );
    return { client, counts };
  };
  const mirror = { ...DEFAULT_SYNC_OPTIONS, mode: "mirror" as const };

  it("a local → S3 no-op sends ListObjectsV2 pages only, from what the previous run wrote", async () => {
    const { client: setup } = countingClient();
    await setup.send(new CreateBucketCommand({ Bucket: "up" }));
    const local = () => createLocalDrive({ root: dir });
    const firstMemo = new S3ListingMemo();
    const first = countingClient();
    const copied = await syncDrives(
      local(),
      createS3Drive({ bucket: "up", client: first.client, memo: firstMemo }),
      mirror,
    );
    expect(copied).toMatchObject({ status: "SUCCESS", copied: FILES });

    const again = countingClient();
    const memo = new S3ListingMemo(firstMemo.save());
    const noop = await syncDrives(
      local(),
      createS3Drive({ bucket: "up", client: again.client, memo }),
      mirror,
    );

    expect(noop).toMatchObject({ status: "SUCCESS", copied: 0, updated: 0, deleted: 0, skipped: FILES });
    expect(Object.keys(again.counts)).toEqual(["ListObjectsV2Command"]);
    expect(again.counts.ListObjectsV2Command).toBe(51); // the root and 50 folders, one page each
    expect(memo.size).toBe(FILES);
    for (const { client } of [first, again]) client.destroy();
  }, 120_000);

  it("an S3 → local no-op HEADs nothing the previous listing HEADed (one folder of them)", async () => {
    const target = await tempDir("syncron-memo-down-");
    try {
      const firstMemo = new S3ListingMemo();
      const first = countingClient();
      const down = await syncDrives(
        createS3Drive({ bucket: "up", prefix: "f7", client: first.client, memo: firstMemo }),
        createLocalDrive({ root: target }),
        mirror,
      );
      expect(down).toMatchObject({ status: "SUCCESS", copied: FILES / 50 });
      expect(first.counts.HeadObjectCommand).toBe(FILES / 50); // no memo yet: one HEAD per object

      const again = countingClient();
      const noop = await syncDrives(
        createS3Drive({
          bucket: "up",
          prefix: "f7",
          client: again.client,
          memo: new S3ListingMemo(firstMemo.save()),
        }),
        createLocalDrive({ root: target }),
        mirror,
      );
      expect(noop).toMatchObject({ status: "SUCCESS", copied: 0, updated: 0, skipped: FILES / 50 });
      expect(again.counts).toEqual({ ListObjectsV2Command: 1 });
      for (const { client } of [first, again]) client.destroy();
    } finally {
      await rm(target, { recursive: true, force: true });
    }
  }, 120_000);
});
