import { REPORTS_PREFIX } from "../../lib/reports/report-blobs.ts";
import type { AwsSchedulerBackend } from "../../lib/schedule/scheduler.ts";
import { type AwsAccount, rulesWithPrefixArn, schedulesInGroupArn } from "./arns.ts";
import { type PolicyDocument, type PolicyStatement, policyDocument } from "./document.ts";
import { tableDataStatement } from "./dynamodb.ts";
import { SCHEDULER_SERVICE } from "./scheduler-role.ts";

export interface ApiPolicyInput {
  account: AwsAccount;
  backend: AwsSchedulerBackend;
  tableArn: string;
  indexNames: readonly string[];
  queueArn: string;
  dlqArn: string;
  /** Schedule group name; with the `eventbridge-rules` backend, the rule name prefix. */
  scheduleGroup: string;
  schedulerRoleArn: string;
  /** The stage's drive secrets ({@link drivesParametersArn}). */
  drivesParametersArn: string;
  /** AWS S3 buckets drives may use with the role: the API lists them (drive check, entries), no more. */
  s3Buckets?: readonly string[];
  /** The stage's reports bucket (task-result items read `reports/`). */
  reportsBucket: string;
}

/** What reading a run's report calls: ListObjectsV2 (s3:ListBucket) on `reports/`, GetObject. */
export const REPORT_READ_ACTIONS = ["s3:ListBucket", "s3:GetObject"];

/** What the API does with drive secrets: write (create, rotate), read (merge a PATCH, check a drive), delete. */
export const DRIVE_SECRETS_API_ACTIONS = [
  "ssm:PutParameter",
  "ssm:GetParameter",
  "ssm:GetParameters",
  "ssm:DeleteParameter",
];

/**
 * `Resource: "*"` is used only for List actions that have no resource type in the Service
 * Authorization Reference ("If there is no value for this column, you must specify all resources
 * ('*')"): `scheduler:ListSchedules` and `events:ListRules`. They reveal names, change nothing, and
 * each sits alone in its statement so no other action inherits the `*`.
 */
export const LIST_ONLY_WILDCARD_ACTIONS = ["scheduler:ListSchedules", "events:ListRules"] as const;

/**
 * The API function's identity policy: the table and its indexes; send to the sync queue and read
 * its depth (manual runs, task status); read the dead-letter queue's depth; and manage the
 * schedules of the chosen backend, only inside syncron's group (or rule prefix); and write, read
 * and delete the stage's drive secrets, no other parameter (the `aws/ssm` key needs no KMS grant).
 */
export function apiPolicy(input: ApiPolicyInput): PolicyDocument {
  return policyDocument(
    tableDataStatement(input.tableArn, input.indexNames),
    {
      Sid: "SyncQueueSend",
      Effect: "Allow",
      Action: ["sqs:SendMessage", "sqs:GetQueueAttributes"],
      Resource: [input.queueArn],
    },
    {
      Sid: "DeadLetterQueueDepth",
      Effect: "Allow",
      Action: ["sqs:GetQueueAttributes"],
      Resource: [input.dlqArn],
    },
    {
      Sid: "RunReportsList",
      Effect: "Allow",
      Action: ["s3:ListBucket"],
      Resource: [`arn:${input.account.partition}:s3:::${input.reportsBucket}`],
      Condition: { StringLike: { "s3:prefix": [`${REPORTS_PREFIX}*`] } },
    },
    {
      Sid: "RunReportsRead",
      Effect: "Allow",
      Action: ["s3:GetObject"],
      Resource: [`arn:${input.account.partition}:s3:::${input.reportsBucket}/${REPORTS_PREFIX}*`],
    },
    ...(input.backend === "eventbridge-scheduler" ? schedulerStatements(input) : rulesStatements(input)),
    {
      Sid: "DriveSecretsWrite",
      Effect: "Allow",
      Action: [...DRIVE_SECRETS_API_ACTIONS],
      Resource: [input.drivesParametersArn],
    },
    ...(input.s3Buckets?.length
      ? [
          {
            Sid: "S3ListBuckets",
            Effect: "Allow" as const,
            Action: ["s3:ListBucket"],
            Resource: input.s3Buckets.map((bucket) => `arn:${input.account.partition}:s3:::${bucket}`),
          },
        ]
      : []),
  );
}

function schedulerStatements(input: ApiPolicyInput): PolicyStatement[] {
  return [
    {
      Sid: "ManageSchedulesInGroup",
      Effect: "Allow",
      Action: [
        "scheduler:CreateSchedule",
        "scheduler:UpdateSchedule",
        "scheduler:DeleteSchedule",
        "scheduler:GetSchedule",
      ],
      Resource: [schedulesInGroupArn(input.account, input.scheduleGroup)],
    },
    {
      // ListSchedules has no resource type: see LIST_ONLY_WILDCARD_ACTIONS. Callers pass GroupName.
      Sid: "ListSchedules",
      Effect: "Allow",
      Action: ["scheduler:ListSchedules"],
      Resource: ["*"],
    },
    {
      Sid: "PassSchedulerRole",
      Effect: "Allow",
      Action: ["iam:PassRole"],
      Resource: [input.schedulerRoleArn],
      Condition: { StringEquals: { "iam:PassedToService": SCHEDULER_SERVICE } },
    },
  ];
}

function rulesStatements(input: ApiPolicyInput): PolicyStatement[] {
  return [
    {
      Sid: "ManageRulesWithPrefix",
      Effect: "Allow",
      Action: [
        "events:PutRule",
        "events:DeleteRule",
        "events:DescribeRule",
        "events:PutTargets",
        "events:RemoveTargets",
        "events:ListTargetsByRule",
      ],
      Resource: [rulesWithPrefixArn(input.account, input.scheduleGroup)],
    },
    {
      // ListRules has no resource type: see LIST_ONLY_WILDCARD_ACTIONS. Callers pass NamePrefix.
      Sid: "ListRules",
      Effect: "Allow",
      Action: ["events:ListRules"],
      Resource: ["*"],
    },
  ];
}
