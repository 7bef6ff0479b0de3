/**
 * The one map from an AWS SDK call (`service:Command`, as the code constructs it) to the IAM actions
 * it needs, read by both IAM checks: infra/policies/coverage.test.ts (the policies against the
 * commands in lib/) and the deploy check (each function's role against its bundle,
 * function-reads.ts).
 */

/**
 * IAM actions of the calls whose action is not simply `service:Command` (lib-dynamodb's document
 * commands, batch sends, S3's Head = Get, lib-storage's multipart Upload = PutObject + Abort, a
 * schedule that names a role passes it).
 */
export const ACTIONS_OF_CALL: Record<string, string[]> = {
  "dynamodb:Get": ["dynamodb:GetItem"],
  "dynamodb:Put": ["dynamodb:PutItem"],
  "dynamodb:Update": ["dynamodb:UpdateItem"],
  "dynamodb:Delete": ["dynamodb:DeleteItem"],
  "dynamodb:Query": ["dynamodb:Query"],
  "dynamodb:Scan": ["dynamodb:Scan"],
  "dynamodb:BatchWrite": ["dynamodb:BatchWriteItem"],
  "dynamodb:BatchGet": ["dynamodb:BatchGetItem"],
  "dynamodb:TransactWrite": ["dynamodb:TransactWriteItems"],
  "sqs:SendMessageBatch": ["sqs:SendMessage"],
  "lambda:Invoke": ["lambda:InvokeFunction"],
  "s3:ListObjectsV2": ["s3:ListBucket"],
  "s3:HeadObject": ["s3:GetObject"],
  "s3:CopyObject": ["s3:GetObject", "s3:PutObject"],
  "s3:DeleteObjects": ["s3:DeleteObject"],
  "s3:Upload": ["s3:PutObject", "s3:AbortMultipartUpload"],
  // IAM has no action per multipart step: creating, completing and copying parts is PutObject.
  "s3:CreateMultipartUpload": ["s3:PutObject"],
  "s3:UploadPart": ["s3:PutObject"],
  "s3:CompleteMultipartUpload": ["s3:PutObject"],
  "s3:UploadPartCopy": ["s3:GetObject", "s3:PutObject"],
  "scheduler:CreateSchedule": ["scheduler:CreateSchedule", "iam:PassRole"],
  "scheduler:UpdateSchedule": ["scheduler:UpdateSchedule", "iam:PassRole"],
};

/** The IAM actions `call` (`service:Command`) needs: its entry above, else `service:Command` itself. */
export const actionsOfCall = (call: string): string[] => ACTIONS_OF_CALL[call] ?? [call];
