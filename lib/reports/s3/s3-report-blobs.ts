import type { Readable } from "node:stream";
import { GetObjectCommand, ListObjectsV2Command, NoSuchKey, type S3Client } from "@aws-sdk/client-s3";
import type { ReportReader } from "../report-blobs.ts";

export interface S3ReportBlobsOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** Key prefix inside the bucket, e.g. `reports/` (the bucket's lifecycle rule expires it). */
  readonly prefix?: string;
}

/**
 * Reading reports from an S3 bucket (the API). Writing is s3-report-upload.ts, apart, so the API's
 * bundle (and so its role) holds no upload call.
 */
export function createS3ReportReader(options: S3ReportBlobsOptions): ReportReader {
  const { client, bucket } = options;
  const base = options.prefix ?? "";
  return {
    async list(prefix) {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            Prefix: `${base}${prefix}`,
            ...(token ? { ContinuationToken: token } : {}),
          }),
        );
        for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key.slice(base.length));
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return keys.sort();
    },
    async get(key) {
      try {
        const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: `${base}${key}` }));
        return object.Body as Readable | undefined;
      } catch (error) {
        if (error instanceof NoSuchKey || (error as { name?: string }).name === "NoSuchKey") return undefined;
        throw error;
      }
    },
  };
}
