import { pipeline, Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
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
import { redactLocation } from "../location.ts";
import { isStaleTemp, TEMP_NAME, timedTempName } from "../temp-names.ts";
import { type DavItem, hrefPath, PROPFIND_BODY, parseMultistatus } from "./propfind.ts";
import { statusOf, toWebdavDriveError } from "./webdav-errors.ts";
import {
  createWebdavHttp,
  ocMtimeAccepted,
  type WebdavHttp,
  WebdavHttpError,
  type WebdavHttpOptions,
} from "./webdav-http.ts";

/** Servers whose PUT honours `X-OC-Mtime` (answering `X-OC-MTime: accepted`), as rclone's `vendor` option. */
export type WebdavVendor = "nextcloud" | "owncloud" | "other";

export interface WebdavDriveOptions extends WebdavHttpOptions {
  /** Redacted display name; defaults to `url` with its secrets masked. */
  readonly name?: string;
  /**
   * `nextcloud`/`owncloud` declare `canSetModTime` (the server keeps the `X-OC-Mtime` sent with each
   * PUT). Anything else: mod times are upload times, so `canSetModTime` is false and the engine
   * compares by size. The header is sent either way; a server that acknowledges it still gets it honoured.
   */
  readonly vendor?: WebdavVendor;
}

/** Every WebDAV drive, for `copyFrom`: a peer on the same server with the same credentials copies with COPY. */
const webdavDrives = new WeakMap<Drive, { readonly http: WebdavHttp; readonly server: string }>();

const MIME = "application/octet-stream";
const TEMP_CLEANUP_DELAYS_MS = [0, 100, 400, 1000];

/**
 * A drive over a WebDAV folder (webdav-http.ts): PROPFIND depth 1 per listing, read as it streams in, basic auth,
 * writes to a temporary name in the same folder then MOVE (Overwrite: T) so readers never see a
 * partial upload (a killed run's leftovers go with `removeStaleTemps`), mod times via `X-OC-Mtime`
 * where the server supports it. No hashes.
 */
export function createWebdavDrive(options: WebdavDriveOptions): Drive {
  const http = createWebdavHttp(options);
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

  const toEntry = (path: string, item: DavItem): Entry => {
    const time = item.modTime !== undefined ? { modTime: item.modTime } : {};
    return item.directory
      ? { kind: "directory", path, ...time }
      : { kind: "file", path, size: item.size, ...time };
  };

  /**
   * PROPFIND of a path (Depth 1: a folder and its entries), the answer's items as they arrive. A
   * folder is asked for without a trailing slash (Apache answers 400 when it is a file), and relative
   * hrefs are resolved as within it.
   */
  async function* propfind(path: string, depth: "0" | "1", signal?: AbortSignal): AsyncGenerator<DavItem> {
    const url = http.urlOf(path);
    const body = await http.open("PROPFIND", url, {
      headers: { Depth: depth, "Content-Type": "application/xml; charset=utf-8" },
      body: PROPFIND_BODY,
      signal,
    });
    try {
      yield* parseMultistatus(
        body.setEncoding("utf8"),
        depth === "1" ? http.urlOf(path, { directory: true }) : url,
      );
    } finally {
      if (!body.complete) body.destroy(); // stopped early: drop the connection rather than read on
    }
  }

  /** The item at `path` (Depth 0); a raw error (webdav-errors.ts converts it), 404 when it is not there. */
  const propfindOne = async (path: string, signal?: AbortSignal): Promise<DavItem> => {
    let first: DavItem | undefined;
    for await (const item of propfind(path, "0", signal)) first ??= item;
    if (!first) throw new WebdavHttpError(404, "no such item in the answer");
    return first;
  };

  const statItem = async (
    path: string,
    missing: "file" | "directory",
    signal?: AbortSignal,
  ): Promise<DavItem> => {
    try {
      return await propfindOne(path, signal);
    } catch (error) {
      throw toWebdavDriveError(error, "stat", path, missing);
    }
  };

  const stat = async (path: string): Promise<FileEntry> => {
    checkPath(path);
    const item = await statItem(path, "file");
    if (item.directory) throw new IsADirectoryError(`webdav stat "${path}": is a directory`, path);
    return toEntry(path, item) as FileEntry;
  };

  /**
   * The path a folder's own item has in a PROPFIND answer of it, NFC, as `answered` reads an
   * item's: a server that stores names NFC (Nextcloud) answers a folder asked for as `Pho\u0308tos` as
   * `Ph\u00f6tos`, its own item and its entries alike.
   */
  const selfPath = (dir: string): string => {
    const url = http.urlOf(dir, { directory: true });
    return hrefPath(url, url).normalize("NFC");
  };
  const answered = (item: DavItem): string => item.path.normalize("NFC");

  /**
   * Whether a listed item is an entry of the folder whose own path is `self`: one deeper is not (a
   * server that ignored Depth: 1 answers the whole tree; each folder is listed on its own), and an
   * item outside the folder, or named `.` or `..`, is an answer this drive cannot trust: it fails.
   */
  const childOf = (item: DavItem, self: string, dir: string): boolean => {
    const within = self === "/" ? "/" : `${self}/`;
    const path = answered(item);
    if (path.startsWith(within) && path.slice(within.length).includes("/")) return false;
    if (!path.startsWith(within) || item.name === "" || item.name === "." || item.name === "..") {
      throw new DriveError(
        `webdav list "${dir}": the server answered for ${JSON.stringify(item.path)}, which is no entry of ${JSON.stringify(self)} (outside the folder, or named "." or "..")`,
        dir,
      );
    }
    return true;
  };

  /** MOVE with Overwrite: T, so a finished upload replaces the file at once. */
  const moveOver = (from: string, to: string): Promise<unknown> =>
    http.send("MOVE", http.urlOf(from), { headers: { Destination: http.urlOf(to), Overwrite: "T" } });

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
      const item = await propfindOne(dir);
      if (!item.directory) {
        throw new DirectoryNotFoundError(`webdav mkdir "${dir}": a file is in the way`, dir);
      }
    } catch (error) {
      if (statusOf(error) !== 404) throw toWebdavDriveError(error, "mkdir", dir, "directory");
      if (dir !== "") await ensureDir(parentOf(dir));
      try {
        await http.send("MKCOL", http.urlOf(dir, { directory: true }));
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
      return (await propfindOne(dir)).directory;
    } catch {
      return false;
    }
  };

  /** MKCOL of every missing folder of the drive's URL path, from the server's root down. */
  const createRootPath = async (): Promise<void> => {
    const segments = new URL(options.url).pathname.split("/").filter(Boolean); // percent-encoded
    for (let i = 1; i <= segments.length; i++) {
      const folder = `/${segments.slice(0, i).join("/")}`;
      try {
        await http.send("MKCOL", http.serverUrl(`${folder}/`));
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
        await http.send("DELETE", http.urlOf(temp));
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
  /** Refuses to write over a directory (MOVE with Overwrite: T would replace it whole). */
  const refuseDirectory = async (path: string, signal?: AbortSignal): Promise<void> => {
    const existing = await statItem(path, "file", signal).catch((error: unknown) => {
      if (error instanceof FileNotFoundError) return undefined;
      throw error;
    });
    if (existing?.directory) {
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
      const self = selfPath(dir);
      const temps: string[] = [];
      try {
        for await (const item of propfind(dir, "1", listOptions?.signal)) {
          if (answered(item) === self) {
            if (!item.directory) throw new DirectoryNotFoundError(`webdav list "${dir}": is a file`, dir);
            continue;
          }
          if (!childOf(item, self, dir)) continue;
          if (TEMP_NAME.test(item.name)) {
            if (!item.directory && isStaleTemp(item.name, item.modTime ?? Number.NaN))
              temps.push(joinPath(dir, item.name));
            continue;
          }
          yield toEntry(joinPath(dir, item.name), item);
        }
      } catch (error) {
        throw toWebdavDriveError(error, "list", dir, "directory");
      }
      knownDirs.add(dir);
      if (temps.length > 0) staleTemps.set(dir, temps);
      else staleTemps.delete(dir);
    },

    stat,

    async read(path, readOptions) {
      checkPath(path);
      const signal = readOptions?.signal;
      try {
        const response = await http.open("GET", http.urlOf(path), { signal });
        return Readable.toWeb(response) as unknown as ReadableStream<Uint8Array>;
      } catch (error) {
        throw toWebdavDriveError(error, "read", path);
      }
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
        const answer = await http.send("PUT", http.urlOf(temp), { headers, body: data, signal });
        // A vendor that keeps mod times says so; without it the next run would copy the file again.
        if (features.canSetModTime && source.modTime !== undefined && !ocMtimeAccepted(answer)) {
          throw new DriveError(
            `webdav write "${path}": the server did not answer "X-OC-MTime: accepted", so it does not keep mod times: drop vendor=${vendor} from the location; previous file kept`,
            path,
          );
        }
        await moveOver(temp, path);
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
        await peer.http.send("COPY", peer.http.urlOf(source.path), {
          headers: { Destination: http.urlOf(temp), Overwrite: "F", Depth: "0" },
          signal,
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
        if (
          features.canSetModTime &&
          source.modTime !== undefined &&
          !(Math.abs((copied.modTime ?? Number.NaN) - source.modTime) < 1000)
        ) {
          // This server's COPY does not keep the mod time it keeps on PUT: stream (and stop asking).
          copyLosesModTime = true;
          await removeTemp(temp);
          return undefined;
        }
        await moveOver(temp, path);
      } catch (error) {
        await removeTemp(temp);
        throw toWebdavDriveError(error, "copy", path);
      }
      return stat(path);
    },

    async delete(path) {
      await stat(path); // DELETE on a collection is recursive: make sure this is a file
      try {
        await http.send("DELETE", http.urlOf(path));
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
      const self = selfPath(dir);
      try {
        for await (const item of propfind(dir, "1")) {
          if (answered(item) !== self)
            throw new DirectoryNotEmptyError(`webdav rmdir "${dir}": directory not empty`, dir);
          if (!item.directory) throw new DirectoryNotFoundError(`webdav rmdir "${dir}": is a file`, dir);
        }
      } catch (error) {
        throw toWebdavDriveError(error, "rmdir", dir, "directory");
      }
      try {
        await http.send("DELETE", http.urlOf(dir, { directory: true }));
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
        await http.send("DELETE", http.urlOf(temp)).then(
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
  webdavDrives.set(drive, { http, server });
  return drive;
}
