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
  DriveError,
  FileNotFoundError,
  IsADirectoryError,
  NotSupportedError,
} from "../errors.ts";
import { gatedAgents } from "../gated-agent.ts";
import { redactLocation } from "../location.ts";
import type { RequestGate } from "../rate-limit.ts";
import { isStaleTemp, TEMP_NAME, timedTempName } from "../temp-names.ts";
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
  /** Holds each HTTP request for the drive's rate limit (`tps`), and hears of 429 answers. */
  readonly gate?: RequestGate;
}

/** Whether a PUT's response says the server kept the `X-OC-Mtime` it was sent (ownCloud, Nextcloud). */
const ocMtimeAccepted = (headers: { get(name: string): string | null }): boolean =>
  headers.get("x-oc-mtime")?.trim().toLowerCase() === "accepted";

/** Every WebDAV drive, for `copyFrom`: a peer on the same server with the same credentials copies with COPY. */
const webdavDrives = new WeakMap<
  Drive,
  { readonly client: WebDAVClient; readonly server: string; readonly remote: (path: string) => string }
>();

const MIME = "application/octet-stream";

/**
 * Basic auth as RFC 7617 says (`charset="UTF-8"`): user and password as UTF-8, then base64. The
 * client's own header takes them as Latin-1 and throws on anything beyond it (a `€` crashed the
 * write, an `ö` answered 401).
 */
const basicAuth = (username?: string, password?: string): { headers?: Record<string, string> } =>
  username === undefined && password === undefined
    ? {}
    : {
        headers: {
          Authorization: `Basic ${Buffer.from(`${username ?? ""}:${password ?? ""}`, "utf8").toString("base64")}`,
        },
      };
const TEMP_CLEANUP_DELAYS_MS = [0, 100, 400, 1000];

/**
 * A drive over a WebDAV folder with the `webdav` client: PROPFIND depth 1 per listing, basic auth,
 * writes to a temporary name in the same folder then MOVE (Overwrite: T) so readers never see a
 * partial upload (a killed run's leftovers go with `removeStaleTemps`), mod times via `X-OC-Mtime`
 * where the server supports it. No hashes.
 */
