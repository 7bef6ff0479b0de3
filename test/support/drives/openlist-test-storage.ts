/**
 * The storage side of the OpenList test server: mount points backed by folders on disk, with the
 * behaviour of OpenList's `internal/op/fs.go` (Get, List with its directory cache, MakeDir, Put,
 * Rename, Move, Copy, Remove) and of two driver profiles. Written from the source of
 * OpenListTeam/OpenList (commit 0b1e9d09); no code copied.
 *
 * - `local` follows `drivers/local` (driver.go, util.go, meta.go): `NoCache`, keeps the mod time a PUT
 *   sends (`os.Chtimes` after the copy), gives no hashes, writes the target file in place (`os.Create`,
 *   so a broken upload leaves a partial file), renames and moves with `os.Rename` (atomic replace).
 *   A copy inside the storage is a reflink (`tryReflinkCopy`): done at once where the disk supports it
 *   (`reflink: true`; the clone gets a new mod time), else `errs.NotImplement`, which `fs.transfer`
 *   turns into a copy task like a cross-storage copy.
 * - `cloud` stands for a cloud drive such as 115 or Aliyun Open (`drivers/115/types.go`,
 *   `drivers/aliyundrive_open/types.go`): the listing is cached (`op.List` → `Cache.dirCache`) and
 *   served from the cache unless `refresh`, mutations update the cached entry with a "Temp" object
 *   (the sent mod time, no hash), the storage itself keeps the upload time as mod time and reports
 *   md5 and sha1 hashes; no copy inside the storage (`errs.NotImplement` → a copy task).
 */
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { copyFile, lstat, mkdir, readdir, rename, rm, unlink, utimes } from "node:fs/promises";
import { join, posix } from "node:path";

export type StorageProfile = "local" | "cloud";

export interface MountSpec {
  /** Where OpenList mounts the storage, e.g. `/local`. */
  readonly mountPath: string;
  /** The folder on disk holding its files. */
  readonly root: string;
  readonly profile: StorageProfile;
  /** `local` only: the disk can reflink (btrfs, xfs), so copies inside the storage need no task. */
  readonly reflink?: boolean;
}

/** `model.Obj` as the handlers see it. */
export interface Obj {
  readonly name: string;
  readonly size: number;
  readonly isDir: boolean;
  readonly modified: Date;
  readonly created: Date;
  /** hash name (`md5`, `sha1`, `sha256`) → hex; empty where the storage gives none. */
  readonly hashes: Readonly<Record<string, string>>;
}

/** An error of OpenList's `errs` package: the message the handlers put into the reply. */
export class OpError extends Error {}
export const OBJECT_NOT_FOUND = "object not found";
const GO_ZERO_TIME = new Date("0001-01-01T00:00:00Z");

interface Mount extends MountSpec {
  /** op.Cache.dirCache for this storage: actual dir path → entries. Unused for `local` (NoCache). */
  readonly cache: Map<string, Obj[]>;
}

/** `utils.FixAndCleanPath`: a leading `/`, `path.Clean`. */
export const cleanPath = (path: string): string =>
  posix.normalize(`/${path.replaceAll("\\", "/")}`).replace(/(.)\/$/, "$1");

export class Storages {
  private readonly mounts: Mount[];
  private readonly listings = new Map<string, Promise<Obj[]>>();
  private readonly hashMemo = new Map<string, { key: string; hashes: Record<string, string> }>();

  constructor(specs: readonly MountSpec[]) {
    this.mounts = specs.map((spec) => ({ ...spec, mountPath: cleanPath(spec.mountPath), cache: new Map() }));
  }

  /** `op.GetStorageAndActualPath`: the mount with the longest matching prefix. */
  resolve(path: string): { mount: Mount; actual: string } | undefined {
    const clean = cleanPath(path);
    let best: Mount | undefined;
    for (const mount of this.mounts) {
      const inside =
        clean === mount.mountPath || clean.startsWith(`${mount.mountPath === "/" ? "" : mount.mountPath}/`);
      if (inside && (!best || mount.mountPath.length > best.mountPath.length)) best = mount;
    }
    if (!best) return undefined;
    return { mount: best, actual: cleanPath(clean.slice(best.mountPath.length)) };
  }

  sameStorage(a: string, b: string): boolean {
    return this.resolve(a)?.mount === this.resolve(b)?.mount;
  }

