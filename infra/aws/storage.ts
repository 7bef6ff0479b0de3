import { LISTING_MEMOS_PREFIX } from "../../lib/reports/listing-memos.ts";
import { REPORT_RETENTION_DAYS, REPORTS_PREFIX } from "../../lib/reports/report-blobs.ts";
import { ABORT_UPLOADS_RULE, withAbortAction } from "../buckets.ts";
import { dynamoKeyArgs } from "../table.ts";
import { settings } from "./settings.ts";

/**
 * The one syncron table, keyed by the store's schema: on-demand, point-in-time recovery, TTL on
 * the attribute leases and idempotency records carry, encrypted, and deletion-protected in
 * production.
 */
export const table = new sst.aws.Dynamo("Table", {
  ...dynamoKeyArgs(),
  deletionProtection: settings.production,
  transform: {
    table: (args) => {
      // SST's defaults today, stated so an SST upgrade cannot silently change them.
      args.billingMode = "PAY_PER_REQUEST";
      args.pointInTimeRecovery = { enabled: true };
      args.serverSideEncryption = { enabled: true };
    },
  },
});

/**
 * The per-file run reports (`reports/<task id>/<part>.jsonl.gz`, written by the worker, read by the
 * API): private, and expired after 30 days like the runs they describe. The worker also keeps each
 * config's S3 listing memo here (`listing-memos/<config id>/<side>.bin.gz`, rewritten by every run),
 * expired alike: a config idle that long HEADs its objects once again. Incomplete multipart uploads
 * (a worker killed mid-upload) are aborted after a day (infra/buckets.ts).
 */
export const reports = new sst.aws.Bucket("Reports", {
  lifecycle: [
    { prefix: REPORTS_PREFIX, expiresIn: `${REPORT_RETENTION_DAYS} days` },
    { prefix: LISTING_MEMOS_PREFIX, expiresIn: `${REPORT_RETENTION_DAYS} days` },
    ABORT_UPLOADS_RULE,
  ],
  transform: { lifecycle: abortIncompleteUploads },
});

/** A bucket lifecycle resource's transform: the abort action on {@link ABORT_UPLOADS_RULE} (see infra/buckets.ts). */
export function abortIncompleteUploads(args: aws.s3.BucketLifecycleConfigurationArgs): undefined {
  args.rules = $resolve(args.rules ?? []).apply((rules) => withAbortAction(rules));
  return undefined;
}
