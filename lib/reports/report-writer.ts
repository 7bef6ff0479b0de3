import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { PassThrough } from "node:stream";
import { createGzip } from "node:zlib";
import type { SyncItem } from "../sync/types.ts";
import { type ReportUploader, reportPartKey } from "./report-blobs.ts";

/** One part of a run's report being written. */
export interface ReportWriter {
  /**
   * Adds one item (a JSON line). Returns a promise only when the upload is behind: await it before
   * adding more, and memory stays bounded (the engine does). Never throws: a failed store shows in `close`.
   */
  add(item: SyncItem): Promise<void> | undefined;
  /** Ends the part and waits until it is stored. Throws the store's error. */
  close(): Promise<{ readonly items: number; readonly key: string }>;
}

/** Lines are handed to gzip in chunks of about this size: one hand-off per line is slow. */
const CHUNK_CHARS = 64 * 1024;

/**
 * Streams a part of the per-file report to `blobs` as gzip JSON lines while the run goes: memory
 * stays bounded however many files the run touches (the stream is uploaded as it is made).
 */
export function createReportWriter(blobs: ReportUploader, taskId: string, now: Date): ReportWriter {
  const key = reportPartKey(taskId, now, randomBytes(4).toString("hex"));
  const lines = new PassThrough();
  const gzip = createGzip();
  lines.pipe(gzip);
  let failure: unknown;
  const stored = blobs.put(key, gzip).catch((error: unknown) => {
    failure = error;
    lines.destroy();
  });
  let items = 0;
  let chunk = "";
  const flush = (): Promise<void> | undefined => {
    if (chunk === "" || failure !== undefined) return undefined;
    const ready = lines.write(chunk);
    chunk = "";
    return ready ? undefined : Promise.race([once(lines, "drain").then(() => undefined), stored]);
  };
  return {
    add(item) {
      items++;
      chunk += `${JSON.stringify(item)}\n`;
      return chunk.length >= CHUNK_CHARS ? flush() : undefined;
    },
    async close() {
      await flush();
      lines.end();
      await stored;
      if (failure !== undefined) throw failure;
      return { items, key };
    },
  };
}
