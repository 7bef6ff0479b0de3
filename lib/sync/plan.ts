import type { DirectoryEntry, FileEntry } from "../drives/drive.ts";
import { deletesExtras, type Listing, type PlanOptions, type SyncAction } from "./types.ts";

const selectAll = (): boolean => true;

/**
 * Plans one directory (or any pair of listings, matched by path): pure, no I/O.
 *
 * - A selected source file missing on the target → `copy`; present but different → `update`;
 *   equal → `skip`; equal size with hashes unknown (checksum) → `check`. In overwrite mode every
 *   selected source file present on the target → `update`, whatever the comparison says.
 * - A target file with no source counterpart → `delete` in mirror and overwrite modes only, and
 *   never when the filters leave it out.
 * - Directories → `descend` (target-only directories only where extras are deleted),
 *   except those `directoryFilter` prunes (their whole subtree is excluded).
 * - A file on one side and a directory on the other → `conflict`; so are two source names differing
 *   only in case when `caseInsensitive`.
 * - A name matches the target's same name; failing that, one spelled in the other Unicode form (NFC
 *   or NFD; also in another case when `caseInsensitive`) that no source name has exactly: a server
 *   that stores names NFC (Nextcloud) lists `café` composed after `café` decomposed was written,
 *   and a mirror that took them for two files copied the one and deleted the other: the file it had
 *   just written (rclone matches them too, unless --no-unicode-normalization). A target that holds
 *   both spellings is not such a server: there the one the source lacks is an extra.
 */
export function planSync(source: Listing, target: Listing, options: PlanOptions): SyncAction[] {
  const filter = options.filter ?? selectAll;
  const walk = options.directoryFilter ?? selectAll;
  const mirror = deletesExtras(options.mode);
  const overwrite = options.mode === "overwrite";
  // On a case-insensitive side "A.txt" and "a.txt" are one file: match them, or a mirror would
  // copy "A.txt" over "a.txt" and then delete "a.txt" — the file it just wrote.
  const key = options.caseInsensitive
    ? (path: string) => path.normalize("NFC").toLowerCase()
    : (path: string) => path.normalize("NFC");
  // Where a side is case-insensitive, a second source name that differs only in case is a conflict.
  const caseTwins = new Set<FileEntry | DirectoryEntry>();
  if (options.caseInsensitive) {
    const seen = new Set<string>();
    for (const entry of source) {
      const folded = entry.path.toLowerCase();
      if (seen.has(folded)) caseTwins.add(entry);
      seen.add(folded);
    }
  }
  const targets = new Map<string, FileEntry | DirectoryEntry>();
  for (const entry of target) targets.set(entry.path, entry);
  const sourcePaths = new Set<string>();
  for (const entry of source) if (!caseTwins.has(entry)) sourcePaths.add(entry.path);
  const alike = new Map<string, FileEntry | DirectoryEntry>();
  for (const entry of target) if (!sourcePaths.has(entry.path)) alike.set(key(entry.path), entry);
  const counterpart = (path: string): FileEntry | DirectoryEntry | undefined => {
    const exact = targets.get(path);
    if (exact) return exact;
    const folded = key(path);
    const other = alike.get(folded);
    if (other) alike.delete(folded);
    return other;
  };
  const actions: SyncAction[] = [];

  for (const entry of source) {
    if (caseTwins.has(entry)) {
      actions.push({
        kind: "conflict",
        path: entry.path,
        message: "another source name differs only in case",
      });
      continue;
    }
    const other = counterpart(entry.path);
    if (other) targets.delete(other.path);
    if (entry.kind === "directory") {
      if (!walk(entry.path)) continue;
      if (other?.kind === "file") {
        if (filter(other.path))
          actions.push({
            kind: "conflict",
            path: entry.path,
            message: "the source has a directory where the target has a file",
          });
      } else {
        actions.push({ kind: "descend", path: entry.path, source: true, target: other !== undefined });
      }
      continue;
    }
    if (!filter(entry.path)) continue;
    if (other === undefined) actions.push(transfer("copy", entry));
    else if (other.kind === "directory")
      actions.push({
        kind: "conflict",
        path: entry.path,
        message: "the source has a file where the target has a directory",
      });
    else
      actions.push(overwrite ? transfer("update", entry, "overwrite") : compareFiles(entry, other, options));
  }

  if (mirror) {
    for (const entry of targets.values()) {
      if (entry.kind === "directory") {
        if (walk(entry.path))
          actions.push({ kind: "descend", path: entry.path, source: false, target: true });
      } else if (filter(entry.path)) actions.push({ kind: "delete", path: entry.path, size: entry.size });
    }
  }
  return options.caseInsensitive ? actions : guardCaseTwins(actions, target);
}

