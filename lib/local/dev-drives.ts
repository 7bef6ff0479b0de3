import type { Drive } from "../drives/drive.ts";
import { parseLocation } from "../drives/location.ts";

export type OpenDrive = (location: string, env: Record<string, string | undefined>) => Drive | Promise<Drive>;

/**
 * In the local dev stack, an `s3://bucket/prefix` location that names no `endpoint` goes to the
 * stack's own S3 (fauxqs, path style, any credentials), and its bucket is created on first use:
 * S3 configs work with no AWS account, and the same config works on AWS unchanged. A location with
 * an `endpoint` (MinIO, a real S3-compatible store) is used as given. With `--aws` nothing is
 * rewritten.
 */
export function devOpenDrive(
  open: OpenDrive,
  s3: { endpoint: string; createBucket(name: string): void },
): OpenDrive {
  return (location, env) => {
    let parsed: ReturnType<typeof parseLocation> | undefined;
    try {
      parsed = parseLocation(location);
    } catch {
      return open(location, env); // the real opener reports the error
    }
    if (parsed.kind !== "s3" || parsed.endpoint !== undefined) return open(location, env);
    s3.createBucket(parsed.bucket);
    const separator = location.includes("?") ? "&" : "?";
    const local = `${location}${separator}endpoint=${encodeURIComponent(s3.endpoint)}&path_style=true`;
    return open(local, {
      ...env,
      AWS_ACCESS_KEY_ID: parsed.accessKeyId ?? "local",
      AWS_SECRET_ACCESS_KEY: parsed.secretAccessKey ?? "local",
      AWS_REGION: parsed.region ?? "us-east-1",
    });
  };
}
