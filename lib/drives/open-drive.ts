import type { Drive } from "./drive.ts";
import { createLocalDrive } from "./local/local-drive.ts";
import { type Location, LocationError, parseLocation, redactLocation } from "./location.ts";
import { type RequestGate, sharedRateLimiter, withRateLimit } from "./rate-limit.ts";
import type { S3ListingMemo } from "./s3/s3-listing-memo.ts";

/**
 * Opens the drive a location names (see `parseLocation`). Credentials come from the URL's user-info,
 * else from `env`: `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`/`AWS_SESSION_TOKEN`, `AWS_REGION` (or
 * `AWS_DEFAULT_REGION`) and `AWS_ENDPOINT_URL_S3` (or `AWS_ENDPOINT_URL`) for S3 — without keys, the
 * SDK's default provider chain (profile, SSO, instance or Lambda role) — and
 * `WEBDAV_USERNAME`/`WEBDAV_PASSWORD` for WebDAV. S3 and WebDAV drives are named by the redacted
 * location. Throws LocationError for a bad location.
 */
export async function openDrive(location: string, env: NodeJS.ProcessEnv = process.env): Promise<Drive> {
  const parsed = parseLocation(location);
  return driveFor(parsed, redactLocation(location), env);
}

/** What a caller may hand the drive it opens beyond the location. */
export interface DriveExtras {
  /** For an S3 location: what the last run learnt of its objects (ignored by other drives). */
  readonly memo?: S3ListingMemo;
}

/**
 * Opens a parsed location; `name` must already be redacted. A `name:path` location must be resolved
 * first. With `limits` (a named drive's `tps`/`bwlimit`), every HTTP request of the drive waits for the
 * limiter the drive's name shares in this process, and its bytes are paced. Each remote drive's code
 * (its client and their packages) is imported when a location first needs it: a bundled function
 * whose configs use only S3 never loads the WebDAV client.
 */
export async function driveFor(
  location: Location,
  name: string,
  env: NodeJS.ProcessEnv = process.env,
  extras: DriveExtras = {},
): Promise<Drive> {
  const limits = location.limits;
  if (!limits || (limits.tps === undefined && limits.bwlimit === undefined))
    return open(location, name, env, extras);
  const limiter = sharedRateLimiter(limits.key, limits);
  // local has no requests to count: one turn per call there; the HTTP drives gate each request.
  const gatesRequests = location.kind !== "local";
  return withRateLimit(await open(location, name, env, extras, limiter), limiter, { gatesRequests });
}

async function open(
  location: Location,
  name: string,
  env: NodeJS.ProcessEnv,
  extras: DriveExtras,
  gate?: RequestGate,
): Promise<Drive> {
  switch (location.kind) {
    case "drive":
      throw new LocationError(
        `location "${location.drive}:${location.path}" names a drive: resolve it through the drives API or a --drives file`,
      );
    case "local":
      return createLocalDrive({
        root: location.root,
        ...(location.within === undefined ? {} : { within: location.within }),
        name,
        readOnly: location.readOnly === true,
      });
    case "s3": {
      const [{ s3ClientFor }, { createS3Drive }] = await Promise.all([
        import("./s3/s3-client.ts"),
        import("./s3/s3-drive.ts"),
      ]);
      const accessKeyId = location.accessKeyId ?? env.AWS_ACCESS_KEY_ID;
      const secretAccessKey = location.secretAccessKey ?? env.AWS_SECRET_ACCESS_KEY;
      const sessionToken = location.accessKeyId === undefined ? env.AWS_SESSION_TOKEN : undefined;
      const endpoint = location.endpoint ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
      const region = location.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
      const client = s3ClientFor({
        ...(endpoint ? { endpoint } : {}),
        ...(region ? { region } : {}),
        ...(location.forcePathStyle !== undefined ? { forcePathStyle: location.forcePathStyle } : {}),
        ...(accessKeyId && secretAccessKey
          ? { credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) } }
          : {}),
        ...(gate ? { gate } : {}),
      });
      return createS3Drive({
        bucket: location.bucket,
        prefix: location.prefix,
        client,
        ownsClient: true,
        name,
        // One endpoint, region and key: a sync between two such locations copies server-side.
        store: JSON.stringify([endpoint ?? "aws", region ?? "", accessKeyId ?? "", location.forcePathStyle]),
        ...(extras.memo ? { memo: extras.memo } : {}),
      });
    }
    case "webdav": {
      const { createWebdavDrive } = await import("./webdav/webdav-drive.ts");
      const username = location.username ?? env.WEBDAV_USERNAME;
      const password = location.password ?? env.WEBDAV_PASSWORD;
      return createWebdavDrive({
        url: location.url,
        name,
        ...(username ? { username } : {}),
        ...(password ? { password } : {}),
        ...(location.vendor ? { vendor: location.vendor } : {}),
        ...(gate ? { gate } : {}),
      });
    }
    case "openlist": {
      const { createOpenListDrive } = await import("./openlist/openlist-drive.ts");
      return createOpenListDrive({
        url: location.url,
        root: location.root,
        name,
        ...(location.username !== undefined ? { username: location.username } : {}),
        ...(location.password !== undefined ? { password: location.password } : {}),
        ...(location.token !== undefined ? { token: location.token } : {}),
        ...(location.refresh !== undefined ? { refresh: location.refresh } : {}),
        ...(location.keepsModTimes !== undefined ? { keepsModTimes: location.keepsModTimes } : {}),
        ...(gate ? { gate } : {}),
      });
    }
  }
}