const folded = (path: string): string => path.normalize("NFC").toLowerCase();

/**
 * A drive can be case-insensitive without saying so (a WebDAV server on a case-insensitive disk;
 * rclone serve --vfs-case-insensitive): there `a.txt` and `A.txt` are one file. So a copy never
 * goes over a target folder whose name differs only in case (a conflict: the server would replace
 * the folder), and a mirror does not delete `A.txt` in the run that writes `a.txt` beside it (on
 * such a server that deleted the file just written; on a case-sensitive drive the next run, which
 * writes nothing there, deletes it).
 */
function guardCaseTwins(actions: SyncAction[], target: Listing): SyncAction[] {
  const copies = actions.filter((action) => action.kind === "copy");
  if (copies.length === 0) return actions;
  const written = new Set(copies.map((action) => folded(action.path)));
  const folders = new Map<string, string>();
  for (const entry of target) if (entry.kind === "directory") folders.set(folded(entry.path), entry.path);
  return actions.flatMap((action): SyncAction[] => {
    if (action.kind === "delete" && written.has(folded(action.path))) return [];
    const folder = action.kind === "copy" ? folders.get(folded(action.path)) : undefined;
    if (folder === undefined) return [action];
    return [
      {
        kind: "conflict",
        path: action.path,
        message: `the target has a folder ${JSON.stringify(folder)} whose name differs only in case: a case-insensitive server would replace it`,
      },
    ];
  });
}

function compareFiles(source: FileEntry, target: FileEntry, options: PlanOptions): SyncAction {
  if (source.size !== target.size) return transfer("update", source, "size");
  if (options.compare === "size") return { kind: "skip", path: source.path, size: source.size };
  const hash = options.hash;
  const sourceHash = hash && source.hashes?.[hash];
  const targetHash = hash && target.hashes?.[hash];
  if (options.compare === "checksum") {
    if (!hash) throw new Error("planSync: compare checksum needs options.hash");
    if (sourceHash && targetHash)
      return sourceHash === targetHash
        ? { kind: "skip", path: source.path, size: source.size }
        : transfer("update", source, "hash");
    return { kind: "check", path: source.path, source, target, hash };
  }
  // size-mtime: a missing mod time on either side leaves the size as the only fact to compare.
  if (source.modTime === undefined || target.modTime === undefined)
    return { kind: "skip", path: source.path, size: source.size };
  if (Math.abs(source.modTime - target.modTime) < options.modTimeWindowMs)
    return { kind: "skip", path: source.path, size: source.size };
  // Mod times differ: when both listings already carry a common hash, trust it over the clock (as rclone).
  if (sourceHash && targetHash)
    return sourceHash === targetHash
      ? { kind: "skip", path: source.path, size: source.size }
      : transfer("update", source, "hash");
  return transfer("update", source, "modtime");
}

function transfer(
  kind: "copy" | "update",
  entry: FileEntry,
  reason?: "size" | "modtime" | "hash" | "overwrite",
): SyncAction {
  const action: SyncAction = { kind, path: entry.path, size: entry.size };
  if (entry.modTime !== undefined) action.modTime = entry.modTime;
  if (entry.hashes !== undefined) action.hashes = entry.hashes;
  if (reason !== undefined) action.reason = reason;
  return action;
}
