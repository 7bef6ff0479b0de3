import { createHash } from "node:crypto";
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
  type HashType,
  joinPath,
  parentOf,
} from "../drive.ts";
import { DirectoryNotEmptyError, DriveError, IsADirectoryError, NotSupportedError } from "../errors.ts";
import { redactLocation } from "../location.ts";
import type { RequestGate } from "../rate-limit.ts";
import { isStaleTemp, TEMP_NAME, timedTempName } from "../temp-names.ts";
import { type OpenListAuth, OpenListClient, OpenListReplyError, toOpenListError } from "./openlist-client.ts";
import { copyInsideOpenList, registerOpenListDrive } from "./openlist-copy.ts";
import { type ObjResp, toEntry } from "./openlist-objects.ts";

export interface OpenListDriveOptions extends OpenListAuth {
  /** The OpenList (or Alist v3) site, e.g. `https://pan.example.com` (a sub-path if it is served under one). */
  readonly url: string;
  /** The drive's folder inside OpenList, e.g. `/baidu/backup`; default `/`. */
  readonly root?: string;
  /** List with `refresh: true` (OpenList re-reads the storage instead of its cache). Costs storage API calls. */
  readonly refresh?: boolean;
  /**
   * The storage behind `root` keeps the mod time sent with each upload (OpenList's Local, Baidu Netdisk,
   * OneDrive, Aliyun Open…; not Quark): `canSetModTime`. Default false: mod times are upload times and
   * the engine compares by size (and hashes the listing gives). `probeOpenListModTime` measures it.
   */
  readonly keepsModTimes?: boolean;
  /** Entries per `/api/fs/list` page (default 1000). */
  readonly pageSize?: number;
  /** Redacted display name; default the URL and root. */
  readonly name?: string;
  /** Waits before each HTTP request (the drive's `tps`) and hears of throttling. */
  readonly gate?: RequestGate;
}

interface ListData {
  content: ObjResp[] | null;
  total: number;
}

const DEFAULT_PAGE_SIZE = 1000;
/** Listings of one folder, each changed under its paging, before the listing fails (retryable). */
const LIST_ATTEMPTS = 3;
const HASHES: readonly HashType[] = ["md5", "sha1", "sha256"];
const HASH_HEADERS: Record<HashType, string> = {
  md5: "X-File-Md5",
  sha1: "X-File-Sha1",
  sha256: "X-File-Sha256",
};

/** Each segment URL-encoded, as OpenList's `utils.EncodePath` and `url.PathUnescape` expect. */
export const encodePath = (path: string): string => path.split("/").map(encodeURIComponent).join("/");

/**
 * A drive over a folder of an OpenList (or Alist v3) server through its REST API: `POST /api/fs/list`
 * paged, hashes from `hashinfo` (whichever of md5/sha1/sha256 the storage gives; `hash` reads the file
 * for the others), mod times from `modified`, uploads with `PUT /api/fs/put` to a temporary name (with
 * `Last-Modified` and the source's hashes) renamed over the target, so readers never see a partial
 * file. Same-server copies go through `copyFrom` (`POST /api/fs/copy`), see openlist-copy.ts.
 */
