import { assertLocalInside, LocalPathRefusedError } from "../../drives/local-roots.ts";
import { type Location, parseLocation } from "../../drives/location.ts";
import type { SyncConfigPatch } from "../../store/sync-config.ts";
import { type ConfigIssue, ConfigValidationError } from "../check-config.ts";
import type { DriveDeps } from "./deps.ts";
import { locateInDrive } from "./resolve-drive.ts";

const hasCredentials = (location: Location): boolean =>
  (location.kind === "s3" &&
    (location.accessKeyId !== undefined || location.secretAccessKey !== undefined)) ||
  (location.kind === "webdav" && (location.username !== undefined || location.password !== undefined));

/**
 * The API's drive rules for a config's locations (after `checkConfigFields`): a location URL that
 * carries credentials is refused, naming the drives route, since a config is stored and shown in
 * clear; a `name:path` location must name an existing drive, and a folder of a local drive must
 * not lead out of it through a symlink (checked again at each run). Only the fields present are
 * checked. Throws ConfigValidationError.
 */
export async function checkConfigDrives(
  fields: Pick<SyncConfigPatch, "source" | "target">,
  drives: Pick<DriveDeps, "records" | "secrets"> | undefined,
): Promise<void> {
  const issues: ConfigIssue[] = [];
  for (const path of ["source", "target"] as const) {
    const value = fields[path];
    if (value === undefined) continue;
    let location: Location;
    try {
      location = parseLocation(value);
    } catch {
      continue; // checkConfigFields has reported it
    }
    if (hasCredentials(location)) {
      issues.push({
        path,
        message:
          "carries credentials in the URL: keep them in a drive (POST /api/v1/drives) and use name:path, e.g. nas:/photos",
      });
    } else if (location.kind === "drive" && drives) {
      const record = await drives.records.get(location.drive);
      if (!record) {
        issues.push({
          path,
          message: `drive ${JSON.stringify(location.drive)} does not exist: create it with POST /api/v1/drives`,
        });
      } else if (record.type === "local") {
        const issue = await escapeIssue(() => locateInDrive(record, location.path, drives.secrets));
        if (issue) issues.push({ path, message: issue });
      }
    }
  }
  if (issues.length > 0) throw new ConfigValidationError(issues);
}

/** Why a local drive's folder is refused (it leads out of the drive), or undefined. */
async function escapeIssue(locate: () => Promise<Location>): Promise<string | undefined> {
  const located = await locate().catch(() => undefined); // a bad path: checkConfigFields reports it
  if (located?.kind !== "local" || located.within === undefined) return undefined;
  try {
    assertLocalInside(located.root, located.within);
    return undefined;
  } catch (error) {
    if (error instanceof LocalPathRefusedError) return error.message;
    throw error;
  }
}
