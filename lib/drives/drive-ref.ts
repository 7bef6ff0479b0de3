/**
 * `name:path` locations, rclone-style remotes: `nas:/photos`, `backup:bucket/site/`. The name is a
 * drive's (the drives API's name rule); the rest is a path inside that drive.
 */

/** A drive name: lower-case letters, digits and `-`, 1-63 characters, not starting with `-`. */
export const DRIVE_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** A location that names a drive: `drive` is the name, `path` the rest (may be empty). */
export interface DriveRef {
  readonly drive: string;
  readonly path: string;
}

// `name:` not followed by `//` (that is a URL scheme); a one-letter name is still a drive, as in rclone.
const REF = /^([a-z0-9][a-z0-9-]{0,62}):(?!\/\/)(.*)$/s;

/** The drive reference a location is, or undefined when it is a path or a URL. */
export function parseDriveRef(location: string): DriveRef | undefined {
  const match = REF.exec(location);
  if (!match) return undefined;
  return { drive: match[1] as string, path: match[2] as string };
}

/** The `/`-separated segments of a path inside a drive; "" and "/" are the root. Refuses `.`, `..` and NUL. */
export function refSegments(path: string): string[] {
  if (path.includes("\0")) throw new Error("the path may not contain a NUL character");
  const segments = path.split("/").filter((segment) => segment !== "");
  if (segments.some((segment) => segment === "." || segment === "..")) {
    throw new Error('the path may not contain "." or ".." segments');
  }
  return segments;
}
