import { CreateBucketCommand, type S3Client } from "@aws-sdk/client-s3";
import { runReportBlobsContract } from "../../../test/support/reports/report-blobs-contract.ts";
import { type LocalSqsS3, startLocalSqsS3 } from "../../dev/emulators/fauxqs.ts";
import { s3ClientFor } from "../../drives/s3/s3-client.ts";
import { createS3ReportReader } from "./s3-report-blobs.ts";
import { createS3ReportUploader } from "./s3-report-upload.ts";

let local: LocalSqsS3 | undefined;
let client: S3Client | undefined;
let buckets = 0;

runReportBlobsContract({
  name: "s3 (fauxqs)",
  newBlobs: async () => {
    local ??= await startLocalSqsS3();
    client ??= s3ClientFor({
      endpoint: local.endpoint,
      region: local.region,
      credentials: local.credentials,
    });
    const bucket = `reports-${process.pid}-${++buckets}`;
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    const options = { client, bucket, prefix: "reports/" };
    return { ...createS3ReportReader(options), ...createS3ReportUploader(options) };
  },
  cleanup: async () => {
    client?.destroy();
    await local?.stop();
  },
});
