import { readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { expect, it } from "vitest";
import { runReportBlobsContract } from "../../../test/support/reports/report-blobs-contract.ts";
import { tempDir } from "../../../test/support/temp-dir.ts";
import { createFileReportBlobs } from "./file-report-blobs.ts";

const roots: string[] = [];
const newRoot = async () => {
  const root = await tempDir("syncron-reports-");
  roots.push(root);
  return root;
};

runReportBlobsContract({
  name: "file",
  newBlobs: async () => createFileReportBlobs(await newRoot()),
  cleanup: async () => {
    await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })));
  },
});

it("keeps reports private (0700 folders, 0600 files) and leaves no temporary file", async () => {
  const root = await newRoot();
  const blobs = createFileReportBlobs(root);
  await blobs.put("run-1/a.jsonl.gz", Readable.from(["x"]));
  expect((await stat(join(root, "run-1"))).mode & 0o777).toBe(0o700);
  expect((await stat(join(root, "run-1", "a.jsonl.gz"))).mode & 0o777).toBe(0o600);
  expect(await readdir(join(root, "run-1"))).toEqual(["a.jsonl.gz"]);
});

it("refuses a key that would leave its folder", async () => {
  const blobs = createFileReportBlobs(await newRoot());
  await expect(blobs.put("../escape.jsonl.gz", Readable.from(["x"]))).rejects.toThrow(/leaves/);
});
