import type { Drive } from "../drives/drive.ts";
import { isAuthFailure } from "../drives/errors.ts";
import { deleteExtras } from "./delete-extras.ts";
import { deleteGuard } from "./max-delete.ts";
import { DEFAULT_RETRY, type RetryPolicy } from "./retry.ts";
import type { DeferredDeletes, MaxDelete, SyncError, SyncItem } from "./types.ts";

/** One part of a split run: the folder it synced, and its `deferred` (undefined: it did not succeed). */
export interface RunPart {
  /** The part's folder relative to the run's target root; `""` is the root. */
  readonly prefix: string;
  readonly deferred: DeferredDeletes | undefined;
}

export interface DeleteDeferredOptions {
  maxDelete?: MaxDelete;
  /** Deletes in flight. */
  transfers: number;
  retry?: RetryPolicy;
  signal?: AbortSignal;
  onItem?: (item: SyncItem) => void | Promise<void>;
}

export interface DeleteDeferredResult {
  deleted: number;
  failed: number;
  /** The first 100 delete errors. */
  errors: SyncError[];
  /** Why nothing was deleted: a part did not succeed, or a guard refused (max-delete, empty source). */
  aborted?: string;
}

const MAX_ERRORS = 100;
const join = (prefix: string, path: string): string => (prefix === "" ? path : `${prefix}/${path}`);

/**
 * The deletes of a mirror split across workers (runs with `deferDeletes`), once every part finished:
 * nothing at all if any part did not succeed, else the run-wide guards (max-delete against the whole
 * target, empty source) over the parts' sums, then every part's extras, as `syncDrives` deletes them.
 */
export async function deleteDeferred(
  target: Drive,
  parts: readonly RunPart[],
  options: DeleteDeferredOptions,
): Promise<DeleteDeferredResult> {
  const result: DeleteDeferredResult = { deleted: 0, failed: 0, errors: [] };
  const failedParts = parts.filter((part) => part.deferred === undefined).length;
  if (failedParts > 0) {
    result.aborted = `${failedParts} of ${parts.length} part(s) of the run did not succeed: nothing was deleted`;
    return result;
  }
  const files: { path: string; size: number }[] = [];
  const dirs: string[] = [];
  const totals = { source_files: 0, target_files: 0 };
  for (const { prefix, deferred } of parts as readonly { prefix: string; deferred: DeferredDeletes }[]) {
    for (const file of deferred.files) files.push({ path: join(prefix, file.path), size: file.size });
    for (const dir of deferred.dirs) dirs.push(join(prefix, dir));
    totals.source_files += deferred.source_files;
    totals.target_files += deferred.target_files;
  }
  const refused = deleteGuard(files.length, totals, options.maxDelete);
  if (refused) {
    result.aborted = refused;
    return result;
  }
  const item = (path: string, size: number, status: SyncItem["status"], error?: string) =>
    options.onItem?.(
      error === undefined
        ? { path, op: "delete", size, status }
        : { path, op: "delete", size, status, error },
    );
  await deleteExtras(
    target,
    { files, dirs },
    {
      transfers: options.transfers,
      retry: options.retry ?? DEFAULT_RETRY,
      ...(options.signal ? { signal: options.signal } : {}),
      removeDirs: target.features.keepsEmptyDirectories,
      onDeleted: async (path, size) => {
        result.deleted++;
        await item(path, size, "done");
      },
      onFailed: async (path, size, error) => {
        result.failed++;
        const message = error instanceof Error ? error.message : String(error);
        if (result.errors.length < MAX_ERRORS)
          result.errors.push(
            isAuthFailure(error)
              ? { path, op: "delete", message, code: "AUTH_FAILED" }
              : { path, op: "delete", message },
          );
        await item(path, size, "failed", message);
      },
    },
  );
  return result;
}
