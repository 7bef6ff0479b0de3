import type { Drive } from "../drives/drive.ts";
import { mapLimit } from "../util/map-limit.ts";
import { type RetryPolicy, withRetry } from "./retry.ts";

/** Target files a mirror found extra, and the extra target folders that held them. */
export interface Extras {
  readonly files: readonly { readonly path: string; readonly size: number }[];
  /** Folders only the target has; removed deepest first once their files are gone. */
  readonly dirs: readonly string[];
}

export interface DeleteExtrasOptions {
  /** Deletes in flight. */
  readonly transfers: number;
  readonly retry: RetryPolicy;
  /** Stops handing out deletes, and skips the folders. */
  readonly signal?: AbortSignal;
  readonly onDeleted: (path: string, size: number) => void | Promise<void>;
  readonly onFailed: (path: string, size: number, error: unknown) => void | Promise<void>;
  /** Whether to remove `dirs` (not where the target keeps no empty folders). */
  readonly removeDirs: boolean;
}

/**
 * Deletes `extras` from `target`: the files with `transfers` in flight, each retried as transfers
 * are, then the folders deepest first (a folder still holding excluded files stays: rmdir refuses).
 * The caller has checked the guards (lib/sync/max-delete.ts) and that nothing failed before.
 */
export async function deleteExtras(
  target: Drive,
  extras: Extras,
  options: DeleteExtrasOptions,
): Promise<void> {
  const { signal } = options;
  await mapLimit(extras.files, options.transfers, async ({ path, size }) => {
    if (signal?.aborted) return;
    try {
      await withRetry(() => target.delete(path), options.retry, signal);
      await options.onDeleted(path, size);
    } catch (error) {
      if (signal?.aborted) return;
      await options.onFailed(path, size, error);
    }
  });
  if (signal?.aborted || !options.removeDirs) return;
  for (const dir of [...extras.dirs].sort((a, b) => b.length - a.length)) {
    await target.rmdir(dir).catch(() => {});
  }
}
