import { DRIVE_NAME } from "../../drives/drive-ref.ts";

/** Where one seed drive account's paths live in syncron: a drive and a folder inside it. */
export interface MappedDrive {
  readonly drive: string;
  /** `/`-separated, no trailing slash; "" = the drive's root. */
  readonly prefix: string;
}

/** Seed drive account id (`user_id`) → syncron drive and folder. */
export type DriveMap = ReadonlyMap<number, MappedDrive>;

/** A map entry that cannot be used; the message names it. */
export class DriveMapError extends Error {
  override name = "DriveMapError";
}

/** `openlist:/baidu` → `{drive: "openlist", prefix: "/baidu"}`. Throws DriveMapError. */
export function parseMappedDrive(account: string, value: string): MappedDrive {
  const colon = value.indexOf(":");
  const drive = colon < 0 ? value : value.slice(0, colon);
  const path = colon < 0 ? "" : value.slice(colon + 1);
  if (!DRIVE_NAME.test(drive) || path.startsWith("//")) {
    throw new DriveMapError(
      `map ${account}: ${JSON.stringify(value)} must be DRIVE:/FOLDER with a drive name of a-z 0-9 - (e.g. openlist:/baidu)`,
    );
  }
  const segments = path.split("/").filter((segment) => segment !== "");
  if (segments.some((segment) => segment === "." || segment === "..")) {
    throw new DriveMapError(`map ${account}: the folder may not contain "." or ".." segments`);
  }
  return { drive, prefix: segments.map((segment) => `/${segment}`).join("") };
}

/**
 * The map as the API takes it, `{"3": "openlist:/baidu"}`, or as the CLI's `--map 3=openlist:/baidu`
 * flags. Throws DriveMapError naming the bad entry.
 */
export function parseDriveMap(entries: Iterable<readonly [string, string]>): DriveMap {
  const map = new Map<number, MappedDrive>();
  for (const [account, value] of entries) {
    if (!/^[1-9]\d{0,15}$/.test(account)) {
      throw new DriveMapError(
        `map ${JSON.stringify(account)}: a seed drive account id is a positive whole number`,
      );
    }
    if (map.has(Number(account))) throw new DriveMapError(`map ${account}: given twice`);
    map.set(Number(account), parseMappedDrive(account, value));
  }
  return map;
}

/** `3=openlist:/baidu` (a CLI flag) as a map entry. Throws DriveMapError. */
export function mapFlagEntry(flag: string): [string, string] {
  const eq = flag.indexOf("=");
  if (eq <= 0)
    throw new DriveMapError(
      `--map ${JSON.stringify(flag)}: expected ACCOUNT_ID=DRIVE:/FOLDER, e.g. 3=openlist:/baidu`,
    );
  return [flag.slice(0, eq), flag.slice(eq + 1)];
}

/** `name:path` of `path` (a seed path, `/` or not) inside a mapped drive's folder. */
export const locationIn = (mapped: MappedDrive, path: string): string => {
  const tail = path
    .split("/")
    .filter((segment) => segment !== "")
    .map((segment) => `/${segment}`)
    .join("");
  return `${mapped.drive}:${mapped.prefix}${tail || (mapped.prefix === "" ? "/" : "")}`;
};
