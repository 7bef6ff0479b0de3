import { randomBytes } from "node:crypto";
import { existsSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { nsToMs } from "../mod-time.ts";
import { tempName } from "../temp-names.ts";

/** What a file system keeps, measured once when a local drive is created. */
export interface FsTraits {
  /** Coarsest error, in ms, between a mod time set and the one read back. */
  readonly modTimePrecisionMs: number;
  readonly caseInsensitive: boolean;
}

/** A probe time with sub-millisecond digits on an odd second, so 1 s and 2 s (FAT) stores show. */
const PROBE_SECONDS = 1_600_000_001.123_456;
const PRECISIONS = [1, 10, 100, 1000, 2000];

export { nsToMs };

/**
 * Measures mod-time precision and case sensitivity by writing a hidden probe file in `root` (named
 * like a temporary file, so listings never show it, and removed at once). Where that is impossible
 * (root missing or read-only) or not wanted (`write: false`) it infers them from what exists:
 * precision from the nearest existing folder's own mod time (sub-second digits mean the fs keeps at
 * least milliseconds; otherwise 1 s is assumed, the safe side), case from whether that folder's name
 * with its case swapped is the same folder.
 */
export function probeFs(root: string, options: { write?: boolean } = {}): FsTraits {
  const inferred = (): FsTraits => ({
    modTimePrecisionMs: inferFromExisting(root),
    caseInsensitive: inferCase(root) ?? (process.platform === "darwin" || process.platform === "win32"),
  });
  if (options.write === false) return inferred();
  const probe = join(root, tempName("syncron-probe", randomBytes(6).toString("hex")));
  try {
    writeFileSync(probe, "", { flag: "wx" });
  } catch {
    return inferred();
  }
  try {
    utimesSync(probe, PROBE_SECONDS, PROBE_SECONDS);
    const error = Math.abs(nsToMs(statSync(probe, { bigint: true }).mtimeNs) - PROBE_SECONDS * 1000);
    const modTimePrecisionMs = PRECISIONS.find((precision) => error < precision) ?? 86_400_000;
    const caseInsensitive = existsSync(join(root, probe.slice(root.length + 1).toUpperCase()));
    return { modTimePrecisionMs, caseInsensitive };
  } finally {
    rmSync(probe, { force: true });
  }
}

function inferFromExisting(root: string): number {
  for (let dir = root; ; dir = dirname(dir)) {
    try {
      const subSecond = statSync(dir, { bigint: true }).mtimeNs % 1_000_000_000n;
      return subSecond === 0n ? 1000 : 1;
    } catch {
      if (dirname(dir) === dir) return 1000;
    }
  }
}

/**
 * Whether the nearest existing folder of `path` (or an ancestor) with a letter in its name is also
 * found under that name with its case swapped; undefined when no such name exists to try.
 */
function inferCase(path: string): boolean | undefined {
  for (let dir = path; dirname(dir) !== dir; dir = dirname(dir)) {
    const name = basename(dir);
    const swapped = [...name]
      .map((c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()))
      .join("");
    if (swapped === name) continue;
    const info = statQuietly(dir);
    if (!info) continue;
    const other = statQuietly(join(dirname(dir), swapped));
    return other !== undefined && other.ino === info.ino && other.dev === info.dev;
  }
  return undefined;
}

const statQuietly = (path: string) => {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined; // EACCES and the like: no answer from this name
  }
};
