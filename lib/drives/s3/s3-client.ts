import { S3Client } from "@aws-sdk/client-s3";
import { type RequestGate, throttleOf } from "../rate-limit.ts";

export interface S3ClientOptions {
  /** A custom endpoint for S3-compatible stores (MinIO, R2, OSS, COS, an emulator); absent for AWS. */
  readonly endpoint?: string;
  /** Defaults to us-east-1 (with followRegionRedirects, AWS finds the bucket anyway). */
  readonly region?: string;
  /** Explicit keys; absent → the SDK's default provider chain (env, profile, SSO, instance/Lambda role). */
  readonly credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Path-style URLs (`endpoint/bucket/key`); defaults to true with a custom endpoint, except on stores that only serve virtual-hosted style. */
  readonly forcePathStyle?: boolean;
  /** Holds each HTTP attempt (retries included) for the drive's rate limit, and hears of throttling. */
  readonly gate?: RequestGate;
}

/** Hosts of stores that refuse path-style requests (as rclone's provider table knows). */
const VIRTUAL_HOSTED_ONLY = /(\.aliyuncs\.com|\.myqcloud\.com|\.qiniucs\.com)$/i;

/** Whether to use path-style URLs for an endpoint when the location does not say. */
export const defaultPathStyle = (endpoint: string | undefined): boolean => {
  if (!endpoint) return false;
  try {
    return !VIRTUAL_HOSTED_ONLY.test(new URL(endpoint).hostname);
  } catch {
    return true;
  }
};

/**
 * An S3 client for AWS or an S3-compatible store. With a custom endpoint, request/response checksums
 * are only sent when required: many compatible stores reject the SDK's default CRC32 trailers.
 */
export function s3ClientFor(options: S3ClientOptions = {}): S3Client {
  const custom = options.endpoint !== undefined;
  const client = new S3Client({
    region: options.region ?? "us-east-1",
    followRegionRedirects: true,
    forcePathStyle: options.forcePathStyle ?? defaultPathStyle(options.endpoint),
    ...(custom ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(custom
      ? { requestChecksumCalculation: "WHEN_REQUIRED", responseChecksumValidation: "WHEN_REQUIRED" }
      : {}),
  });
  const gate = options.gate;
  if (gate) {
    // After the SDK's retry middleware (same step, lower priority): one turn per attempt.
    client.middlewareStack.add(
      (next) => async (args) => {
        await gate.beforeRequest();
        try {
          return await next(args);
        } catch (error) {
          const throttle = throttleOf(error);
          if (throttle) gate.throttled(throttle.retryAfterMs);
          throw error;
        }
      },
      { step: "finalizeRequest", priority: "low", name: "syncronRateLimit" },
    );
  }
  return client;
}
