import * as z from "../../util/zod.ts";
import { refSegments } from "../drive-ref.ts";
import { LocationError, parseLocation } from "../location.ts";
import { type DriveType, limitsOf, RATE_LIMIT_FIELDS, secretField } from "./drive-type.ts";

/**
 * An S3 or S3-compatible account (AWS, MinIO, R2, OSS, COS). With `bucket` set a path is a prefix
 * in it (`backup:site/`); without, a path starts with the bucket, as in rclone
 * (`backup:my-bucket/site`). Without keys the worker's own role (or the environment) is used.
 */
export const s3DriveType: DriveType = {
  type: "s3",
  fields: {
    ...RATE_LIMIT_FIELDS,
    bucket: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{1,61}[A-Za-z0-9]$/, "bucket must be a bucket name (3-63 characters)")
      .optional(),
    endpoint: z
      .string()
      .regex(
        /^https?:\/\/[^/?#@]+(\/[^?#@]*)?$/i,
        "endpoint must be an http:// or https:// URL without credentials",
      )
      .optional(),
    region: z
      .string()
      .regex(/^[a-z0-9-]+$/i, "region must be a region name such as eu-west-1")
      .optional(),
    path_style: z.boolean().optional(),
    access_key_id: secretField("access_key_id").optional(),
    secret_access_key: secretField("secret_access_key").optional(),
  },
  secrets: ["access_key_id", "secret_access_key"],
  secretsGoTo: ["endpoint"],
  check(fields) {
    const keys = [fields.access_key_id, fields.secret_access_key].filter((value) => value !== undefined);
    return keys.length === 1
      ? [{ path: "secret_access_key", message: "give both access_key_id and secret_access_key, or neither" }]
      : [];
  },
  locate(fields, path) {
    const segments = refSegments(path);
    const [bucket, ...prefix] = typeof fields.bucket === "string" ? [fields.bucket, ...segments] : segments;
    if (bucket === undefined) {
      throw new LocationError(
        "this s3 drive has no bucket setting, so its path starts with the bucket: name:bucket/prefix",
      );
    }
    const query = new URLSearchParams();
    if (typeof fields.endpoint === "string") query.set("endpoint", fields.endpoint);
    if (typeof fields.region === "string") query.set("region", fields.region);
    if (typeof fields.path_style === "boolean") query.set("path_style", String(fields.path_style));
    const search = query.size > 0 ? `?${query}` : "";
    const encoded = [bucket, ...prefix.map(encodeURIComponent)].join("/");
    const location = parseLocation(`s3://${encoded}${search}`);
    if (location.kind !== "s3") throw new LocationError("not an s3 location");
    return {
      ...location,
      ...limitsOf(fields),
      ...(typeof fields.access_key_id === "string" ? { accessKeyId: fields.access_key_id } : {}),
      ...(typeof fields.secret_access_key === "string" ? { secretAccessKey: fields.secret_access_key } : {}),
    };
  },
};
