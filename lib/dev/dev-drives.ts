import type { Drive } from "../drives/drive.ts";
import type { Location } from "../drives/location.ts";
import { type DriveExtras, driveFor } from "../drives/open-drive.ts";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "./aws-endpoint.ts";

/** Opens a parsed location; `name` is the location redacted (see `driveFor`). */
export type OpenDrive = (
  location: Location,
  name: string,
  env: NodeJS.ProcessEnv,
  extras?: DriveExtras,
) => Drive | Promise<Drive>;

/**
 * The dev stack's drive opener. An `s3://bucket/prefix` location that names no `endpoint` goes to
 * the stack's own S3 (fauxqs: path style, local credentials) and its bucket is created on first
 * use as a target, so S3 configs work with no AWS account and the same config works on AWS unchanged. A
 * location with an `endpoint` (MinIO, a real S3-compatible store), and every other location, is
 * opened as given. With `--aws` the stack uses `driveFor` itself.
 */
export function devOpenDrive(s3: { endpoint: string; createBucket(name: string): Promise<void> }): OpenDrive {
  return async (parsed, name, env, extras) => {
    if (parsed.kind !== "s3" || parsed.endpoint !== undefined) return driveFor(parsed, name, env, extras);
    // A missing source bucket stays missing (the run fails listing it); only a target's is made.
    if (parsed.readOnly !== true) await s3.createBucket(parsed.bucket);
    const local = {
      ...parsed,
      endpoint: s3.endpoint,
      forcePathStyle: true,
      region: parsed.region ?? LOCAL_REGION,
      accessKeyId: parsed.accessKeyId ?? LOCAL_CREDENTIALS.accessKeyId,
      secretAccessKey: parsed.secretAccessKey ?? LOCAL_CREDENTIALS.secretAccessKey,
    };
    return driveFor(local, name, env, extras);
  };
}