  /** `op.GetStorageVirtualFilesByPath`: mount points below `path` show as folders. */
  private virtualDirs(path: string): Obj[] {
    const clean = cleanPath(path);
    const prefix = clean === "/" ? "/" : `${clean}/`;
    const names = new Set<string>();
    for (const mount of this.mounts) {
      if (mount.mountPath !== clean && mount.mountPath.startsWith(prefix)) {
        names.add(mount.mountPath.slice(prefix.length).split("/")[0] ?? "");
      }
    }
    return [...names].map((name) => ({
      name,
      size: 0,
      isDir: true,
      modified: GO_ZERO_TIME,
      created: GO_ZERO_TIME,
      hashes: {},
    }));
  }

  private disk(mount: Mount, actual: string): string {
    return join(mount.root, actual);
  }

  private async objOf(mount: Mount, file: string, name: string): Promise<Obj> {
    const info = await lstat(file);
    const hashes =
      mount.profile === "cloud" && info.isFile()
        ? await this.hashesOf(file, `${info.size}:${info.mtimeMs}`)
        : {};
    return {
      name,
      size: info.isDirectory() ? 0 : info.size,
      isDir: info.isDirectory(),
      modified: info.mtime,
      created: info.birthtime,
      hashes,
    };
  }

  private async hashesOf(file: string, key: string): Promise<Record<string, string>> {
    const memo = this.hashMemo.get(file);
    if (memo?.key === key) return memo.hashes;
    const md5 = createHash("md5");
    const sha1 = createHash("sha1");
    for await (const chunk of createReadStream(file)) {
      md5.update(chunk as Buffer);
      sha1.update(chunk as Buffer);
    }
    const hashes = { md5: md5.digest("hex"), sha1: sha1.digest("hex") };
    this.hashMemo.set(file, { key, hashes });
    return hashes;
  }

  /** `op.List` (+ `fs.List`'s virtual files): a folder's entries, from the cache unless `refresh`. */
  async list(path: string, refresh = false): Promise<Obj[]> {
    const virtual = this.virtualDirs(path);
    const found = this.resolve(path);
    if (!found) {
      if (virtual.length > 0) return virtual;
      throw new OpError(`failed get storage: storage not found; please add a storage first`);
    }
    const { mount, actual } = found;
    let objs: Obj[];
    try {
      objs = await this.listStorage(mount, actual, refresh);
    } catch (error) {
      if (virtual.length > 0) return virtual;
      throw error instanceof OpError ? new OpError(`failed get objs: ${error.message}`) : error;
    }
    // ObjMerge: the storage's own entries first, virtual folders of the same name dropped.
    const names = new Set(objs.map((obj) => obj.name));
    return [...objs, ...virtual.filter((obj) => !names.has(obj.name))];
  }

  private async listStorage(mount: Mount, actual: string, refresh: boolean): Promise<Obj[]> {
    if (mount.profile === "cloud" && !refresh) {
      const cached = mount.cache.get(actual);
      if (cached) return [...cached];
    }
    // listG.Do: concurrent listings of one folder share one storage listing (singleflight).
    const key = `${mount.mountPath}\n${actual}`;
    let listing = this.listings.get(key);
    if (!listing) {
      listing = this.readStorage(mount, actual).finally(() => this.listings.delete(key));
      this.listings.set(key, listing);
    }
    return [...(await listing)];
  }

  private async readStorage(mount: Mount, actual: string): Promise<Obj[]> {
    const dir = await this.get(mount, actual).catch((error: unknown) => {
      throw error instanceof OpError ? new OpError(`failed get dir: ${error.message}`) : error;
    });
    if (!dir.isDir) throw new OpError("not a folder");
    const file = this.disk(mount, actual);
    const names = (await readdir(file)).sort(); // os.ReadDir sorts by name
    const objs = await Promise.all(names.map((name) => this.objOf(mount, join(file, name), name)));
    if (mount.profile === "cloud") {
      if (objs.length > 0) mount.cache.set(actual, objs);
      else mount.cache.delete(actual);
    }
    return [...objs];
  }

