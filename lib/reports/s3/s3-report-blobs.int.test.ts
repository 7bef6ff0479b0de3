import { CreateBucketCommand, type S3Client } from "@aws-sdk/client-s3";
import { sharedEmulators, uniqueName } from "../../../test/support/emulators/shared-emulators.ts";
import { runReportBlobsContract } from "../../../test/support/reports/report-blobs-contract.ts";
import { s3ClientFor } from "../../drives/s3/s3-client.ts";
import { createS3ReportReader } from "./s3-report-blobs.ts";
import { createS3ReportUploader } from "./s3-report-upload.ts";

let client: S3Client | undefined;

runReportBlobsContract({
  name: "s3 (fauxqs)",
  newBlobs: async () => {
    client ??= s3ClientFor(sharedEmulators().sqsS3);
    const bucket = uniqueName("reports");
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    const options = { client, bucket, prefix: "reports/" };
    return { ...createS3ReportReader(options), ...createS3ReportUploader(options) };
  },
  cleanup: async () => {
    client?.destroy();
  },
});
