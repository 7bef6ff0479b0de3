import type { DriveFeatures, HashType } from "../drives/drive.ts";
import type { CompareMode } from "./types.ts";

/** Hash types in order of preference: the cheapest one both drives have wins. */
const HASH_PREFERENCE: readonly HashType[] = ["md5", "sha1", "sha256"];

export interface ResolvedCompare {
  compare: CompareMode;
  modTimeWindowMs: number;
  hash?: HashType;
}

/** Thrown when the drives cannot support the requested comparison. */
export class CompareUnsupportedError extends Error {
  override name = "CompareUnsupportedError";
}

/**
 * Turns the requested comparison into planner options for two drives. Mod times count within the
 * coarser precision of the two; a side without mod times, or a target that cannot keep the source's
 * mod time, leaves size only. `checksum` needs a hash type both drives have.
 */
export function resolveCompare(
  requested: CompareMode,
  source: DriveFeatures,
  target: DriveFeatures,
): ResolvedCompare {
  const hash = HASH_PREFERENCE.find((type) => source.hashes.has(type) && target.hashes.has(type));
  if (requested === "checksum") {
    if (!hash)
      throw new CompareUnsupportedError(
        `compare checksum needs a hash type both drives support: the source has ${list(source.hashes)}, the target has ${list(target.hashes)}`,
      );
    return { compare: "checksum", modTimeWindowMs: Number.POSITIVE_INFINITY, hash };
  }
  if (requested === "size") return { compare: "size", modTimeWindowMs: Number.POSITIVE_INFINITY };
  const window = target.canSetModTime
    ? Math.max(source.modTimePrecisionMs, target.modTimePrecisionMs, 1)
    : Number.POSITIVE_INFINITY;
  return hash
    ? { compare: "size-mtime", modTimeWindowMs: window, hash }
    : { compare: "size-mtime", modTimeWindowMs: window };
}

const list = (hashes: ReadonlySet<HashType>): string => (hashes.size === 0 ? "none" : [...hashes].join(", "));
