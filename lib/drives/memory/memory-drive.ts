import { createHash } from "node:crypto";
import {
  checkPath,
  type Drive,
  type DriveFeatures,
  type Entry,
  type FileEntry,
  type FileInfo,
  type HashType,
  parentOf,
} from "../drive.ts";
import {
  DirectoryNotEmptyError,
  DirectoryNotFoundError,
  DriveError,
  FileNotFoundError,
  IsADirectoryError,
  NotSupportedError,
} from "../errors.ts";

/** The operations a test can make fail with `failOn`. */
export type MemoryDriveOp = "list" | "read" | "write" | "delete" | "stat" | "mkdir" | "rmdir" | "hash";

export interface MemoryDriveOptions {
  /** Overrides of the defaults: all hashes, 1 ms mod times, settable, keeps empty dirs, case-sensitive. */
  readonly features?: Partial<DriveFeatures>;
  /**
   * Called before every operation; a returned error is thrown instead of doing it. Lets tests make
   * one file unreadable, or a call fail with a retryable error N times (count in the closure).
   */
  readonly failOn?: (op: MemoryDriveOp, path: string) => Error | undefined;
  /** Include the declared hashes in listed and stat'ed entries, as S3 does with ETags. Default false. */
  readonly hashesInEntries?: boolean;
  /** Clock for mod times when the drive cannot set them. Default `Date.now`. */
  readonly now?: () => number;
  readonly name?: string;
}

/** The memory drive, plus call counters so tests can assert what a run did (e.g. nothing written). */
export interface MemoryDrive extends Drive {
  /** Operations started, by kind (including those that failed). */
  readonly calls: Readonly<Record<MemoryDriveOp, number>>;
}

interface StoredFile {
  readonly path: string;
  readonly data: Uint8Array;
  readonly modTime: number | undefined;
  readonly hashes: Partial<Record<HashType, string>>;
}

const DEFAULT_FEATURES: DriveFeatures = {
  hashes: new Set<HashType>(["md5", "sha1", "sha256"]),
  modTimePrecisionMs: 1,
  canSetModTime: true,
  keepsEmptyDirectories: true,
  caseInsensitive: false,
  atomicWrites: true,
};

/**
 * A Map-based drive: the reference implementation of the contract, for unit tests of the engine.
 * Writes are atomic (the body is read whole before the file changes). Features are configurable so a
 * test can model a store without mod times, with md5 only, case-insensitive, or without directories.
 * Mod times are truncated to `modTimePrecisionMs` as a coarse store would.
 */