  /** `op.Get`: the local driver stats the file; a cached storage looks the name up in its parent's listing. */
  private async get(mount: Mount, actual: string): Promise<Obj> {
    if (actual === "/" || mount.profile === "local") {
      try {
        return await this.objOf(
          mount,
          this.disk(mount, actual),
          posix.basename(actual) || posix.basename(mount.mountPath),
        );
      } catch (error) {
        if (
          (error as NodeJS.ErrnoException).code === "ENOENT" ||
          (error as NodeJS.ErrnoException).code === "ENOTDIR"
        )
          throw new OpError(OBJECT_NOT_FOUND);
        throw error;
      }
    }
    const parent = posix.dirname(actual);
    const name = posix.basename(actual);
    let siblings: Obj[];
    try {
      siblings = await this.listStorage(mount, parent, false);
    } catch (error) {
      if (error instanceof OpError) throw new OpError(OBJECT_NOT_FOUND);
      throw error;
    }
    const obj = siblings.find((entry) => entry.name === name);
    if (!obj) throw new OpError(OBJECT_NOT_FOUND);
    return obj;
  }

  /** `fs.Get`: one object by full path (the root and mount points are folders). */
  async getPath(path: string): Promise<Obj> {
    const found = this.resolve(path);
    if (!found) {
      if (cleanPath(path) === "/" || this.virtualDirs(path).length > 0)
        return {
          name: posix.basename(cleanPath(path)),
          size: 0,
          isDir: true,
          modified: GO_ZERO_TIME,
          created: GO_ZERO_TIME,
          hashes: {},
        };
      throw new OpError("storage not found; please add a storage first");
    }
    return this.get(found.mount, found.actual);
  }

  private cacheUpdate(mount: Mount, dir: string, oldName: string, obj: Obj | undefined): void {
    const cached = mount.cache.get(dir);
    if (!cached) return;
    const rest = cached.filter((entry) => entry.name !== oldName && entry.name !== obj?.name);
    mount.cache.set(dir, obj ? [...rest, obj] : rest);
  }

  /** `op.MakeDir`: creates parents; an existing folder is fine, a file in the way is "file exists". */
  async makeDir(path: string): Promise<void> {
    const { mount, actual } = this.mustResolve(path);
    await this.makeDirIn(mount, actual);
  }

  private async makeDirIn(mount: Mount, actual: string): Promise<void> {
    try {
      const existing = await this.get(mount, actual);
      if (existing.isDir) return;
      throw new OpError("file exists");
    } catch (error) {
      if (!(error instanceof OpError) || error.message !== OBJECT_NOT_FOUND) throw error;
    }
    const parent = posix.dirname(actual);
    try {
      await this.makeDirIn(mount, parent);
    } catch (error) {
      throw new OpError(`failed to make parent dir [${parent}]: ${(error as Error).message}`);
    }
    await mkdir(this.disk(mount, actual), { recursive: true });
    const now = new Date();
    this.cacheUpdate(mount, parent, "", {
      name: posix.basename(actual),
      size: 0,
      isDir: true,
      modified: now,
      created: now,
      hashes: {},
    });
  }

