import { S3Client } from "@aws-sdk/client-s3";
import { LISTING_MEMOS_PREFIX, type ListingMemos, listingMemosIn } from "../listing-memos.ts";
import { REPORTS_PREFIX, type ReportReader, type ReportUploader } from "../report-blobs.ts";
import { createS3ReportReader } from "./s3-report-blobs.ts";
import { createS3ReportUploader } from "./s3-report-upload.ts";

/** The stage's reports bucket, read with the API function's own role. */
export const reportsBucketReader = (bucket: string): ReportReader =>
  createS3ReportReader({ client: new S3Client({}), bucket, prefix: REPORTS_PREFIX });

/** The stage's reports bucket, written with the worker function's own role. */
export const reportsBucketUploader = (bucket: string): ReportUploader =>
  createS3ReportUploader({ client: new S3Client({}), bucket, prefix: REPORTS_PREFIX });

/** The configs' S3 listing memos in the stage's reports bucket, read and written by the worker. */
export function reportsBucketMemos(bucket: string): ListingMemos {
  const options = { client: new S3Client({}), bucket, prefix: LISTING_MEMOS_PREFIX };
  return listingMemosIn({ get: createS3ReportReader(options).get, put: createS3ReportUploader(options).put });
}
