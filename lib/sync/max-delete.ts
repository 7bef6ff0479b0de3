import type { MaxDelete } from "./types.ts";

/**
 * Parses a max-delete limit: a count (`10`, `"10"`) or a percentage of the target's files (`"5%"`).
 * Throws an Error naming the value when it is neither.
 */
export function parseMaxDelete(value: string | number): MaxDelete {
  const text = String(value).trim();
  const match = /^(\d+(?:\.\d+)?)(%?)$/.exec(text);
  const amount = match ? Number(match[1]) : Number.NaN;
  if (match?.[2] === "%") {
    if (amount <= 100) return { percent: amount };
  } else if (Number.isInteger(amount)) {
    return { count: amount };
  }
  throw new Error(
    `max-delete must be a whole number of files or a percentage from 0% to 100%, got ${JSON.stringify(value)}`,
  );
}

/**
 * The cap of a mirror with no max-delete set: half of the target's files (rclone bisync's default),
 * so a source that vanished behind a mount point, or shrank to one stray file, cannot empty a backup.
 */
const DEFAULT_MAX_DELETE: MaxDelete = Object.freeze({ percent: 50 });
/** Below this many deletes the default cap never applies, so a 3-file target can still lose 2. */
const DEFAULT_MAX_DELETE_FLOOR = 2;

/** Whether deleting `deletes` of the target's `targetFiles` files stays within the limit. */
const withinMaxDelete = (limit: MaxDelete, deletes: number, targetFiles: number): boolean =>
  "count" in limit ? deletes <= limit.count : deletes <= (limit.percent / 100) * targetFiles;

/** Describes a limit for messages: `10 files` or `5%`. */
const describeMaxDelete = (limit: MaxDelete): string =>
  "count" in limit ? `${limit.count} file(s)` : `${limit.percent}% of the target's files`;

/**
 * Why a mirror must not delete, or undefined when it may: an empty source (after filters) never
 * empties a target, and `limit` caps the deletes by count or by share of the target's files. With no
 * `limit`, the default applies: at most half the target's files, or DEFAULT_MAX_DELETE_FLOOR if more;
 * `{ percent: 100 }` lifts it.
 */
export function deleteGuard(
  deletes: number,
  totals: { source_files: number; target_files: number },
  limit: MaxDelete | undefined,
): string | undefined {
  if (deletes === 0) return undefined;
  if (totals.source_files === 0) {
    return `the source has no files (after filters): refusing to delete all ${deletes} file(s) on the target`;
  }
  if (limit && !withinMaxDelete(limit, deletes, totals.target_files)) {
    return `max-delete: ${deletes} of ${totals.target_files} target file(s) would be deleted, more than the limit of ${describeMaxDelete(limit)}; nothing was deleted`;
  }
  if (
    !limit &&
    deletes > DEFAULT_MAX_DELETE_FLOOR &&
    !withinMaxDelete(DEFAULT_MAX_DELETE, deletes, totals.target_files)
  ) {
    return `max-delete: ${deletes} of ${totals.target_files} target file(s) would be deleted, more than half, the default limit of a mirror without max-delete (did the source vanish behind a mount point?); nothing was deleted. To allow it, set max-delete (CLI --max-delete 100%, config "max_delete": "100%")`;
  }
  return undefined;
}
