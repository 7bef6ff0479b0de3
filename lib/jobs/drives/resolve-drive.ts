import type { Location } from "../../drives/location.ts";
import { driveTypeOf } from "../../drives/types/registry.ts";
import { SecretNotFoundError, type SecretStore } from "../../secrets/secret-store.ts";
import type { DriveRecord } from "../../store/drive-record.ts";
import type { DriveRepository } from "../../store/drives.ts";
import { DriveUnavailableError } from "./errors.ts";

/** Turns a location into one that can be opened: a `name:path` one through its drive, any other as it is. */
export type ResolveLocation = (location: Location) => Promise<Location>;

/**
 * Resolves `name:path` locations at the moment they are used: the drive's record is read (strongly
 * consistent) and its secrets at the record's version, so a rotation is used by the next run. Throws
 * DriveUnavailableError (unknown drive, secrets gone, settings that make no location); a secret store
 * or DynamoDB failure is thrown as it is (it may be retryable).
 */
export function createDriveResolver(deps: {
  records: Pick<DriveRepository, "get">;
  secrets: Pick<SecretStore, "get">;
}): ResolveLocation {
  return async (location) => {
    if (location.kind !== "drive") return location;
    const record = await deps.records.get(location.drive);
    if (!record) {
      throw new DriveUnavailableError(
        "DRIVE_NOT_FOUND",
        `drive ${JSON.stringify(location.drive)} does not exist (create it under /api/v1/drives)`,
      );
    }
    return locateInDrive(record, location.path, deps.secrets);
  };
}

/** Where `path` lies in the drive `record` describes, with its secrets. Throws DriveUnavailableError. */
export async function locateInDrive(
  record: DriveRecord,
  path: string,
  secrets: Pick<SecretStore, "get">,
): Promise<Location> {
  const type = driveTypeOf(record.type);
  if (!type) {
    throw new DriveUnavailableError(
      "DRIVE_INVALID",
      `drive ${JSON.stringify(record.name)} has an unknown type ${JSON.stringify(record.type)}`,
    );
  }
  let values: Record<string, string> = {};
  if (record.secret_version !== null) {
    try {
      values = { ...(await secrets.get(record.name, record.secret_version)) };
    } catch (error) {
      if (!(error instanceof SecretNotFoundError)) throw error;
      throw new DriveUnavailableError(
        "DRIVE_INVALID",
        `the secrets of drive ${JSON.stringify(record.name)} are missing from the secret store: set them again with PATCH /api/v1/drives/${record.name}`,
        { cause: error },
      );
    }
  }
  try {
    return type.locate({ ...record.settings, ...values }, path);
  } catch (error) {
    // LocationError, or a path with "." or "..": the message names the path, never a secret.
    throw new DriveUnavailableError("DRIVE_INVALID", `${record.name}:${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