export function createOpenListDrive(options: OpenListDriveOptions): Drive {
  const client = new OpenListClient(options.url, options, options.gate);
  const root = `/${(options.root ?? "/").split("/").filter(Boolean).join("/")}`;
  const remote = (path: string) => (path === "" ? root : root === "/" ? `/${path}` : `${root}/${path}`);
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  const features: DriveFeatures = {
    hashes: new Set(HASHES),
    modTimePrecisionMs: 1000, // Baidu and others keep whole seconds; Local keeps more
    canSetModTime: options.keepsModTimes === true,
    keepsEmptyDirectories: true,
    caseInsensitive: false,
    atomicWrites: true,
  };

  const get = async (path: string, missing: "file" | "directory" = "file", signal?: AbortSignal) => {
    try {
      return await client.call<ObjResp & { sign?: string }>("/api/fs/get", { path: remote(path) }, signal);
    } catch (error) {
      throw toOpenListError(error, "stat", path, missing);
    }
  };

  const stat = async (path: string, signal?: AbortSignal): Promise<FileEntry> => {
    checkPath(path);
    const obj = await get(path, "file", signal);
    if (obj.is_dir) throw new IsADirectoryError(`openlist stat "${path}": is a directory`, path);
    return toEntry(path, obj) as FileEntry;
  };

  const remove = async (path: string, action: string, missing: "file" | "directory") => {
    try {
      await client.call("/api/fs/remove", { dir: remote(parentOf(path)), names: [baseName(path)] });
    } catch (error) {
      throw toOpenListError(error, action, path, missing);
    }
  };

  /**
   * Renames the uploaded temporary file over `name`. A cached storage may not know the upload yet when
   * a listing of the folder was in flight during it (op.List shares one listing per folder): then
   * refresh the folder once and rename again.
   */
  const renameOver = async (temp: string, name: string, signal?: AbortSignal) => {
    const rename = () => client.call("/api/fs/rename", { path: remote(temp), name, overwrite: true }, signal);
    try {
      await rename();
    } catch (error) {
      if (!(error instanceof OpenListReplyError) || !/object not found/i.test(error.message)) throw error;
      const folder = { path: remote(parentOf(temp)), page: 1, per_page: 1, refresh: true };
      await client.call("/api/fs/list", folder, signal);
      await rename();
    }
  };

  const read = async (path: string, signal?: AbortSignal): Promise<ReadableStream<Uint8Array>> => {
    const obj = await get(path, "file", signal);
    if (obj.is_dir) throw new IsADirectoryError(`openlist read "${path}": is a directory`, path);
    const query = obj.sign ? `?sign=${encodeURIComponent(obj.sign)}` : "";
    let response: Response;
    try {
      response = await client.authorized(
        (token) =>
          client.fetch(`/d${encodePath(remote(path))}${query}`, {
            headers: { Authorization: token },
            redirect: "follow",
            ...(signal ? { signal } : {}),
          }),
        signal,
      );
    } catch (error) {
      throw toOpenListError(error, "read", path);
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      throw toOpenListError(
        Object.assign(new Error(`HTTP ${response.status}`), { status: response.status }),
        "read",
        path,
      );
    }
    if (!response.body) return new Blob([]).stream();
    // Taken (locked) now: undici cancels the body of a Response collected while its body is unread
    // (its FinalizationRegistry), and the stream then ends at 0 bytes for a caller that starts
    // reading a few requests later (a WebDAV target's write makes its folder first).
    return response.body.pipeThrough(new TransformStream<Uint8Array, Uint8Array>());
  };

  /**
   * A folder's entries, page by page, or undefined when the folder changed between pages: OpenList
   * pages by position in a listing it reads anew for each page where the storage is not cached
   * (Local), so a file removed after page 1 shifts page 2 and an entry fell between the pages unseen,
   * and a mirror deleted its copy. A changed `total` or a name seen twice tells; the caller then
   * lists the folder again.
   */
  const listPages = async (
    dir: string,
    signal: AbortSignal | undefined,
  ): Promise<{ entries: Entry[]; temps: string[] } | undefined> => {
    const entries: Entry[] = [];
    const temps: string[] = [];
    const names = new Set<string>();
    let total: number | undefined;
    for (let page = 1; ; page++) {
      let data: ListData;
      try {
        data = await client.call<ListData>(
          "/api/fs/list",
          // Only the first page refreshes: the later ones come from the cache it filled.
          { path: remote(dir), page, per_page: pageSize, refresh: options.refresh === true && page === 1 },
          signal,
        );
      } catch (error) {
        throw toOpenListError(error, "list", dir, "directory");
      }
      const content = data.content ?? [];
      total ??= data.total;
      if (data.total !== total) return undefined;
      for (const obj of content) {
        if (names.has(obj.name)) return undefined;
        names.add(obj.name);
        if (TEMP_NAME.test(obj.name)) {
          // Uploads a killed run left (files; a copy's temporary folder is resumed by its continuation).
          if (!obj.is_dir && isStaleTemp(obj.name, Date.parse(obj.modified ?? "")))
            temps.push(joinPath(dir, obj.name));
          continue;
        }
        entries.push(toEntry(joinPath(dir, obj.name), obj));
      }
      // Past the last page (an empty one) too: a server whose total counts what it does not list.
      if (names.size >= total || content.length === 0) return { entries, temps };
    }
  };

  /** Stale temporary files the last listing of each folder saw (drive path → paths), for removeStaleTemps. */
  const staleTemps = new Map<string, string[]>();

  const drive: Drive = {
    name: options.name ?? `openlist:${redactLocation(options.url)}${root === "/" ? "" : root}`,
    features,

    async *list(dir, listOptions) {
      checkPath(dir, { allowRoot: true });
      for (let attempt = 1; ; attempt++) {
        const listing = await listPages(dir, listOptions?.signal);
        if (listing) {
          if (listing.temps.length > 0) staleTemps.set(dir, listing.temps);
          else staleTemps.delete(dir);
          yield* listing.entries;
          return;
        }
        if (attempt >= LIST_ATTEMPTS)
          throw new DriveError(
            `openlist list "${dir}": the folder changed while it was read page by page, ${LIST_ATTEMPTS} times in a row`,
            dir,
            { retryable: true },
          );
      }
    },

    stat: (path) => stat(path),

    async removeStaleTemps(dir) {
      const temps = staleTemps.get(dir) ?? [];
      staleTemps.delete(dir);
      let removed = 0;
      for (const temp of temps) {
        await remove(temp, "stale temporary file cleanup", "file").then(
          () => removed++,
          () => undefined, // gone already, or refused: it stays for a later run
        );
      }
      return removed;
    },

    async read(path, readOptions) {
      checkPath(path);
      return read(path, readOptions?.signal);
    },

    async write(path, body, source, writeOptions) {
      checkPath(path);
      const signal = writeOptions?.signal;
      const temp = joinPath(parentOf(path), timedTempName(baseName(path)));
      const headers: Record<string, string> = {
        "Content-Type": "application/octet-stream",
        "File-Path": encodePath(remote(temp)),
        "As-Task": "false",
        Overwrite: "true",
      };
      if (source.modTime !== undefined) headers["Last-Modified"] = String(Math.round(source.modTime));
      if (Number.isSafeInteger(source.size) && source.size >= 0)
        headers["Content-Length"] = String(source.size);
      for (const type of HASHES) {
        const value = source.hashes?.[type];
        if (value) headers[HASH_HEADERS[type]] = value.toLowerCase();
      }
      let bodyError: unknown;
      const data = pipeline(
        Readable.fromWeb(body as WebReadableStream<Uint8Array>),
        checkBody("openlist", path, source),
        (error) => {
          bodyError = error;
        },
      );
      try {
        await client.authorized(
          async (token) => {
            const response = await client.fetch("/api/fs/put", {
              method: "PUT",
              headers: { ...headers, Authorization: token },
              body: data as unknown as ReadableStream<Uint8Array>,
              duplex: "half",
              ...(signal ? { signal } : {}),
            } as RequestInit & { signal?: AbortSignal });
            const reply = (await response.json()) as { code: number; message: string };
            if (reply.code !== 200) throw new OpenListReplyError(reply.code, reply.message);
          },
          signal,
          false,
        );
        await renameOver(temp, baseName(path), signal);
      } catch (error) {
        data.destroy();
        await remove(temp, "write cleanup", "file").catch(() => {});
        const existing = await get(path).catch(() => undefined);
        if (existing?.is_dir)
          throw new IsADirectoryError(`openlist write "${path}": a directory is in the way`, path);
        // A body that broke (or did not match the listed size) says more than the aborted request.
        if (bodyError instanceof DriveError) throw bodyError;
        throw toOpenListError(error, "write", path, "directory");
      }
      return stat(path);
    },

    async delete(path) {
      await stat(path); // OpenList answers success for a missing name and removes folders whole
      await remove(path, "delete", "file");
    },

    async mkdir(dir) {
      checkPath(dir, { allowRoot: true });
      try {
        await client.call("/api/fs/mkdir", { path: remote(dir) });
      } catch (error) {
        throw toOpenListError(error, "mkdir", dir, "directory");
      }
    },

    async rmdir(dir) {
      checkPath(dir);
      let data: ListData;
      try {
        data = await client.call<ListData>("/api/fs/list", {
          path: remote(dir),
          page: 1,
          per_page: 1,
          refresh: options.refresh === true,
        });
      } catch (error) {
        throw toOpenListError(error, "rmdir", dir, "directory");
      }
      if (data.total > 0)
        throw new DirectoryNotEmptyError(`openlist rmdir "${dir}": directory not empty`, dir);
      await remove(dir, "rmdir", "directory");
    },

    async hash(path, type) {
      checkPath(path);
      if (!features.hashes.has(type)) throw new NotSupportedError(`openlist has no ${type} hashes`, path);
      const listed = (await stat(path)).hashes?.[type];
      if (listed) return listed;
      const hasher = createHash(type);
      for await (const chunk of await read(path)) hasher.update(chunk);
      return hasher.digest("hex");
    },

    copyFrom: (from, source, path, copyOptions) => copyInsideOpenList(drive, from, source, path, copyOptions),
  };
  registerOpenListDrive(drive, client, remote);
  return drive;
}
