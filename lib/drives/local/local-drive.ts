import { createHash, randomBytes } from "node:crypto";
import type { Dirent } from "node:fs";
import { createReadStream, createWriteStream } from "node:fs";
import { lstat, mkdir, open, readdir, rename, rm, rmdir, stat, unlink, utimes } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeWebStream } from "node:stream/web";
import { checkBody } from "../body-check.ts";
import type { Drive, DriveFeatures, Entry, FileEntry, HashType } from "../drive.ts";
import { DriveError, IsADirectoryError, NotSupportedError } from "../errors.ts";
import { nsToMs, probeFs } from "./fs-probe.ts";
import { fromNodeError } from "./node-errors.ts";
import { RootPaths, TEMP_NAME } from "./root-paths.ts";

export interface LocalDriveOptions {
  /** The folder the drive exposes. It need not exist yet: the first write creates it. */
  readonly root: string;
  /** Told about entries a listing skips (symlinks, sockets, fifos). Default: `process.emitWarning`. */
  readonly onWarning?: (message: string) => void;
}

/** Files stat'ed at once while listing a directory: enough to hide latency, few file descriptors. */
const STAT_CONCURRENCY = 16;

/**
 * A folder on the local disk.
 *
 * - Writes are atomic: the body streams (with backpressure, memory bounded) into
 *   `.<name>.syncron-<random>.partial` in the target folder, gets the source mod time, then is renamed
 *   over the target. On any failure or abort the temporary file is removed and the old file stays.
 *   Listings never show temporary files.
 * - No path leaves the root: `..`, absolute paths and NUL are InvalidPathError, and so is any path
 *   whose real location (through symlinks) is outside the root.
 * - Symlinks inside the root: like rclone's default, listings skip them with a warning (`onWarning`),
 *   so a sync never follows or copies them; a path named directly is followed if it stays inside.
 * - Features are measured on the disk at creation: mod-time precision (ms on ext4, xfs, apfs; 2 s on
 *   FAT) and case sensitivity. Hashes (md5, sha1, sha256) are computed by reading the file.
 */
export function createLocalDrive(options: LocalDriveOptions): Drive {
  const paths = new RootPaths(options.root);
  const traits = probeFs(paths.root);
  const warn = options.onWarning ?? ((message: string) => process.emitWarning(message, "SyncronWarning"));
  const features: DriveFeatures = {
    hashes: new Set<HashType>(["md5", "sha1", "sha256"]),
    modTimePrecisionMs: traits.modTimePrecisionMs,
    canSetModTime: true,
    keepsEmptyDirectories: true,
    caseInsensitive: traits.caseInsensitive,
    atomicWrites: true,
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

  const toEntry = async (dir: string, dirent: Dirent): Promise<Entry | undefined> => {
    const path = dir === "" ? dirent.name : `${dir}/${dirent.name}`;
    if (dirent.isDirectory()) return { kind: "directory", path };
    if (!dirent.isFile()) {
      warn(`skipping ${path}: ${dirent.isSymbolicLink() ? "symbolic link" : "not a regular file"}`);
      return undefined;
    }
    // A file deleted between readdir and lstat is simply no longer there.
    const info = await lstat(join(paths.root, ...path.split("/")), { bigint: true }).catch(() => undefined);
    if (!info?.isFile()) return undefined;
    return { kind: "file", path, size: Number(info.size), modTime: nsToMs(info.mtimeNs) };
  };

  return {
    name: `local:${paths.root}`,
    features,

    async *list(dir, listOptions) {
      const absolute = await paths.resolve(dir, { allowRoot: true });
      const dirents = await readdir(absolute, { withFileTypes: true }).catch((error) => {
        throw fromNodeError(error, dir, "directory");
      });
      const visible = dirents.filter((dirent) => !TEMP_NAME.test(dirent.name));
      for (let start = 0; start < visible.length; start += STAT_CONCURRENCY) {
        listOptions?.signal?.throwIfAborted();
        const batch = visible.slice(start, start + STAT_CONCURRENCY);
        for (const entry of await Promise.all(batch.map((dirent) => toEntry(dir, dirent)))) {
          if (entry) yield entry;
        }
      }
    },

    stat: statFile,

    async read(path, readOptions) {
      const absolute = await paths.resolve(path);
      // Open first so a missing file or a directory fails here, not later inside the stream.
      const handle = await open(absolute, "r").catch((error) => {
        throw fromNodeError(error, path, "file");
      });
      const info = await handle.stat().catch(async (error) => {
        await handle.close();
        throw fromNodeError(error, path, "file");
      });
      if (!info.isFile()) {
        await handle.close();
        throw info.isDirectory()
          ? new IsADirectoryError(`${path} is a directory`, path)
          : new DriveError(`${path} is not a regular file`, path);
      }
      const stream = handle.createReadStream(readOptions?.signal ? { signal: readOptions.signal } : {});
      return Readable.toWeb(stream) as unknown as ReadableStream<Uint8Array>;
    },

    async write(path, body, source, writeOptions) {
      const absolute = await paths.resolve(path);
      const folder = dirname(absolute);
      const existing = await stat(absolute).catch(() => undefined);
      if (existing?.isDirectory()) throw new IsADirectoryError(`${path} is a directory`, path);
      const temp = join(
        folder,
        `.${basename(absolute).slice(0, 40)}.syncron-${randomBytes(8).toString("hex")}.partial`,
      );
      try {
        await mkdir(folder, { recursive: true });
        const input = Readable.fromWeb(body as unknown as NodeWebStream<Uint8Array>);
        const output = createWriteStream(temp, { flags: "wx" });
        // The body must be the file the source listed: a short read never replaces the target.
        const check = checkBody("local", path, source);
        await pipeline(input, check, output, writeOptions?.signal ? { signal: writeOptions.signal } : {});
        if (source.modTime !== undefined) {
          await utimes(temp, new Date(), new Date(source.modTime));
        }
        await rename(temp, absolute);
      } catch (error) {
        await rm(temp, { force: true }).catch(() => undefined);
        throw fromNodeError(error, path, "file");
      }
      return statFile(path);
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
      await rmdir(absolute).catch((error) => {
        throw fromNodeError(error, dir, "directory");
      });
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
}
