import type { Drive, FileEntry, FileInfo } from "../drives/drive.ts";
import { type RetryPolicy, withRetry } from "./retry.ts";

/** A failed copy, with the side that failed: `read` (the source) or `write` (the target). */
export class CopyError extends Error {
  override name = "CopyError";
  constructor(
    readonly op: "read" | "write",
    cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
  }
}

/**
 * Copies one file from `source` to `target`, retrying retryable failures from the start: server-side
 * when the target drive can copy from this source (`Drive.copyFrom`: S3 CopyObject, WebDAV COPY, the
 * kernel's copy on one machine), otherwise streamed through this process (never buffered whole).
 * `abort` cancels the bytes in flight; `stop` only ends the waits between attempts. Checks the stored
 * size against the listed one. Throws CopyError. `onBytes` hears of every chunk as it streams, and of a
 * failed attempt's bytes taken back (a negative delta), so the sum is what was stored; a server-side
 * copy streams nothing, so it hears only of the progress the store reports, taken back at its end.
 */
export async function copyFile(
  source: Drive,
  target: Drive,
  file: FileInfo,
  policy: RetryPolicy,
  signals: { abort: AbortSignal; stop: AbortSignal },
  onBytes?: (delta: number) => void,
): Promise<FileEntry> {
  let op: "read" | "write" = "read";
  try {
    const written = await withRetry(
      async () => {
        if (target.copyFrom) {
          op = "write";
          // The store's own progress (an OpenList task) counts as done bytes, taken back if it fails.
          let reported = 0;
          const onProgress = (done: number): void => {
            onBytes?.(done - reported);
            reported = done;
          };
          try {
            const copied = await target.copyFrom(source, file, file.path, {
              signal: signals.abort,
              ...(onBytes ? { onProgress } : {}),
            });
            if (copied) return copied;
          } finally {
            if (reported !== 0) onBytes?.(-reported);
          }
        }
        op = "read";
        const info = await withMd5IfWanted(source, target, file);
        let sent = 0;
        const read = await source.read(file.path, { signal: signals.abort });
        const count = (bytes: number): void => {
          sent += bytes;
          onBytes?.(bytes);
        };
        const body = onBytes ? read.pipeThrough(counter(count)) : read;
        op = "write";
        try {
          return await target.write(file.path, body, info, { signal: signals.abort });
        } catch (error) {
          body.cancel().catch(() => {});
          if (sent > 0) onBytes?.(-sent);
          throw error;
        }
      },
      policy,
      signals.stop,
    );
    if (written.size !== file.size) {
      throw new Error(
        `size mismatch: the source listed ${file.size} bytes, the target stored ${written.size}`,
      );
    }
    return written;
  } catch (error) {
    throw new CopyError(op, error);
  }
}

/**
 * The file with its MD5 when the target wants it before the write (`md5BeforeWriteAbove`: S3
 * multipart) and the listing had none: the source hashes it (one more read, as rclone does).
 */
async function withMd5IfWanted(source: Drive, target: Drive, file: FileInfo): Promise<FileInfo> {
  const above = target.features.md5BeforeWriteAbove;
  if (above === undefined || file.size <= above || file.hashes?.md5 || !source.features.hashes.has("md5"))
    return file;
  return { ...file, hashes: { ...file.hashes, md5: await source.hash(file.path, "md5") } };
}

/** A pass-through stream that reports each chunk's size. */
const counter = (count: (bytes: number) => void): TransformStream<Uint8Array, Uint8Array> =>
  new TransformStream({
    transform(chunk, controller) {
      count(chunk.byteLength);
      controller.enqueue(chunk);
    },
  });
