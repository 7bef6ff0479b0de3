import { randomBytes } from "node:crypto";
import { PassThrough } from "node:stream";
import { createGzip } from "node:zlib";
import type { SyncItem } from "../sync/types.ts";
import { type ReportBlobs, reportPartKey } from "./report-blobs.ts";

/** One part of a run's report being written. */
export interface ReportWriter {
  /** Adds one item (a JSON line); never throws: a failed store shows in `close`. */
  add(item: SyncItem): void;
  /** Ends the part and waits until it is stored. Throws the store's error. */
  close(): Promise<{ readonly items: number; readonly key: string }>;
}

/**
 * Streams a part of the per-file report to `blobs` as gzip JSON lines while the run goes: memory
 * stays bounded however many files the run touches (the stream is uploaded as it is made).
 */
export function createReportWriter(blobs: ReportBlobs, taskId: string, now: Date): ReportWriter {
  const key = reportPartKey(taskId, now, randomBytes(4).toString("hex"));
  const lines = new PassThrough();
  const gzip = createGzip();
  lines.pipe(gzip);
  const stored = blobs.put(key, gzip);
  // Seen by close(); kept from being an unhandled rejection until then.
  stored.catch(() => {});
  let items = 0;
  return {
    add(item) {
      items++;
      lines.write(`${JSON.stringify(item)}\n`);
    },
    async close() {
      lines.end();
      await stored;
      return { items, key };
    },
  };
}
