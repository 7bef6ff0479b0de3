import { createHash, randomBytes } from "node:crypto";
import type { BigIntStats, Dirent, Stats } from "node:fs";
import { createReadStream, constants as fsConstants, lstatSync } from "node:fs";
import { copyFile, lstat, mkdir, readdir, rm, rmdir, stat, unlink, utimes } from "node:fs/promises";
import { basename, dirname, join, sep } from "node:path";
import { pipeline } from "node:stream/promises";
import {
  checkPath,
  type Drive,
  type DriveFeatures,
  type Entry,
  type FileEntry,
  type HashType,
  parentOf,
} from "../drive.ts";
import { DriveError, FileNotFoundError, IsADirectoryError, NotSupportedError } from "../errors.ts";
import { assertLocalInside } from "../local-roots.ts";
import { isStaleTemp, TEMP_NAME, tempName } from "../temp-names.ts";
import { nsToMs, probeFs } from "./fs-probe.ts";
import {
  closeFd,
  closeQuietly,
  FIRST_READ,
  fdStream,
  fstatFd,
  futimesFd,
  openFd,
  pump,
  readInto,
  renameFile,
} from "./local-io.ts";
import { fromNodeError } from "./node-errors.ts";
import { RootPaths } from "./root-paths.ts";

export interface LocalDriveOptions {
  /** The folder the drive exposes. It need not exist yet: the first write creates it. */
  readonly root: string;
  /**
   * A folder `root` lies in (a named drive's root) that no path may leave, `root` itself included:
   * symlinks are followed only while they stay inside it. Default: `root`.
   */
  readonly within?: string;
  /** Display name, for messages: the location as the user wrote it. Default `local:<absolute root>`. */
  readonly name?: string;
  /** Told about entries a listing skips (symlinks, sockets, fifos). Default: `process.emitWarning`. */
  readonly onWarning?: (message: string) => void;
  /**
   * Measure the disk without writing a probe file (a dry run writes nothing at all): precision and
   * case sensitivity are then inferred from what exists. Does not stop `write` or `delete`.
   */
  readonly readOnly?: boolean;
  /** How long a temporary file of another writer must be unchanged to count as stale. Default STALE_TEMP_MS (1 h). */
  readonly staleTempMs?: number;
}

/** Entries listed between two checks of the abort signal. */
const ABORT_CHECK_EVERY = 256;
/** Folders remembered as checked or existing, at most (then forgotten at once: a miss only re-checks). */
const MAX_REMEMBERED_DIRS = 50_000;
const { O_RDONLY, O_NOFOLLOW, O_NONBLOCK, COPYFILE_EXCL } = fsConstants;

/**
 * Every local drive, with the absolute path of a file it can hand to the kernel for a copy (undefined:
 * not a plain file, so stream it). Any two folders of one machine can copy this way (`copyFrom`).
 */
const copySources = new WeakMap<Drive, (path: string) => Promise<string | undefined>>();

/**
 * A folder on the local disk.
 *
 * - Writes are atomic: the body streams (with backpressure, memory bounded) into
 *   `.<name>.syncron-<hex>.partial` in the target folder, gets the source mod time, then is renamed
 *   over the target. On any failure or abort the temporary file is removed and the old file stays.
 *   Listings never show temporary files; `removeStaleTemps` deletes those a killed process left (by
 *   ctime, which every chunk written refreshes: see lib/drives/temp-names.ts).
 * - No path leaves the root: `..`, absolute paths and NUL are InvalidPathError, and so is any path
 *   whose real location (through symlinks) is outside the root — outside `within`, when given, and
 *   a root that leads out of `within` is refused at creation (LocalPathRefusedError, before the
 *   probe file is written). A folder's real location is checked
 *   once per drive (the drive lives for one sync), then only the file name is: reads open it without
 *   following a symlink and check a symlinked name like any other path; writes rename over the name.
 * - Symlinks inside the root: like rclone's default, listings skip them with a warning (`onWarning`),
 *   so a sync never follows or copies them; a path named directly is followed if it stays inside.
 * - Features are measured on the disk at creation: mod-time precision (ms on ext4, xfs, apfs; 2 s on
 *   FAT) and case sensitivity, with a probe file (or, `readOnly`, without writing anything). Hashes
 *   (md5, sha1, sha256) are computed by reading the file.
 *
 * Fast on many small files (measured in bench/): listings stat synchronously, reads of a small file
 * are one read call, writes go through one descriptor, and checked or created folders are remembered.
 */
