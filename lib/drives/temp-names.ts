/**
 * The temporary names drives write to before renaming over the target (local, WebDAV, OpenList):
 * `.<name>.syncron-<hex id>.partial`. Listings never show them. A write that dies with its process
 * (SIGKILL, power loss, a lost connection the server kept) leaves one behind; a later run removes it
 * once no live write can own it (`isStaleTemp`).
 */
import { randomBytes } from "node:crypto";

export const TEMP_NAME = /^\..*\.syncron-([0-9a-f]+)\.partial$/;

/**
 * How long a temporary file must have been left alone before a run may delete it. A live write
 * keeps changing its file (every chunk written refreshes a local file's ctime; a server shows an
 * upload in progress as recently modified, or not at all until it ends), and none stalls this long:
 * the engine's retries give up within minutes. Age works on every drive and from every host (two
 * machines may write one WebDAV folder), where a lock or a process id in the name would need a
 * shared lock service or one host. Deleting a temp file a stalled writer still held costs that
 * write an error (its rename finds nothing), never data.
 */
export const STALE_TEMP_MS = 60 * 60_000;

/** Seconds since the epoch as 8 hex digits: the first half of a timed temp id. */
const secondsHex = (ms: number): string =>
  Math.floor(ms / 1000)
    .toString(16)
    .padStart(8, "0");

/**
 * A temporary name for a write of `name` into its folder, carrying its creation time: the id is 8
 * hex digits of seconds since the epoch, then 8 random ones (so the name tells its age even where the
 * server reports the source's mod time for it, as X-OC-Mtime and OpenList's Last-Modified make it).
 */
export const timedTempName = (name: string, now: number = Date.now()): string =>
  tempName(name, `${secondsHex(now)}${randomBytes(4).toString("hex")}`);

/**
 * `.<name>.syncron-<id>.partial`, with the first 40 characters of `name` (code points, so an emoji
 * is never cut in half: a lone surrogate cannot be written into a URL), short enough for a 255-byte
 * name limit whatever the name.
 */
export const tempName = (name: string, id: string): string =>
  `.${Array.from(name.slice(0, 80)).slice(0, 40).join("")}.syncron-${id}.partial`;

/** When a timed temporary name was made (ms), or undefined for another id (then only its mod time tells). */
const createdAt = (name: string, now: number): number | undefined => {
  const id = TEMP_NAME.exec(name)?.[1];
  if (id?.length !== 16) return undefined;
  const ms = Number.parseInt(id.slice(0, 8), 16) * 1000;
  return ms <= now + STALE_TEMP_MS ? ms : undefined; // a random id read as a time in the future
};

/**
 * Whether a temporary file is a leftover no live write can own: its name is a temporary name, it was
 * last changed (`changedAt`, ms: a local file's ctime, a server's modified time) more than
 * STALE_TEMP_MS ago, and, where the name carries its creation time, it was created that long ago too.
 */
export function isStaleTemp(
  name: string,
  changedAt: number,
  options: { now?: number; staleMs?: number } = {},
): boolean {
  const { now = Date.now(), staleMs = STALE_TEMP_MS } = options;
  if (!TEMP_NAME.test(name) || !(now - changedAt > staleMs)) return false;
  const created = createdAt(name, now);
  return created === undefined || now - created > staleMs;
}
