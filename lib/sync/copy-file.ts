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
 * Streams one file from `source` to `target` (never buffered whole), retrying retryable failures from
 * the start. `abort` cancels the bytes in flight; `stop` only ends the waits between attempts.
 * Checks the stored size against the listed one. Throws CopyError.
 */
export async function copyFile(
  source: Drive,
  target: Drive,
  file: FileInfo,
  policy: RetryPolicy,
  signals: { abort: AbortSignal; stop: AbortSignal },
): Promise<FileEntry> {
  let op: "read" | "write" = "read";
  try {
    const written = await withRetry(
      async () => {
        op = "read";
        const body = await source.read(file.path, { signal: signals.abort });
        op = "write";
        try {
          return await target.write(file.path, body, file, { signal: signals.abort });
        } catch (error) {
          body.cancel().catch(() => {});
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
