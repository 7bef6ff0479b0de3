import { LISTING_MEMOS_PREFIX } from "../../lib/reports/listing-memos.ts";
import { REPORTS_PREFIX } from "../../lib/reports/report-blobs.ts";
import { type PolicyDocument, type PolicyStatement, policyDocument } from "./document.ts";
import { tableDataStatement } from "./dynamodb.ts";

export interface WorkerPolicyInput {
  partition: string;
  tableArn: string;
  indexNames: readonly string[];
  queueArn: string;
  /** AWS S3 buckets the worker syncs with its own role (s3:// locations without keys). */
  s3Buckets: readonly string[];
  /** The stage's drive secrets (arns.ts `drivesParametersArn`): read only. */
  drivesParametersArn: string;
  /** The stage's reports bucket (the worker writes runs' per-file reports under `reports/`, memos under `listing-memos/`). */
  reportsBucket: string;
}

/** What a report upload calls (lib-storage: PutObject, or a multipart upload it may abort). */
export const REPORT_WRITE_ACTIONS = ["s3:PutObject", "s3:AbortMultipartUpload"];

/** What the S3 drive calls on objects: Get/HeadObject, PutObject and multipart Upload, DeleteObject. */
/**
 * What keeping configs' listing memos calls: GetObject and PutObject (lib-storage) under
 * `listing-memos/`, and s3:ListBucket on the bucket, without which S3 answers a GetObject of a memo
 * not yet written 403 instead of 404 (a condition on `s3:prefix` would not apply to a GetObject).
 */
const MEMO_OBJECT_ACTIONS = ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"];
export const MEMO_ACTIONS = [...MEMO_OBJECT_ACTIONS, "s3:ListBucket"];

export const S3_OBJECT_ACTIONS = [
  "s3:GetObject",
  "s3:PutObject",
  "s3:DeleteObject",
  "s3:AbortMultipartUpload",
];

/**
 * Reading drive secrets: GetParameter, and GetParameters, which Powertools' SSMProvider also
 * constructs (its batch read); both only on the stage's drive parameters.
 */
export const DRIVE_SECRETS_READ_ACTIONS = ["ssm:GetParameter", "ssm:GetParameters"];

/** What the Lambda event source mapping needs to poll the queue with the function's role (AWSLambdaSQSQueueExecutionRole's SQS actions). */
export const SQS_CONSUME_ACTIONS = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"];

/**
 * The worker's identity policy: the table and its indexes (runs, leases, configs); consume the
 * sync queue; send to it (continuations of a run that outlives one invocation); and the objects of
 * the configured S3 buckets, if any. Nothing else: it never touches schedules, and the dead-letter
 * queue is filled by SQS's redrive, not by the worker. It may read the stage's drive secrets, never
 * write them, writes runs' reports under `reports/` and keeps listing memos under `listing-memos/`. S3-compatible stores (MinIO, R2, …) use keys
 * from the location, not this role.
 */
export function workerPolicy(input: WorkerPolicyInput): PolicyDocument {
  return policyDocument(
    tableDataStatement(input.tableArn, input.indexNames),
    {
      Sid: "SyncQueueConsume",
      Effect: "Allow",
      Action: [...SQS_CONSUME_ACTIONS],
      Resource: [input.queueArn],
    },
    {
      Sid: "SyncQueueContinue",
      Effect: "Allow",
      Action: ["sqs:SendMessage"],
      Resource: [input.queueArn],
    },
    {
      Sid: "DriveSecretsRead",
      Effect: "Allow",
      Action: [...DRIVE_SECRETS_READ_ACTIONS],
      Resource: [input.drivesParametersArn],
    },
    {
      Sid: "RunReportsWrite",
      Effect: "Allow",
      Action: [...REPORT_WRITE_ACTIONS],
      Resource: [`arn:${input.partition}:s3:::${input.reportsBucket}/${REPORTS_PREFIX}*`],
    },
    {
      Sid: "ListingMemosFind",
      Effect: "Allow",
      Action: ["s3:ListBucket"],
      Resource: [`arn:${input.partition}:s3:::${input.reportsBucket}`],
    },
    {
      Sid: "ListingMemosKeep",
      Effect: "Allow",
      Action: [...MEMO_OBJECT_ACTIONS],
      Resource: [`arn:${input.partition}:s3:::${input.reportsBucket}/${LISTING_MEMOS_PREFIX}*`],
    },
    ...s3Statements(input.partition, input.s3Buckets),
  );
}

function s3Statements(partition: string, buckets: readonly string[]): PolicyStatement[] {
  if (buckets.length === 0) return [];
  return [
    {
      Sid: "S3ListBuckets",
      Effect: "Allow",
      Action: ["s3:ListBucket"],
      Resource: buckets.map((bucket) => `arn:${partition}:s3:::${bucket}`),
    },
    {
      Sid: "S3Objects",
      Effect: "Allow",
      Action: [...S3_OBJECT_ACTIONS],
      Resource: buckets.map((bucket) => `arn:${partition}:s3:::${bucket}/*`),
    },
  ];
}
