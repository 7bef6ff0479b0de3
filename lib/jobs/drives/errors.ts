/** Errors of the drive use cases. Messages name drives and fields, never a secret value. */

/** One bad field of a drive. */
export interface DriveIssue {
  readonly path: string;
  readonly message: string;
}

/** A drive body that parses but means nothing valid (fields missing after a PATCH, one S3 key of two). API: 400. */
export class DriveValidationError extends Error {
  override name = "DriveValidationError";

  constructor(readonly issues: readonly DriveIssue[]) {
    super(issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join("; "));
  }
}

/** A drive that configs still use cannot be deleted. API: 409 naming them. */
export class DriveInUseError extends Error {
  override name = "DriveInUseError";

  constructor(
    readonly drive: string,
    readonly configs: readonly { id: string; name: string }[],
  ) {
    super(
      `drive ${JSON.stringify(drive)} is used by ${configs.length} sync config(s): ${configs
        .map((config) => `${config.id} (${JSON.stringify(config.name)})`)
        .join(", ")}; point them elsewhere or delete them first`,
    );
  }
}

/** A `name:path` location whose drive cannot be used: unknown drive, or settings that no longer make a location. */
export class DriveUnavailableError extends Error {
  override name = "DriveUnavailableError";

  constructor(
    readonly code: "DRIVE_NOT_FOUND" | "DRIVE_INVALID",
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * A drive that failed to answer a listing (`GET /api/v1/drives/{name}/entries`): the folder is not
 * there (NOT_FOUND, API 404), the login was refused or nothing answered (API 502, the drive's fault,
 * not the request's). The message names the drive and path, never a secret.
 */
export class DriveProbeError extends Error {
  override name = "DriveProbeError";

  constructor(
    readonly code: "AUTH_FAILED" | "NOT_FOUND" | "UNREACHABLE",
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