export function createLocalDrive(options: LocalDriveOptions): Drive {
  // Before the probe file: a folder whose symlinks lead out of its drive is not written, not even probed.
  if (options.within !== undefined) assertLocalInside(options.root, options.within);
  const paths = new RootPaths(options.root, options.within);
  const traits = probeFs(paths.root, { write: options.readOnly !== true });
  const warn = options.onWarning ?? ((message: string) => process.emitWarning(message, "SyncronWarning"));
  const features: DriveFeatures = {
    hashes: new Set<HashType>(["md5", "sha1", "sha256"]),
    modTimePrecisionMs: traits.modTimePrecisionMs,
    canSetModTime: true,
    keepsEmptyDirectories: true,
    caseInsensitive: traits.caseInsensitive,
    atomicWrites: true,
  };

  /** Absolute folders whose real path is inside the root (checked once; see the doc comment). */
  const insideDirs = new Set<string>();
  /** Absolute folders known to exist (made or listed by this drive), so a write skips mkdir. */
  const madeDirs = new Set<string>();
  const remember = (set: Set<string>, absolute: string): void => {
    if (set.size >= MAX_REMEMBERED_DIRS) set.clear(); // bounded memory on huge trees; a miss only re-checks
    set.add(absolute);
  };
  /** Temporary names: a random prefix per drive and a counter (unique without a random call per write). */
  const session = randomBytes(4).toString("hex");
  let written = 0;
  /** Temporary names the last listing of each folder saw (drive path → names), for removeStaleTemps. */
  const tempsSeen = new Map<string, string[]>();
  const staleOptions = options.staleTempMs === undefined ? {} : { staleMs: options.staleTempMs };

  /** The absolute path of a directory, checked (once per drive) to be inside the root. Throws InvalidPathError. */
  const resolveDir = async (dir: string): Promise<string> => {
    checkPath(dir, { allowRoot: true });
    const absolute = dir === "" ? paths.root : join(paths.root, ...dir.split("/"));
    if (!insideDirs.has(absolute)) {
      await paths.resolve(dir, { allowRoot: true });
      remember(insideDirs, absolute);
    }
    return absolute;
  };

  /** The absolute path of a file whose folder is checked (once) to be inside the root. Throws InvalidPathError. */
  const resolveFile = async (path: string): Promise<string> => {
    checkPath(path);
    await resolveDir(parentOf(path));
    return join(paths.root, ...path.split("/"));
  };

  const statFile = async (path: string): Promise<FileEntry> => {
    const absolute = await paths.resolve(path);
    const info = await stat(absolute, { bigint: true }).catch((error) => {
      throw fromNodeError(error, path, "file");
    });
    if (info.isDirectory()) throw new IsADirectoryError(`${path} is a directory`, path);
    if (!info.isFile()) throw new DriveError(`${path} is not a regular file`, path);
    return { kind: "file", path, size: Number(info.size), modTime: nsToMs(info.mtimeNs) };
  };

  /**
   * Linux names are bytes: readdir reads a name that is not UTF-8 with U+FFFD in place of the bad
   * bytes, and that name opens nothing. Dropped, the file would read as absent (a sync said SUCCESS
   * without it; a mirror could not keep it), so the listing fails, naming it. A real U+FFFD opens.
   */
  const checkDecodable = (path: string, absolute: string): void => {
    if (lstatSync(absolute, { throwIfNoEntry: false }) !== undefined) return;
    throw new DriveError(
      `${JSON.stringify(path)} is not its real name: the name on disk is not valid UTF-8 (shown with U+FFFD); rename it to sync it`,
      path,
    );
  };

  /**
   * One listed entry. The stat is synchronous on purpose: on a local disk it takes microseconds, less
   * than a thread-pool round trip of the promise API, which made listings 3–4× slower (bench/).
   * Undefined for an entry skipped on purpose (a symlink, a special file) or deleted since readdir;
   * an entry that cannot be stat'ed throws, since a name dropped here reads as absent to a mirror.
   */
  const toEntry = (dir: string, absoluteDir: string, dirent: Dirent): Entry | undefined => {
    const path = dir === "" ? dirent.name : `${dir}/${dirent.name}`;
    if (dirent.name.includes("\uFFFD")) checkDecodable(path, `${absoluteDir}${sep}${dirent.name}`);
    if (dirent.isDirectory()) return { kind: "directory", path };
    if (!dirent.isFile()) {
      warn(`skipping ${path}: ${dirent.isSymbolicLink() ? "symbolic link" : "not a regular file"}`);
      return undefined;
    }
    let info: BigIntStats | undefined;
    try {
      // A file deleted between readdir and lstat is simply no longer there (undefined, no throw).
      info = lstatSync(`${absoluteDir}${sep}${dirent.name}`, { bigint: true, throwIfNoEntry: false });
    } catch (error) {
      // Anything else (EACCES in an r-- folder, EIO, ESTALE) is a file we cannot see, not an absent
      // one: a mirror that took it for absent would delete its copy on the target.
      throw fromNodeError(error, path, "file");
    }
    if (info === undefined) return undefined;
    // Replaced between readdir and lstat: list again rather than drop (a dropped name reads as absent).
    if (!info.isFile()) throw new DriveError(`${path} changed while listing`, path, { retryable: true });
    return { kind: "file", path, size: Number(info.size), modTime: nsToMs(info.mtimeNs) };
  };

  /**
   * Opens a file to read without following a symlink in its name (a symlinked name is checked, then
   * followed), and without blocking on a FIFO (which the fstat that follows then refuses).
   */
  const openForRead = async (path: string): Promise<number> => {
    const absolute = await resolveFile(path);
    try {
      return await openFd(absolute, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ELOOP") throw fromNodeError(error, path, "file");
    }
    const checked = await paths.resolve(path);
    try {
      return await openFd(checked, O_RDONLY | O_NONBLOCK);
    } catch (error) {
      throw fromNodeError(error, path, "file");
    }
  };

  /** The temporary name a write of `absolute` streams into, in the same folder (hidden from listings). */
  const tempFor = (absolute: string): string =>
    join(
      dirname(absolute),
      tempName(basename(absolute), `${session}${(written++).toString(16).padStart(8, "0")}`),
    );

  /** Runs `create` (of a file in `folder`), making the folder first if this drive has not seen it. */
  const inFolder = async <T>(folder: string, create: () => Promise<T>): Promise<T> => {
    if (!madeDirs.has(folder)) {
      await mkdir(folder, { recursive: true });
      remember(madeDirs, folder);
    }
    try {
      return await create();
    } catch (error) {
      // The folder went away since this drive saw it (an rmdir, another process): make it again.
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      await mkdir(folder, { recursive: true });
      return await create();
    }
  };

  /** The source side of `copyFrom`: a plain file's absolute path (its folder checked once), else undefined. */
  const copySource = async (path: string): Promise<string | undefined> => {
    const absolute = await resolveFile(path);
    // A symlinked or special name streams instead, through read's checks (listings skip them anyway).
    let info: Stats | undefined;
    try {
      info = lstatSync(absolute, { throwIfNoEntry: false });
    } catch (error) {
      throw fromNodeError(error, path, "file");
    }
    if (info === undefined) throw new FileNotFoundError(`file ${path} not found`, path);
    return info.isFile() ? absolute : undefined;
  };

  const drive: Drive = {
    name: options.name ?? `local:${paths.root}`,
    features,

    async *list(dir, listOptions) {
      const absolute = await resolveDir(dir);
      const dirents = await readdir(absolute, { withFileTypes: true }).catch((error) => {
        throw fromNodeError(error, dir, "directory");
      });
      remember(madeDirs, absolute);
      tempsSeen.delete(dir);
      let seen = 0;
      for (const dirent of dirents) {
        if (seen++ % ABORT_CHECK_EVERY === 0) listOptions?.signal?.throwIfAborted();
        if (TEMP_NAME.test(dirent.name)) {
          if (dirent.isFile()) tempsSeen.set(dir, [...(tempsSeen.get(dir) ?? []), dirent.name]);
          continue;
        }
        const entry = toEntry(dir, absolute, dirent);
        if (!entry) continue;
        if (entry.kind === "directory") {
          // A real directory (a symlink lists as one) inside a checked one: inside too, and it exists.
          const child = `${absolute}${sep}${dirent.name}`;
          remember(insideDirs, child);
          remember(madeDirs, child);
        }
        yield entry;
      }
    },

    stat: statFile,

    async read(path, readOptions) {
      const signal = readOptions?.signal;
      signal?.throwIfAborted();
      // Open first so a missing file or a directory fails here, not later inside the stream.
      const fd = await openForRead(path);
      // The first read runs together with the fstat that vets the file: one round trip, not two.
      const buffer = Buffer.allocUnsafe(FIRST_READ + 1);
      const first = { buffer, bytes: readInto(fd, buffer) };
      first.bytes.catch(() => undefined); // a directory's EISDIR is reported from fstat below
      try {
        const info = await fstatFd(fd);
        if (!info.isFile()) {
          throw info.isDirectory()
            ? new IsADirectoryError(`${path} is a directory`, path)
            : new DriveError(`${path} is not a regular file`, path);
        }
        return fdStream(fd, first, (e) => fromNodeError(e, path, "file"), signal);
      } catch (error) {
        await first.bytes.catch(() => undefined);
        closeQuietly(fd);
        throw fromNodeError(error, path, "file");
      }
    },

    async write(path, body, source, writeOptions) {
      const signal = writeOptions?.signal;
      const absolute = await resolveFile(path);
      const temp = tempFor(absolute);
      let fd: number | undefined;
      try {
        fd = await inFolder(dirname(absolute), () => openFd(temp, "wx"));
        // The body must be the file the source listed: a short or long read never replaces the target.
        const expectedSize = Number.isSafeInteger(source.size) && source.size >= 0 ? source.size : undefined;
        const expectedMd5 = source.hashes?.md5?.toLowerCase();
        const md5 = expectedMd5 ? createHash("md5") : undefined;
        const mismatch = (what: string, retryable = false) =>
          new DriveError(`local write "${path}": ${what}; previous file kept`, path, { retryable });
        const bytes = await pump(body, fd, signal, (chunk, total) => {
          if (expectedSize !== undefined && total > expectedSize)
            throw mismatch(`the body is longer than the ${expectedSize} bytes the source listed`);
          md5?.update(chunk);
        });
        if (expectedSize !== undefined && bytes < expectedSize)
          // A read that ended early, as body-check.ts says: retryable.
          throw mismatch(
            `the body ended after ${bytes} of the ${expectedSize} bytes the source listed`,
            true,
          );
        const digest = md5?.digest("hex");
        if (digest !== expectedMd5)
          throw mismatch(`the body's md5 is ${digest} but the source listed ${expectedMd5}`);
        let modTime = source.modTime;
        if (modTime !== undefined) await futimesFd(fd, new Date(), new Date(modTime));
        // A disk that keeps milliseconds stores the time given; otherwise ask it what it kept.
        if (modTime === undefined || traits.modTimePrecisionMs > 1) {
          modTime = nsToMs((await fstatFd(fd, { bigint: true })).mtimeNs);
        }
        // Close and rename together (renaming an open file is fine): one round trip, not two. Over a
        // directory the rename fails with EISDIR (IsADirectoryError), and the directory stays.
        const closing = closeFd(fd);
        fd = undefined;
        await Promise.all([closing, renameFile(temp, absolute)]);
        return { kind: "file", path, size: bytes, modTime };
      } catch (error) {
        if (fd !== undefined) closeQuietly(fd);
        await rm(temp, { force: true }).catch(() => undefined);
        throw fromNodeError(error, path, "file");
      }
    },

    /**
     * From another folder of this machine: the kernel copies (libuv's copyfile: copy_file_range, which
     * reflinks on btrfs/xfs and copies in-kernel elsewhere, then sendfile), no byte passes through
     * JavaScript. Atomic like `write` (a temporary file renamed over the target) and checked the same
     * way: a copy whose size is not the listed one fails and the previous file stays. The copy keeps
     * the source's permission bits. A name that is no plain file (a symlink, a FIFO) answers undefined,
     * so the engine streams it through `read`, which checks where it leads.
     */
    async copyFrom(from, source, path, copyOptions) {
      const origin = copySources.get(from);
      if (!origin) return undefined;
      const signal = copyOptions?.signal;
      signal?.throwIfAborted();
      const [sourcePath, absolute] = await Promise.all([origin(source.path), resolveFile(path)]);
      if (sourcePath === undefined) return undefined;
      const temp = tempFor(absolute);
      try {
        await inFolder(dirname(absolute), () => copyFile(sourcePath, temp, COPYFILE_EXCL)).catch((error) => {
          // The target folder exists by now: ENOENT is the source, gone since it was listed.
          throw fromNodeError(error, source.path, "file");
        });
        signal?.throwIfAborted();
        let modTime = source.modTime;
        if (modTime !== undefined) await utimes(temp, new Date(), new Date(modTime));
        const info = await stat(temp, { bigint: true });
        if (Number(info.size) !== source.size) {
          throw new DriveError(
            `local copy "${path}": the source has ${info.size} bytes, not the ${source.size} it listed; previous file kept`,
            path,
          );
        }
        if (modTime === undefined || traits.modTimePrecisionMs > 1) modTime = nsToMs(info.mtimeNs);
        await renameFile(temp, absolute);
        return { kind: "file", path, size: source.size, modTime };
      } catch (error) {
        await rm(temp, { force: true }).catch(() => undefined);
        throw fromNodeError(error, path, "file");
      }
    },

    async delete(path) {
      const absolute = await paths.resolve(path);
      const info = await lstat(absolute).catch((error) => {
        throw fromNodeError(error, path, "file");
      });
      if (info.isDirectory()) throw new IsADirectoryError(`${path} is a directory`, path);
      await unlink(absolute).catch((error) => {
        throw fromNodeError(error, path, "file");
      });
    },

    async mkdir(dir) {
      const absolute = await paths.resolve(dir, { allowRoot: true });
      await mkdir(absolute, { recursive: true }).catch((error) => {
        throw fromNodeError(error, dir, "directory");
      });
    },

    async rmdir(dir) {
      const absolute = await paths.resolve(dir);
      madeDirs.clear();
      insideDirs.clear();
      await rmdir(absolute).catch((error) => {
        throw fromNodeError(error, dir, "directory");
      });
    },

    async removeStaleTemps(dir) {
      const names = tempsSeen.get(dir) ?? [];
      tempsSeen.delete(dir);
      const absoluteDir = dir === "" ? paths.root : join(paths.root, ...dir.split("/"));
      let removed = 0;
      for (const name of names) {
        if (name.includes(`.syncron-${session}`)) continue; // this drive's own writes in flight
        const absolute = `${absoluteDir}${sep}${name}`;
        // ctime: every chunk a live writer writes, its futimes and its rename refresh it; nobody can set it back.
        const stale = await lstat(absolute).then(
          (info) => info.isFile() && isStaleTemp(name, info.ctimeMs, staleOptions),
          () => false,
        );
        if (
          stale &&
          (await unlink(absolute).then(
            () => true,
            () => false,
          ))
        )
          removed++;
      }
      return removed;
    },

    async hash(path, type) {
      if (!features.hashes.has(type)) throw new NotSupportedError(`hash ${type} is not supported`, path);
      const absolute = await paths.resolve(path);
      const hasher = createHash(type);
      await pipeline(createReadStream(absolute), hasher).catch((error) => {
        throw fromNodeError(error, path, "file");
      });
      return hasher.digest("hex");
    },
  };
  copySources.set(drive, copySource);
  return drive;
}
