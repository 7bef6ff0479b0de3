import { InvalidPathError } from "./errors.ts";

/**
 * The storage interface every drive implements, after rclone's Fs/Object.
 *
 * Paths are relative to the drive's root, `/`-separated, without a leading or trailing slash;
 * `""` is the root. Entries are plain data so the sync planner can stay pure.
 */

export type HashType = "md5" | "sha1" | "sha256";

export interface DriveFeatures {
  /** Hashes the drive can give for a file (from listing metadata or by reading it). s3: md5 (not multipart). */
  readonly hashes: ReadonlySet<HashType>;
  /** Mod-time precision in ms; `Infinity` = mod times not supported. */
  readonly modTimePrecisionMs: number;
  /** Whether `write` keeps the `modTime` of the source it is given. */
  readonly canSetModTime: boolean;
  /** False for stores without real directories (s3): empty directories vanish. */
  readonly keepsEmptyDirectories: boolean;
  readonly caseInsensitive: boolean;
  /**
   * True when a failed or aborted `write` leaves no trace: the previous file (or none) stays as it was.
   * Absent = not promised (e.g. a WebDAV server may keep a partial upload).
   */
  readonly atomicWrites?: boolean;
  /**
   * Files larger than this are written with the source's MD5 known beforehand (the engine asks the
   * source for it when the listing had none): S3 multipart uploads carry it as `md5chksum` metadata,
   * as rclone's do, since their ETag is no MD5. Absent = never needed.
   */
  readonly md5BeforeWriteAbove?: number;
}

/** What the engine knows about a file before writing it. */
export interface FileInfo {
  /** Path relative to the drive root. */
  readonly path: string;
  readonly size: number;
  /** Modification time, ms since the epoch; absent where the drive has none. */
  readonly modTime?: number;
  /** Hashes known without reading the file (e.g. an S3 ETag), lowercase hex. */
  readonly hashes?: Readonly<Partial<Record<HashType, string>>>;
}

export interface FileEntry extends FileInfo {
  readonly kind: "file";
}

export interface DirectoryEntry {
  readonly kind: "directory";
  readonly path: string;
  readonly modTime?: number;
}

export type Entry = FileEntry | DirectoryEntry;

export interface ListOptions {
  readonly signal?: AbortSignal;
}

export interface CopyFromOptions {
  readonly signal?: AbortSignal;
  /** Bytes the store has copied of this file so far, where it tells (an OpenList copy task's progress). */
  readonly onProgress?: (bytesDone: number) => void;
}

export interface Drive {
  /** A display name with secrets redacted, safe for logs. */
  readonly name: string;
  readonly features: DriveFeatures;
  /** Lists one directory (not recursive), in no particular order. Throws DirectoryNotFoundError. `""` is the root. */
  list(dir: string, options?: ListOptions): AsyncIterable<Entry>;
  /** Describes one file. Throws FileNotFoundError, or IsADirectoryError for a directory. */
  stat(path: string): Promise<FileEntry>;
  /** Opens a file for reading as a stream. Throws FileNotFoundError. */
  read(path: string, options?: { signal?: AbortSignal }): Promise<ReadableStream<Uint8Array>>;
  /**
   * Writes a whole file from a stream, creating missing parent directories. Atomic where the drive
   * allows: readers see the old file or the new one, never a part. Keeps `source.modTime` when
   * `features.canSetModTime`. Returns the entry as stored.
   */
  write(
    path: string,
    body: ReadableStream<Uint8Array>,
    source: FileInfo,
    options?: { signal?: AbortSignal },
  ): Promise<FileEntry>;
  /** Deletes one file. Throws FileNotFoundError. */
  delete(path: string): Promise<void>;
  /** Creates a directory and its parents. Does not fail if the directory exists. */
  mkdir(dir: string): Promise<void>;
  /**
   * Removes an empty directory. Throws DirectoryNotFoundError, or DriveError (DirectoryNotEmptyError) if
   * not empty. Where `keepsEmptyDirectories` is false, an empty or missing directory is not an error.
   */
  rmdir(dir: string): Promise<void>;
  /** The file's hash of the given type, lowercase hex. Throws NotSupportedError if the type is not in `features.hashes`. */
  hash(path: string, type: HashType): Promise<string>;
  /**
   * Server-side copy, after rclone's optional `Copy` feature: the store copies `source` (a file of
   * `from`) to `path` on this drive, and no byte passes through this process. Absent on drives that
   * cannot. Returns undefined when this pair cannot be copied server-side (another endpoint, server
   * or disk): the engine then streams. Atomic and mod-time keeping like `write`. Throws like `write`.
   */
  copyFrom?(
    from: Drive,
    source: FileInfo,
    path: string,
    options?: CopyFromOptions,
  ): Promise<FileEntry | undefined>;
  /**
   * Removes the temporary files of this drive's naming (lib/drives/temp-names.ts) that the last
   * `list(dir)` saw and that no live write can own (`isStaleTemp`): leftovers of a killed run. Only
   * what the listing saw, so it costs nothing where there are none. Resolves the number removed.
   * Absent on drives that write no temporary names (s3). Best effort: a file it cannot remove stays.
   */
  removeStaleTemps?(dir: string): Promise<number>;
  /** Releases clients and sockets. Safe to call more than once. */
  close?(): Promise<void>;
}

/** Joins path segments the way drives expect: no empty segments, no leading slash. */
export const joinPath = (...parts: string[]): string => parts.filter((part) => part !== "").join("/");

/** The parent directory of a drive path (`""` for top-level entries). */
export const parentOf = (path: string): string => {
  const slash = path.lastIndexOf("/");
  return slash < 0 ? "" : path.slice(0, slash);
};

/** The last segment of a drive path. */
export const baseName = (path: string): string => path.slice(path.lastIndexOf("/") + 1);

/**
 * Validates a drive path and returns it unchanged. Throws InvalidPathError for a leading or trailing
 * `/`, empty, `.` or `..` segments, and NUL characters, so no drive can be steered outside its root.
 * `""` (the root) is accepted only with `allowRoot` (list, mkdir, rmdir); files always have a name.
 */
export const checkPath = (path: string, options: { allowRoot?: boolean } = {}): string => {
  if (path === "") {
    if (options.allowRoot) return path;
    throw new InvalidPathError('path must name a file, got the root ""', path);
  }
  if (path.includes("\0")) throw new InvalidPathError(`path ${JSON.stringify(path)} contains NUL`, path);
  for (const segment of path.split("/")) {
    if (segment === "" || segment === "." || segment === "..") {
      throw new InvalidPathError(
        `path ${JSON.stringify(path)} has an empty, "." or ".." segment or a leading or trailing "/"`,
        path,
      );
    }
  }
  return path;
};
