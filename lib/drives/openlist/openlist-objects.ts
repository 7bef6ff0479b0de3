/** OpenList's object replies (`ObjResp` in server/handles/fsread.go) as drive entries. */
import type { Entry, HashType } from "../drive.ts";

export interface ObjResp {
  name: string;
  size: number;
  is_dir: boolean;
  /** RFC 3339; Go's zero time (year 1) where the storage has none. */
  modified?: string;
  /** `utils.HashInfo` as a JSON string: `{"md5":"…","sha1":"…"}`, `"null"` or `"{}"` for none. */
  hashinfo?: string;
  /** The same as an object (OpenList v4; absent on Alist). */
  hash_info?: Record<string, string> | null;
  sign?: string;
}

const HEX_LENGTH: Record<HashType, number> = { md5: 32, sha1: 40, sha256: 64 };

/** The md5/sha1/sha256 an object lists (other types such as PikPak's gcid are ignored). */
export function hashesOf(obj: ObjResp): Partial<Record<HashType, string>> | undefined {
  let info: Record<string, unknown> | null | undefined = obj.hash_info;
  if (!info && obj.hashinfo) {
    try {
      info = JSON.parse(obj.hashinfo) as Record<string, unknown> | null;
    } catch {
      info = undefined;
    }
  }
  if (!info || typeof info !== "object") return undefined;
  const hashes: Partial<Record<HashType, string>> = {};
  for (const type of Object.keys(HEX_LENGTH) as HashType[]) {
    const value = info[type];
    if (typeof value === "string" && new RegExp(`^[0-9a-fA-F]{${HEX_LENGTH[type]}}$`).test(value))
      hashes[type] = value.toLowerCase();
  }
  return Object.keys(hashes).length > 0 ? hashes : undefined;
}

/** `modified` in ms, or undefined for a missing or zero time. */
export function modTimeOf(obj: ObjResp): number | undefined {
  if (!obj.modified) return undefined;
  const time = Date.parse(obj.modified);
  return Number.isFinite(time) && time > Date.UTC(1971, 0, 1) ? time : undefined;
}

export function toEntry(path: string, obj: ObjResp): Entry {
  const modTime = modTimeOf(obj);
  const time = modTime !== undefined ? { modTime } : {};
  if (obj.is_dir) return { kind: "directory", path, ...time };
  const hashes = hashesOf(obj);
  return { kind: "file", path, size: obj.size, ...time, ...(hashes ? { hashes } : {}) };
}