export function createMemoryDrive(options: MemoryDriveOptions = {}): MemoryDrive {
  const features: DriveFeatures = { ...DEFAULT_FEATURES, ...options.features };
  const now = options.now ?? Date.now;
  const fold = (path: string) => (features.caseInsensitive ? path.toLowerCase() : path);
  const files = new Map<string, StoredFile>();
  /** Explicit directories (only where the drive keeps empty ones), folded key → path. */
  const dirs = new Map<string, string>();
  const calls: Record<MemoryDriveOp, number> = {
    list: 0,
    read: 0,
    write: 0,
    delete: 0,
    stat: 0,
    mkdir: 0,
    rmdir: 0,
    hash: 0,
  };

  const begin = (op: MemoryDriveOp, path: string, allowRoot = false) => {
    calls[op]++;
    checkPath(path, { allowRoot });
    const injected = options.failOn?.(op, path);
    if (injected) throw injected;
  };
  const isUnder = (key: string, dirKey: string) => dirKey === "" || key.startsWith(`${dirKey}/`);
  const dirExists = (dir: string): boolean => {
    const key = fold(dir);
    if (key === "" || dirs.has(key)) return true;
    for (const fileKey of files.keys()) if (isUnder(fileKey, key)) return true;
    return false;
  };
  const truncate = (time: number) => {
    const precision = features.modTimePrecisionMs;
    return Number.isFinite(precision) ? Math.floor(time / precision) * precision : undefined;
  };
  const toEntry = (file: StoredFile): FileEntry => ({
    kind: "file",
    path: file.path,
    size: file.data.length,
    ...(file.modTime === undefined ? {} : { modTime: file.modTime }),
    ...(options.hashesInEntries ? { hashes: file.hashes } : {}),
  });
  const getFile = (path: string): StoredFile => {
    const file = files.get(fold(path));
    if (file) return file;
    if (dirExists(path)) throw new IsADirectoryError(`${path} is a directory`, path);
    throw new FileNotFoundError(`file ${path} not found`, path);
  };
  const addParents = (path: string) => {
    if (!features.keepsEmptyDirectories) return;
    for (let dir = parentOf(path); dir !== ""; dir = parentOf(dir)) {
      if (!dirs.has(fold(dir))) dirs.set(fold(dir), dir);
    }
  };
  const checkNoFileAbove = (path: string) => {
    for (let dir = parentOf(path); dir !== ""; dir = parentOf(dir)) {
      if (files.has(fold(dir))) throw new DriveError(`${dir} is a file, not a directory`, path);
    }
  };

  return {
    name: options.name ?? "memory",
    features,
    calls,

    async *list(dir, listOptions) {
      begin("list", dir, true);
      if (!dirExists(dir)) throw new DirectoryNotFoundError(`directory ${dir} not found`, dir);
      listOptions?.signal?.throwIfAborted();
      const dirKey = fold(dir);
      const prefixLength = dirKey === "" ? 0 : dirKey.length + 1;
      const children = new Map<string, Entry>();
      const addDir = (key: string, path: string) => {
        const childKey = key.slice(0, key.indexOf("/", prefixLength));
        if (!children.has(childKey)) {
          children.set(childKey, { kind: "directory", path: path.slice(0, childKey.length) });
        }
      };
      for (const [key, file] of files) {
        if (!isUnder(key, dirKey)) continue;
        if (key.indexOf("/", prefixLength) < 0) children.set(key, toEntry(file));
        else addDir(key, file.path);
      }
      for (const [key, path] of dirs) {
        if (!isUnder(key, dirKey)) continue;
        if (key.indexOf("/", prefixLength) < 0) children.set(key, { kind: "directory", path });
        else addDir(key, path);
      }
      yield* children.values();
    },

    async stat(path) {
      begin("stat", path);
      return toEntry(getFile(path));
    },

    async read(path, readOptions) {
      begin("read", path);
      readOptions?.signal?.throwIfAborted();
      const data = getFile(path).data.slice();
      return new ReadableStream<Uint8Array>({
        start(controller) {
          if (data.length > 0) controller.enqueue(data);
          controller.close();
        },
      });
    },

    async write(path, body, source: FileInfo, writeOptions) {
      begin("write", path);
      if (files.has(fold(path)) === false && dirExists(path)) {
        throw new IsADirectoryError(`${path} is a directory`, path);
      }
      checkNoFileAbove(path);
      const data = await collect(body, writeOptions?.signal);
      if (data.length !== source.size) {
        throw new DriveError(
          `memory write "${path}": the body has ${data.length} bytes but the source listed ${source.size}; previous file kept`,
          path,
          { retryable: data.length < source.size }, // ended early: a new read may get it all
        );
      }
      const modTime =
        features.canSetModTime && source.modTime !== undefined ? truncate(source.modTime) : truncate(now());
      const hashes: Partial<Record<HashType, string>> = {};
      for (const type of features.hashes) hashes[type] = createHash(type).update(data).digest("hex");
      const stored: StoredFile = { path: files.get(fold(path))?.path ?? path, data, modTime, hashes };
      files.set(fold(path), stored);
      addParents(path);
      return toEntry(stored);
    },

    async delete(path) {
      begin("delete", path);
      getFile(path);
      files.delete(fold(path));
    },

    async mkdir(dir) {
      begin("mkdir", dir, true);
      if (dir === "") return;
      if (files.has(fold(dir))) throw new DriveError(`${dir} is a file, not a directory`, dir);
      checkNoFileAbove(dir);
      if (!features.keepsEmptyDirectories) return;
      addParents(`${dir}/x`);
    },

    async rmdir(dir) {
      begin("rmdir", dir);
      const key = fold(dir);
      const hasChildren =
        [...files.keys()].some((k) => isUnder(k, key) && k !== key) ||
        [...dirs.keys()].some((k) => k !== key && isUnder(k, key));
      if (hasChildren) throw new DirectoryNotEmptyError(`directory ${dir} is not empty`, dir);
      if (!features.keepsEmptyDirectories) return;
      if (!dirs.delete(key)) throw new DirectoryNotFoundError(`directory ${dir} not found`, dir);
    },

    async hash(path, type: HashType) {
      begin("hash", path);
      if (!features.hashes.has(type)) {
        throw new NotSupportedError(`hash ${type} is not supported by ${options.name ?? "memory"}`, path);
      }
      return createHash(type).update(getFile(path).data).digest("hex");
    },
  };
}

/** Reads a whole body; rejects (so nothing is stored) if it errors or the signal aborts. */
async function collect(body: ReadableStream<Uint8Array>, signal?: AbortSignal): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) {
    signal?.throwIfAborted();
    chunks.push(chunk);
  }
  signal?.throwIfAborted();
  return Buffer.concat(chunks);
}
