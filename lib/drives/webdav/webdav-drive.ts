import { randomBytes } from "node:crypto";
import { pipeline, Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { createClient, type FileStat, type WebDAVClient } from "webdav";
import { checkBody } from "../body-check.ts";
import {
  baseName,
  checkPath,
  type Drive,
  type DriveFeatures,
  type Entry,
  type FileEntry,
  joinPath,
  parentOf,
} from "../drive.ts";
import {
  DirectoryNotEmptyError,
  DirectoryNotFoundError,
  FileNotFoundError,
  IsADirectoryError,
  NotSupportedError,
} from "../errors.ts";
import { redactLocation } from "../location.ts";
import { statusOf, toWebdavDriveError } from "./webdav-errors.ts";

/** Servers whose PUT honours `X-OC-Mtime` (answering `X-OC-MTime: accepted`), as rclone's `vendor` option. */
export type WebdavVendor = "nextcloud" | "owncloud" | "other";

export interface WebdavDriveOptions {
  /** Base URL of the drive's root folder (http or https), without credentials. */
  readonly url: string;
  readonly username?: string;
  readonly password?: string;
  /** Redacted display name; defaults to `url` with its secrets masked. */
  readonly name?: string;
  /**
   * `nextcloud`/`owncloud` declare `canSetModTime` (the server keeps the `X-OC-Mtime` sent with each
   * PUT). Anything else: mod times are upload times, so `canSetModTime` is false and the engine
   * compares by size. The header is sent either way; a server that acknowledges it still gets it honoured.
   */
  readonly vendor?: WebdavVendor;
}

const MIME = "application/octet-stream";
const TEMP_CLEANUP_DELAYS_MS = [0, 100, 400, 1000];
/** Uploads in flight (or left by a crash), named as the local drive names its own: never listed. */
const TEMP_NAME = /^\..*\.syncron-[0-9a-f]{16}\.partial$/;

/**
 * A drive over a WebDAV folder with the `webdav` client: PROPFIND depth 1 per listing, basic auth,
 * writes to a temporary name in the same folder then MOVE (Overwrite: T) so readers never see a
 * partial upload, mod times via `X-OC-Mtime` where the server supports it. No hashes.
 */
export function createWebdavDrive(options: WebdavDriveOptions): Drive {
  const client: WebDAVClient = createClient(options.url, {
    ...(options.username !== undefined ? { username: options.username } : {}),
    ...(options.password !== undefined ? { password: options.password } : {}),
  });
  const vendor = options.vendor ?? "other";
  const features: DriveFeatures = {
    hashes: new Set(),
    modTimePrecisionMs: 1000, // getlastmodified is an RFC 1123 date: whole seconds
    canSetModTime: vendor === "nextcloud" || vendor === "owncloud",
    keepsEmptyDirectories: true,
    caseInsensitive: false,
    atomicWrites: true,
  };
  /**
   * Directories known to exist, so writes into one folder cost one PROPFIND, not one per file. The
   * root too is checked once (and created, as rclone does, when a sync's target folder is new).
   */
  const knownDirs = new Set<string>();
  const remote = (path: string) => `/${path}`;

  const toEntry = (path: string, item: FileStat): Entry => {
    const modTime = Date.parse(item.lastmod);
    const time = Number.isFinite(modTime) ? { modTime } : {};
    return item.type === "directory"
      ? { kind: "directory", path, ...time }
      : { kind: "file", path, size: item.size, ...time };
  };

  const statItem = async (
    path: string,
    missing: "file" | "directory",
    signal?: AbortSignal,
  ): Promise<FileStat> => {
    try {
      return (await client.stat(remote(path), signal ? { signal } : {})) as FileStat;
    } catch (error) {
      throw toWebdavDriveError(error, "stat", path, missing);
    }
  };

  const stat = async (path: string): Promise<FileEntry> => {
    checkPath(path);
    const item = await statItem(path, "file");
    if (item.type === "directory") throw new IsADirectoryError(`webdav stat "${path}": is a directory`, path);
    return toEntry(path, item) as FileEntry;
  };

  const ensureDir = async (dir: string): Promise<void> => {
    if (knownDirs.has(dir)) return;
    try {
      const item = await client.stat(remote(dir));
      if ((item as FileStat).type !== "directory") {
        throw new DirectoryNotFoundError(`webdav mkdir "${dir}": a file is in the way`, dir);
      }
    } catch (error) {
      if (statusOf(error) !== 404) throw toWebdavDriveError(error, "mkdir", dir, "directory");
      if (dir !== "") await ensureDir(parentOf(dir));
      try {
        await client.createDirectory(remote(dir));
      } catch (createError) {
        // 405: it exists already (another writer made it between our PROPFIND and MKCOL).
        if (statusOf(createError) !== 405) throw toWebdavDriveError(createError, "mkdir", dir, "directory");
      }
    }
    knownDirs.add(dir);
  };

  /**
   * Deletes a failed upload's temporary file. Many servers keep partial PUTs, and one may still be
   * finishing the request we gave up on, creating the file after a first DELETE found nothing: so try
   * again a few times until a DELETE removes it (or it never shows up).
   */
  const removeTemp = async (temp: string): Promise<void> => {
    for (const delayMs of TEMP_CLEANUP_DELAYS_MS) {
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      try {
        await client.deleteFile(remote(temp));
        return;
      } catch (error) {
        if (statusOf(error) !== 404) return; // unreachable or refused: nothing more we can do
      }
    }
  };

  return {
    name: options.name ?? redactLocation(options.url),
    features,

    async *list(dir, listOptions) {
      checkPath(dir, { allowRoot: true });
      const signal = listOptions?.signal;
      let items: FileStat[];
      try {
        items = (await client.getDirectoryContents(remote(dir), {
          includeSelf: true,
          ...(signal ? { signal } : {}),
        })) as FileStat[];
      } catch (error) {
        throw toWebdavDriveError(error, "list", dir, "directory");
      }
      const self = remote(dir).replace(/\/$/, "") || "/";
      const selfItem = items.find((item) => item.filename === self);
      if (selfItem?.type === "file") throw new DirectoryNotFoundError(`webdav list "${dir}": is a file`, dir);
      knownDirs.add(dir);
      for (const item of items) {
        if (item === selfItem || !item.basename || TEMP_NAME.test(item.basename)) continue;
        yield toEntry(joinPath(dir, item.basename), item);
      }
    },

    stat,

    async read(path, readOptions) {
      checkPath(path);
      const signal = readOptions?.signal;
      let response: { body?: unknown };
      try {
        response = (await client.customRequest(remote(path), {
          method: "GET",
          ...(signal ? { signal } : {}),
        })) as unknown as { body?: unknown };
      } catch (error) {
        throw toWebdavDriveError(error, "read", path);
      }
      const body = response.body;
      if (body === null || body === undefined) return new Blob([]).stream() as ReadableStream<Uint8Array>;
      if (body instanceof Readable) return Readable.toWeb(body) as unknown as ReadableStream<Uint8Array>;
      return body as ReadableStream<Uint8Array>;
    },

    async write(path, body, source, writeOptions) {
      checkPath(path);
      const signal = writeOptions?.signal;
      const dir = parentOf(path);
      await ensureDir(dir);
      // MOVE with Overwrite: T would replace a whole directory by the file: refuse first.
      const existing = await statItem(path, "file", signal).catch((error: unknown) => {
        if (error instanceof FileNotFoundError) return undefined;
        throw error;
      });
      if (existing?.type === "directory") {
        throw new IsADirectoryError(`webdav write "${path}": a directory is in the way`, path);
      }
      const temp = joinPath(
        dir,
        `.${baseName(path).slice(0, 40)}.syncron-${randomBytes(8).toString("hex")}.partial`,
      );
      const headers: Record<string, string> = { "Content-Type": MIME };
      // rclone sends whole seconds too; servers without support ignore the header.
      if (source.modTime !== undefined) headers["X-OC-Mtime"] = String(Math.floor(source.modTime / 1000));
      if (Number.isSafeInteger(source.size) && source.size >= 0)
        headers["Content-Length"] = String(source.size);
      // A short body would leave the server waiting for the bytes Content-Length promised.
      const data = pipeline(
        Readable.fromWeb(body as WebReadableStream<Uint8Array>),
        checkBody("webdav", path, source),
        () => {},
      );
      try {
        await client.customRequest(remote(temp), {
          method: "PUT",
          headers,
          data: data as unknown as Uint8Array, // the client streams a Node Readable as is
          ...(signal ? { signal } : {}),
        });
        await client.moveFile(remote(temp), remote(path), { overwrite: true });
      } catch (error) {
        data.destroy();
        await removeTemp(temp);
        throw toWebdavDriveError(error, "write", path);
      }
      return stat(path);
    },

    async delete(path) {
      await stat(path); // DELETE on a collection is recursive: make sure this is a file
      try {
        await client.deleteFile(remote(path));
      } catch (error) {
        throw toWebdavDriveError(error, "delete", path);
      }
    },

    async mkdir(dir) {
      checkPath(dir, { allowRoot: true });
      await ensureDir(dir);
    },

    async rmdir(dir) {
      checkPath(dir);
      let items: FileStat[];
      try {
        items = (await client.getDirectoryContents(remote(dir), { includeSelf: true })) as FileStat[];
      } catch (error) {
        throw toWebdavDriveError(error, "rmdir", dir, "directory");
      }
      const self = items.find((item) => item.filename === remote(dir));
      if (self?.type === "file") throw new DirectoryNotFoundError(`webdav rmdir "${dir}": is a file`, dir);
      if (items.some((item) => item !== self))
        throw new DirectoryNotEmptyError(`webdav rmdir "${dir}": directory not empty`, dir);
      try {
        await client.deleteFile(remote(dir));
      } catch (error) {
        throw toWebdavDriveError(error, "rmdir", dir, "directory");
      }
      for (const known of knownDirs)
        if (known === dir || known.startsWith(`${dir}/`)) knownDirs.delete(known);
    },

    async hash(path, type) {
      throw new NotSupportedError(`webdav has no ${type} hashes`, path);
    },
  };
}
