import { lookup } from "mime-types";
import { nsToMs } from "../mod-time.ts";

/**
 * Object metadata conventions shared with rclone, so objects written by either tool compare equal:
 * `X-Amz-Meta-Mtime` holds the source mod time as decimal seconds ("1354040105.123", trailing zeros
 * dropped) and `X-Amz-Meta-Md5chksum` the base64 MD5 of a multipart object (whose ETag is no MD5).
 */

/** User-metadata key (lowercase, as the SDK returns it) for the source modification time. */
export const MTIME_KEY = "mtime";
/** User-metadata key rclone uses for the MD5 of multipart uploads, base64. */
export const MD5_KEY = "md5chksum";

/** Formats ms since the epoch as rclone's decimal seconds, e.g. 1700000000120 → "1700000000.12". */
export const formatMtime = (ms: number): string => {
  const whole = Math.floor(ms);
  const seconds = Math.floor(whole / 1000);
  const fraction = String(whole - seconds * 1000)
    .padStart(3, "0")
    .replace(/0+$/, "");
  return fraction === "" ? String(seconds) : `${seconds}.${fraction}`;
};

/**
 * Parses rclone's decimal seconds (it writes nanoseconds: "1620284889.123999999") to ms since the
 * epoch without going through a float, rounded as the local drive rounds a file's own time
 * ({@link nsToMs}), so an object rclone copied compares equal to its file. Undefined for anything else.
 */
export const parseMtime = (value: string | undefined): number | undefined => {
  const match = value === undefined ? null : /^(\d+)(?:\.(\d*))?$/.exec(value.trim());
  if (!match) return undefined;
  const ns = BigInt(match[1] ?? "0") * 1_000_000_000n + BigInt((match[2] ?? "").slice(0, 9).padEnd(9, "0"));
  const ms = nsToMs(ns);
  return Number.isSafeInteger(ms) ? ms : undefined;
};

/** The MD5 an ETag stands for: only a plain (non-multipart, no `-N` suffix) 32-hex ETag is one. */
export const md5FromEtag = (etag: string | undefined): string | undefined => {
  const bare = etag?.replace(/"/g, "").toLowerCase();
  return bare && /^[0-9a-f]{32}$/.test(bare) ? bare : undefined;
};

/** What a HEAD, a PUT or a multipart completion tells about an object's ETag. */
export interface StoredObject {
  readonly ETag?: string | undefined;
  readonly Metadata?: Record<string, string> | undefined;
  readonly ServerSideEncryption?: string | undefined;
  readonly SSECustomerAlgorithm?: string | undefined;
}

/**
 * Whether the ETag may be the body's MD5: S3 documents it so only for objects stored unencrypted or
 * with SSE-S3 (`AES256`). With SSE-KMS, DSSE-KMS or SSE-C the ETag is some other value, even
 * though it looks like 32 hex digits (and a multipart ETag never is one: {@link md5FromEtag}).
 */
export const etagMayBeMd5 = (object: StoredObject): boolean =>
  !object.SSECustomerAlgorithm &&
  (object.ServerSideEncryption === undefined || object.ServerSideEncryption === "AES256");

/**
 * The MD5 of an object, lowercase hex: from a plain ETag of an object that is not KMS- or
 * customer-key-encrypted, else from the `md5chksum` metadata rclone and syncron write.
 */
export const md5Of = (object: StoredObject): string | undefined => {
  const fromEtag = etagMayBeMd5(object) ? md5FromEtag(object.ETag) : undefined;
  if (fromEtag) return fromEtag;
  const base64 = object.Metadata?.[MD5_KEY];
  if (!base64) return undefined;
  const hex = Buffer.from(base64, "base64").toString("hex");
  return hex.length === 32 ? hex : undefined;
};

/** Base64 of a hex MD5, for the `md5chksum` metadata; undefined if it is not one. */
export const md5HexToBase64 = (hex: string | undefined): string | undefined =>
  hex && /^[0-9a-f]{32}$/i.test(hex) ? Buffer.from(hex, "hex").toString("base64") : undefined;

/**
 * The Content-Type an object gets from its name's extension, as rclone sends it (Go's
 * `mime.TypeByExtension`: text types with `; charset=utf-8`, others bare, e.g. `application/json`),
 * else `application/octet-stream`.
 */
export const contentTypeOf = (path: string): string => {
  const name = path.slice(path.lastIndexOf("/") + 1);
  // No extension ("README", ".bashrc"): mime-types would look the bare name up as one.
  const type = name.lastIndexOf(".") > 0 ? lookup(name) : false;
  if (!type) return "application/octet-stream";
  return type.startsWith("text/") ? `${type}; charset=utf-8` : type;
};
