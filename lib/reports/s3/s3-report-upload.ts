import { Upload } from "@aws-sdk/lib-storage";
import type { ReportUploader } from "../report-blobs.ts";
import type { S3ReportBlobsOptions } from "./s3-report-blobs.ts";

/** Writing reports to an S3 bucket (the worker): each part streamed up with lib-storage (multipart past 5 MiB). */
export function createS3ReportUploader(options: S3ReportBlobsOptions): ReportUploader {
  const base = options.prefix ?? "";
  return {
    async put(key, body) {
      await new Upload({
        client: options.client,
        params: { Bucket: options.bucket, Key: `${base}${key}`, Body: body, ContentType: "application/gzip" },
      }).done();
    },
  };
}
