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
 * Parses rclone's decimal seconds (up to 9 fraction digits) to ms since the epoch, truncating below
 * the millisecond without going through a float. Undefined for anything else.
 */
export const parseMtime = (value: string | undefined): number | undefined => {
  const match = value === undefined ? null : /^(\d+)(?:\.(\d*))?$/.exec(value.trim());
  if (!match) return undefined;
  const ms = Number(match[1]) * 1000 + Number((match[2] ?? "").slice(0, 3).padEnd(3, "0"));
  return Number.isSafeInteger(ms) ? ms : undefined;
};

/** The MD5 an ETag stands for: only a plain (non-multipart, no `-N` suffix) 32-hex ETag is one. */
export const md5FromEtag = (etag: string | undefined): string | undefined => {
  const bare = etag?.replace(/"/g, "").toLowerCase();
  return bare && /^[0-9a-f]{32}$/.test(bare) ? bare : undefined;
};

/** The MD5 of an object, lowercase hex: from a plain ETag, else from rclone's `md5chksum` metadata. */
export const md5Of = (
  etag: string | undefined,
  metadata: Record<string, string> | undefined,
): string | undefined => {
  const fromEtag = md5FromEtag(etag);
  if (fromEtag) return fromEtag;
  const base64 = metadata?.[MD5_KEY];
  if (!base64) return undefined;
  const hex = Buffer.from(base64, "base64").toString("hex");
  return hex.length === 32 ? hex : undefined;
};

/** Base64 of a hex MD5, for the `md5chksum` metadata; undefined if it is not one. */
export const md5HexToBase64 = (hex: string | undefined): string | undefined =>
  hex && /^[0-9a-f]{32}$/i.test(hex) ? Buffer.from(hex, "hex").toString("base64") : undefined;
