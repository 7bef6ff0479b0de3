import { rm } from "node:fs/promises";
import { afterAll, describe, expect, it } from "vitest";
import { tempDir } from "../../test/support/temp-dir.ts";
import { InvalidCursorError } from "../store/errors.ts";
import type { SyncItem } from "../sync/types.ts";
import { createFileReportBlobs } from "./local/file-report-blobs.ts";
import { readReportPage } from "./report-reader.ts";
import { createReportWriter } from "./report-writer.ts";

const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })));
});
const newBlobs = async () => {
  const root = await tempDir("syncron-report-");
  roots.push(root);
  return createFileReportBlobs(root);
};

const item = (i: number): SyncItem =>
  i % 10 === 9
    ? { path: `dir/f${i}.txt`, op: "copy", size: i, status: "failed", error: "permission denied" }
    : { path: `dir/f${i}.txt`, op: i % 3 === 0 ? "skip" : "copy", size: i, status: "done" };

/** Writes items [from, to) as one part, the way one worker invocation does. */
const writePart = async (
  blobs: Awaited<ReturnType<typeof newBlobs>>,
  from: number,
  to: number,
  at: string,
) => {
  const writer = createReportWriter(blobs, "task-1", new Date(at));
  for (let i = from; i < to; i++) writer.add(item(i));
  return writer.close();
};

/** Every page of a query, following next_cursor. */
const allPages = async (
  blobs: Awaited<ReturnType<typeof newBlobs>>,
  query: Parameters<typeof readReportPage>[2] = {},
) => {
  const seen: SyncItem[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await readReportPage(blobs, "task-1", { ...query, cursor });
    seen.push(...page.items);
    cursor = page.next_cursor;
    pages++;
  } while (cursor);
  return { seen, pages };
};

describe("per-file run reports", () => {
  it("pages through every part in the order written, skips left out unless asked", async () => {
    const blobs = await newBlobs();
    expect(await writePart(blobs, 0, 1500, "2026-12-01T10:00:00Z")).toMatchObject({ items: 1500 });
    await writePart(blobs, 1500, 2500, "2026-12-01T10:15:00Z");
    const expected = Array.from({ length: 2500 }, (_, i) => item(i));

    const withoutSkips = await allPages(blobs, { limit: 100 });
    expect(withoutSkips.seen).toEqual(expected.filter((entry) => entry.op !== "skip"));
    expect(withoutSkips.pages).toBe(Math.ceil(withoutSkips.seen.length / 100));

    expect((await allPages(blobs, { limit: 1000, includeSkips: true })).seen).toEqual(expected);
    expect((await allPages(blobs, { op: "skip" })).seen).toEqual(expected.filter((e) => e.op === "skip"));
    expect((await allPages(blobs, { status: "failed", limit: 7 })).seen).toEqual(
      expected.filter((e) => e.status === "failed"),
    );
  });

  it("answers a run without a report with an empty last page, and refuses a cursor it never gave", async () => {
    const blobs = await newBlobs();
    expect(await readReportPage(blobs, "task-1")).toEqual({ items: [], next_cursor: null });
    await writePart(blobs, 0, 3, "2026-12-01T10:00:00Z");
    const forged = Buffer.from(JSON.stringify({ part: "task-1/other.jsonl.gz", line: 0 })).toString(
      "base64url",
    );
    await expect(readReportPage(blobs, "task-1", { cursor: forged })).rejects.toThrow(InvalidCursorError);
    await expect(readReportPage(blobs, "task-1", { cursor: "not base64 json" })).rejects.toThrow(
      InvalidCursorError,
    );
  });

  it("streams: a million items written through one part keep the heap bounded", async () => {
    const blobs = await newBlobs();
    const writer = createReportWriter(blobs, "task-1", new Date("2026-12-01T10:00:00Z"));
    globalThis.gc?.();
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    for (let i = 0; i < 1_000_000; i++) {
      // As the engine does: wait when the writer says the upload is behind.
      await writer.add({ path: `a/b/c/some-file-name-${i}.jpg`, op: "skip", size: i, status: "done" });
      if (i % 10_000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
    await writer.close();
    // Buffered whole, the ~60 MB of JSON lines would show; streamed, the heap grows by a few MB.
    expect(peak - before).toBeLessThan(40 * 1024 * 1024);
    const last = await readReportPage(blobs, "task-1", { op: "skip", limit: 1 });
    expect(last.items).toEqual([{ path: "a/b/c/some-file-name-0.jpg", op: "skip", size: 0, status: "done" }]);
  }, 60_000);
});