export function createWebdavDrive(options: WebdavDriveOptions): Drive {
  const auth = basicAuth(options.username, options.password);
  const agents = options.gate ? gatedAgents(options.gate) : {};
  const client: WebDAVClient = createClient(options.url, { ...auth, ...agents });
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
  /** Stale temporary files (uploads a killed run left) the last listing of each folder saw. */
  const staleTemps = new Map<string, string[]>();
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

  // One MKCOL per folder however many writes need it at once: concurrent MKCOLs of one collection
  // race on the server (Apache mod_dav answers some of them 403).
  const creatingDirs = new Map<string, Promise<void>>();
  const ensureDir = (dir: string): Promise<void> => {
    if (knownDirs.has(dir)) return Promise.resolve();
    let creating = creatingDirs.get(dir);
    if (!creating) {
      creating = makeDir(dir).finally(() => creatingDirs.delete(dir));
      creatingDirs.set(dir, creating);
    }
    return creating;
  };

  const makeDir = async (dir: string): Promise<void> => {
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
        // 409 on the root: folders above the drive's URL are missing too (`…/backup/photos` on a
        // server without `backup`): create them as rclone does, then the root.
        if (dir === "" && statusOf(createError) === 409) await createRootPath();
        // 405, or any refusal while another client made it meanwhile: it exists, which is all we want.
        else if (statusOf(createError) !== 405 && !(await isDirectory(dir)))
          throw toWebdavDriveError(createError, "mkdir", dir, "directory");
      }
    }
    knownDirs.add(dir);
  };

  const isDirectory = async (dir: string): Promise<boolean> => {
    try {
      return ((await client.stat(remote(dir))) as FileStat).type === "directory";
    } catch {
      return false;
    }
  };

  /** MKCOL of every missing folder of the drive's URL path, from the server's root down. */
  const createRootPath = async (): Promise<void> => {
    const url = new URL(options.url);
    const server = createClient(url.origin, { ...auth, ...agents });
    const segments = url.pathname.split("/").filter(Boolean);
    for (let i = 1; i <= segments.length; i++) {
      const folder = `/${segments.slice(0, i).join("/")}`;
      try {
        await server.createDirectory(folder);
      } catch (error) {
        // 405: there already (MKCOL on an existing resource). Anything else names the folder.
        if (statusOf(error) !== 405)
          throw toWebdavDriveError(error, "mkdir", decodeURIComponent(folder), "directory");
      }
    }
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

  /** Set once a COPY came back without the source's mod time on a server that keeps mod times on PUT. */
  let copyLosesModTime = false;
  /** The server and the account: drives that agree on both can COPY between their folders. */
  const server = JSON.stringify([
    new URL(options.url).origin,
    options.username ?? "",
    options.password ?? "",
  ]);
  /** The absolute URL of a path under this drive's root, as a COPY Destination names it. */
  const urlOf = (path: string): string =>
    `${options.url.replace(/\/+$/, "")}/${path.split("/").map(encodeURIComponent).join("/")}`;

  /** Refuses to write over a directory (MOVE with Overwrite: T would replace it whole). */
  const refuseDirectory = async (path: string, signal?: AbortSignal): Promise<void> => {
    const existing = await statItem(path, "file", signal).catch((error: unknown) => {
      if (error instanceof FileNotFoundError) return undefined;
      throw error;
    });
    if (existing?.type === "directory") {
      throw new IsADirectoryError(`webdav write "${path}": a directory is in the way`, path);
    }
  };

  /** A temporary name beside `path`, hidden from listings. */
  const tempFor = (path: string): string => joinPath(parentOf(path), timedTempName(baseName(path)));

  const drive: Drive = {
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
      staleTemps.delete(dir);
      for (const item of items) {
        if (item === selfItem || !item.basename) continue;
        if (TEMP_NAME.test(item.basename)) {
          if (item.type === "file" && isStaleTemp(item.basename, Date.parse(item.lastmod)))
            staleTemps.set(dir, [...(staleTemps.get(dir) ?? []), joinPath(dir, item.basename)]);
          continue;
        }
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
      await refuseDirectory(path, signal);
      const temp = tempFor(path);
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
        const response = await client.customRequest(remote(temp), {
          method: "PUT",
          headers,
          data: data as unknown as Uint8Array, // the client streams a Node Readable as is
          ...(signal ? { signal } : {}),
        });
        // A vendor that keeps mod times says so; without it the next run would copy the file again.
        if (features.canSetModTime && source.modTime !== undefined && !ocMtimeAccepted(response.headers)) {
          throw new DriveError(
            `webdav write "${path}": the server did not answer "X-OC-MTime: accepted", so it does not keep mod times: drop vendor=${vendor} from the location; previous file kept`,
            path,
          );
        }
        await client.moveFile(remote(temp), remote(path), { overwrite: true });
      } catch (error) {
        data.destroy();
        await removeTemp(temp);
        throw toWebdavDriveError(error, "write", path);
      }
      return stat(path);
    },

    /**
     * From a folder of the same server and account: COPY (Depth 0) to a temporary name, then MOVE over
     * the target as `write` does, so no byte passes through this process and readers never see a part.
     * A copy whose size is not the listed one is removed and fails; the previous file stays. Where the
     * drive keeps mod times (X-OC-Mtime on PUT) but the server's COPY does not, it answers undefined
     * (the engine streams) from then on.
     */
    async copyFrom(from, source, path, copyOptions) {
      const peer = webdavDrives.get(from);
      if (!peer || peer.server !== server || copyLosesModTime) return undefined;
      checkPath(path);
      checkPath(source.path);
      const signal = copyOptions?.signal;
      await ensureDir(parentOf(path));
      await refuseDirectory(path, signal);
      const temp = tempFor(path);
      try {
        await peer.client.customRequest(peer.remote(source.path), {
          method: "COPY",
          headers: { Destination: urlOf(temp), Overwrite: "F", Depth: "0" },
          ...(signal ? { signal } : {}),
        });
      } catch (error) {
        throw toWebdavDriveError(error, "copy", statusOf(error) === 404 ? source.path : path);
      }
      try {
        const copied = await statItem(temp, "file", signal);
        if (copied.size !== source.size) {
          throw new DriveError(
            `webdav copy "${path}": the source has ${copied.size} bytes, not the ${source.size} it listed; previous file kept`,
            path,
          );
        }
        const copiedTime = Date.parse(copied.lastmod);
        if (
          features.canSetModTime &&
          source.modTime !== undefined &&
          !(Math.abs(copiedTime - source.modTime) < 1000)
        ) {
          // This server's COPY does not keep the mod time it keeps on PUT: stream (and stop asking).
          copyLosesModTime = true;
          await removeTemp(temp);
          return undefined;
        }
        await client.moveFile(remote(temp), remote(path), { overwrite: true });
      } catch (error) {
        await removeTemp(temp);
        throw toWebdavDriveError(error, "copy", path);
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

    async removeStaleTemps(dir) {
      const temps = staleTemps.get(dir) ?? [];
      staleTemps.delete(dir);
      let removed = 0;
      for (const temp of temps) {
        await client.deleteFile(remote(temp)).then(
          () => removed++,
          () => undefined, // gone already, or refused: it stays for a later run
        );
      }
      return removed;
    },

    async hash(path, type) {
      throw new NotSupportedError(`webdav has no ${type} hashes`, path);
    },
  };
  webdavDrives.set(drive, { client, server, remote });
  return drive;
}