  /**
   * `op.Put` into `dir`: makes the folder, then the driver writes `name` from `body`. `local` writes in
   * place and sets the sent mod time; `cloud` keeps the upload time. The cached entry (cloud) becomes a
   * Temp object with the sent mod time and no hash, as `op.Put` does.
   */
  async put(dir: string, name: string, body: AsyncIterable<Uint8Array>, modified: Date): Promise<void> {
    const { mount, actual } = this.mustResolve(dir);
    try {
      await this.makeDirIn(mount, actual);
    } catch (error) {
      throw new OpError(`failed to make dir [${actual}]: ${(error as Error).message}`);
    }
    const file = this.disk(mount, posix.join(actual, name));
    const existing = await lstat(file).catch(() => undefined);
    if (existing?.isDirectory()) throw new OpError(`open ${file}: is a directory`);
    const out = createWriteStream(file); // os.Create: truncates in place
    let size = 0;
    try {
      for await (const chunk of body) {
        size += chunk.length;
        if (!out.write(chunk)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
      }
    } finally {
      await new Promise<void>((resolve) => out.end(() => resolve()));
    }
    if (mount.profile === "local") await utimes(file, modified, modified);
    this.cacheUpdate(mount, actual, name, {
      name,
      size,
      isDir: false,
      modified,
      created: modified,
      hashes: {},
    });
  }

  /** `op.Rename` inside one folder (the driver's os.Rename replaces an existing file). */
  async rename(path: string, newName: string): Promise<void> {
    const { mount, actual } = this.mustResolve(path);
    if (actual === "/") throw new OpError("rename root folder is not allowed");
    const obj = await this.get(mount, actual).catch((error: unknown) => {
      throw error instanceof OpError ? new OpError(`failed to get src object: ${error.message}`) : error;
    });
    const dir = posix.dirname(actual);
    await rename(this.disk(mount, actual), this.disk(mount, posix.join(dir, newName))).catch(
      (error: Error) => {
        throw new OpError(error.message);
      },
    );
    if (obj.isDir) mount.cache.delete(actual);
    this.cacheUpdate(mount, dir, obj.name, { ...obj, name: newName });
  }

  /** `op.Move` inside one storage (os.Rename into the folder; an existing file is replaced). */
  async move(srcPath: string, dstDir: string): Promise<void> {
    const { mount, actual } = this.mustResolve(srcPath);
    const dst = this.mustResolve(dstDir).actual;
    const obj = await this.get(mount, actual).catch((error: unknown) => {
      throw error instanceof OpError ? new OpError(`failed to get src object: ${error.message}`) : error;
    });
    const dstObj = await this.get(mount, dst).catch((error: unknown) => {
      throw error instanceof OpError ? new OpError(`failed to get dst dir: ${error.message}`) : error;
    });
    if (!dstObj.isDir) throw new OpError("not a folder");
    await rename(this.disk(mount, actual), this.disk(mount, posix.join(dst, obj.name))).catch(
      (error: Error) => {
        throw new OpError(error.message);
      },
    );
    this.cacheUpdate(mount, posix.dirname(actual), obj.name, undefined);
    this.cacheUpdate(mount, dst, obj.name, obj);
  }

  /**
   * `op.Copy` inside one storage: a `local` storage with `reflink` clones at once (`Local.Copy`);
   * otherwise the driver answers NotImplement, which `fs.transfer` turns into a copy task: returns false.
   */
  async copyInStorage(srcPath: string, dstDir: string): Promise<boolean> {
    const { mount, actual } = this.mustResolve(srcPath);
    const dst = this.mustResolve(dstDir).actual;
    if (dst === posix.dirname(actual)) throw new OpError("copy in place");
    const obj = await this.get(mount, actual).catch((error: unknown) => {
      throw error instanceof OpError ? new OpError(`failed to get src object: ${error.message}`) : error;
    });
    const dstObj = await this.get(mount, dst).catch((error: unknown) => {
      throw error instanceof OpError ? new OpError(`failed to get dst dir: ${error.message}`) : error;
    });
    if (!dstObj.isDir) throw new OpError("not a folder");
    if (mount.profile !== "local" || !mount.reflink) return false;
    const from = this.disk(mount, actual);
    const to = this.disk(mount, posix.join(dst, obj.name));
    if (obj.isDir) await copyTree(from, to);
    else await copyFile(from, to); // a clone: new inode, new mod time
    return true;
  }

  /** `op.Remove`: a missing object is not an error; removing a folder removes its tree. */
  async remove(path: string): Promise<void> {
    const { mount, actual } = this.mustResolve(path);
    if (actual === "/") throw new OpError("delete root folder is not allowed");
    let obj: Obj;
    try {
      obj = await this.get(mount, actual);
    } catch (error) {
      if (error instanceof OpError && error.message === OBJECT_NOT_FOUND) return;
      throw error instanceof OpError ? new OpError(`failed to get object: ${error.message}`) : error;
    }
    const file = this.disk(mount, actual);
    if (obj.isDir) {
      await rm(file, { recursive: true, force: true });
      mount.cache.delete(actual);
    } else await unlink(file).catch(() => {});
    this.cacheUpdate(mount, posix.dirname(actual), obj.name, undefined);
  }

  /** Opens a file for `/d/…` (the local driver's Link: the file itself). */
  async open(path: string): Promise<{ obj: Obj; file: string }> {
    const { mount, actual } = this.mustResolve(path);
    const obj = await this.get(mount, actual);
    if (obj.isDir) throw new OpError("not a file");
    return { obj, file: this.disk(mount, actual) };
  }

  private mustResolve(path: string): { mount: Mount; actual: string } {
    const found = this.resolve(path);
    if (!found) throw new OpError("storage not found; please add a storage first");
    return found;
  }
}

const copyTree = async (from: string, to: string): Promise<void> => {
  await mkdir(to, { recursive: true });
  for (const entry of await readdir(from, { withFileTypes: true })) {
    if (entry.isDirectory()) await copyTree(join(from, entry.name), join(to, entry.name));
    else await copyFile(join(from, entry.name), join(to, entry.name));
  }
};
