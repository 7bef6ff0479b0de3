import { describe, expect, it } from "vitest";
import { TABLE_INDEX_NAMES } from "../table.ts";
import { type ApiPolicyInput, apiPolicy, LIST_ONLY_WILDCARD_ACTIONS } from "./api.ts";
import type { AwsAccount } from "./arns.ts";
import { deadLetterPolicy } from "./dead-letter.ts";
import type { PolicyDocument } from "./document.ts";
import { DYNAMODB_DATA_ACTIONS } from "./dynamodb.ts";
import { eventsToQueuePolicy } from "./queue-policy.ts";
import { schedulerRolePolicy, schedulerTrustPolicy } from "./scheduler-role.ts";
import { workerPolicy } from "./worker.ts";

const account: AwsAccount = { partition: "aws", region: "eu-west-1", accountId: "123456789012" };
const tableArn = "arn:aws:dynamodb:eu-west-1:123456789012:table/syncron-prod-Table";
const queueArn = "arn:aws:sqs:eu-west-1:123456789012:syncron-prod-SyncQueue";
const dlqArn = "arn:aws:sqs:eu-west-1:123456789012:syncron-prod-DeadLetterQueue";
const scheduleDlqArn = "arn:aws:sqs:eu-west-1:123456789012:syncron-prod-ScheduleDeadLetterQueue";
const schedulerRoleArn = "arn:aws:iam::123456789012:role/syncron-prod-SchedulerRole";
const group = "syncron-prod";
const drivesParametersArn = "arn:aws:ssm:eu-west-1:123456789012:parameter/syncron/prod/drives/*";

const apiInput = (backend: ApiPolicyInput["backend"]): ApiPolicyInput => ({
  account,
  backend,
  tableArn,
  indexNames: TABLE_INDEX_NAMES,
  queueArn,
  dlqArn,
  scheduleGroup: group,
  schedulerRoleArn,
  drivesParametersArn,
  reportsBucket: "syncron-prod-reports",
});

/** Reading runs' reports: list and get under reports/ of the stage's bucket, nothing else of it. */
const reportReadStatements = [
  {
    Sid: "RunReportsList",
    Effect: "Allow",
    Action: ["s3:ListBucket"],
    Resource: ["arn:aws:s3:::syncron-prod-reports"],
    Condition: { StringLike: { "s3:prefix": ["reports/*"] } },
  },
  {
    Sid: "RunReportsRead",
    Effect: "Allow",
    Action: ["s3:GetObject"],
    Resource: ["arn:aws:s3:::syncron-prod-reports/reports/*"],
  },
];

const tableStatement = {
  Sid: "TableData",
  Effect: "Allow",
  Action: DYNAMODB_DATA_ACTIONS,
  Resource: [tableArn, `${tableArn}/index/gsi1`, `${tableArn}/index/gsi2`, `${tableArn}/index/gsi3`],
};

/** Every (action, resource) pair a document allows, for "nothing else" assertions. */
const grants = (document: PolicyDocument): string[] =>
  document.Statement.flatMap((s) =>
    s.Action.flatMap((a) => (s.Resource ?? ["<principal>"]).map((r) => `${a} ${r}`)),
  );

describe("DYNAMODB_DATA_ACTIONS", () => {
  it("has single-item actions and Query only: no Scan, batch, transaction or table management", () => {
    expect(DYNAMODB_DATA_ACTIONS).not.toContain("dynamodb:Scan");
    for (const action of DYNAMODB_DATA_ACTIONS) {
      expect(action).toMatch(
        /^dynamodb:(Get|Put|Update|Delete|ConditionCheck|BatchGet|BatchWrite)Item$|^dynamodb:Query$/,
      );
    }
  });
});

describe("schedulerTrustPolicy", () => {
  it("trusts only scheduler.amazonaws.com, for this account and syncron's schedule group", () => {
    expect(schedulerTrustPolicy(account, group)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "SchedulerAssumesRole",
          Effect: "Allow",
          Principal: { Service: "scheduler.amazonaws.com" },
          Action: ["sts:AssumeRole"],
          Condition: {
            StringEquals: { "aws:SourceAccount": "123456789012" },
            ArnEquals: {
              "aws:SourceArn": "arn:aws:scheduler:eu-west-1:123456789012:schedule-group/syncron-prod",
            },
          },
        },
      ],
    });
  });
});

describe("schedulerRolePolicy", () => {
  it("may only sqs:SendMessage to the sync queue and the schedule dead-letter queue", () => {
    expect(schedulerRolePolicy(queueArn, scheduleDlqArn)).toEqual({
      Version: "2012-10-17",
      Statement: [
        { Sid: "SendToSyncQueue", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: [queueArn] },
        {
          Sid: "SendUndeliveredToScheduleDlq",
          Effect: "Allow",
          Action: ["sqs:SendMessage"],
          Resource: [scheduleDlqArn],
        },
      ],
    });
  });
});

describe("eventsToQueuePolicy", () => {
  it("lets events.amazonaws.com send to the queue only from syncron's rules", () => {
    expect(eventsToQueuePolicy(account, queueArn, group)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "EventBridgeRulesSend",
          Effect: "Allow",
          Principal: { Service: "events.amazonaws.com" },
          Action: ["sqs:SendMessage"],
          Resource: [queueArn],
          Condition: {
            ArnLike: { "aws:SourceArn": "arn:aws:events:eu-west-1:123456789012:rule/syncron-prod.*" },
          },
        },
      ],
    });
  });
});

describe("apiPolicy with eventbridge-scheduler", () => {
  const policy = apiPolicy(apiInput("eventbridge-scheduler"));

  it("grants exactly the table, queue, DLQ depth, schedules in the group, and PassRole of the scheduler role", () => {
    expect(policy.Statement).toEqual([
      tableStatement,
      {
        Sid: "SyncQueueSend",
        Effect: "Allow",
        Action: ["sqs:SendMessage", "sqs:GetQueueAttributes"],
        Resource: [queueArn],
      },
      {
        Sid: "DeadLetterQueueDepth",
        Effect: "Allow",
        Action: ["sqs:GetQueueAttributes"],
        Resource: [dlqArn],
      },
      ...reportReadStatements,
      {
        Sid: "ManageSchedulesInGroup",
        Effect: "Allow",
        Action: [
          "scheduler:CreateSchedule",
          "scheduler:UpdateSchedule",
          "scheduler:DeleteSchedule",
          "scheduler:GetSchedule",
        ],
        Resource: ["arn:aws:scheduler:eu-west-1:123456789012:schedule/syncron-prod/*"],
      },
      { Sid: "ListSchedules", Effect: "Allow", Action: ["scheduler:ListSchedules"], Resource: ["*"] },
      {
        Sid: "PassSchedulerRole",
        Effect: "Allow",
        Action: ["iam:PassRole"],
        Resource: [schedulerRoleArn],
        Condition: { StringEquals: { "iam:PassedToService": "scheduler.amazonaws.com" } },
      },
      {
        Sid: "DriveSecretsWrite",
        Effect: "Allow",
        Action: ["ssm:PutParameter", "ssm:GetParameter", "ssm:GetParameters", "ssm:DeleteParameter"],
        Resource: [drivesParametersArn],
      },
    ]);
  });

  it("has no EventBridge rules permissions", () => {
    expect(grants(policy).filter((g) => g.startsWith("events:"))).toEqual([]);
  });
});

describe("apiPolicy with eventbridge-rules", () => {
  const policy = apiPolicy(apiInput("eventbridge-rules"));

  it("manages only rules named <group>-… and never passes a role", () => {
    expect(policy.Statement.slice(5)).toEqual([
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
        Resource: ["arn:aws:events:eu-west-1:123456789012:rule/syncron-prod.*"],
      },
      { Sid: "ListRules", Effect: "Allow", Action: ["events:ListRules"], Resource: ["*"] },
      {
        Sid: "DriveSecretsWrite",
        Effect: "Allow",
        Action: ["ssm:PutParameter", "ssm:GetParameter", "ssm:GetParameters", "ssm:DeleteParameter"],
        Resource: [drivesParametersArn],
      },
    ]);
    expect(grants(policy).filter((g) => g.startsWith("scheduler:") || g.startsWith("iam:"))).toEqual([]);
  });

  it("keeps the same table and queue statements as the scheduler backend", () => {
    expect(policy.Statement.slice(0, 3)).toEqual(
      apiPolicy(apiInput("eventbridge-scheduler")).Statement.slice(0, 3),
    );
  });
});

describe("workerPolicy", () => {
  it("grants exactly the table, consuming the queue, and sending continuations to it", () => {
    expect(
      workerPolicy({
        partition: "aws",
        tableArn,
        indexNames: TABLE_INDEX_NAMES,
        queueArn,
        s3Buckets: [],
        drivesParametersArn,
        reportsBucket: "syncron-prod-reports",
      }).Statement,
    ).toEqual([
      tableStatement,
      {
        Sid: "SyncQueueConsume",
        Effect: "Allow",
        Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
        Resource: [queueArn],
      },
      { Sid: "SyncQueueContinue", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: [queueArn] },
      {
        Sid: "DriveSecretsRead",
        Effect: "Allow",
        Action: ["ssm:GetParameter", "ssm:GetParameters"],
        Resource: [drivesParametersArn],
      },
      {
        Sid: "RunReportsWrite",
        Effect: "Allow",
        Action: ["s3:PutObject", "s3:AbortMultipartUpload"],
        Resource: ["arn:aws:s3:::syncron-prod-reports/reports/*"],
      },
      {
        Sid: "ListingMemosFind",
        Effect: "Allow",
        Action: ["s3:ListBucket"],
        Resource: ["arn:aws:s3:::syncron-prod-reports"],
      },
      {
        Sid: "ListingMemosKeep",
        Effect: "Allow",
        Action: ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"],
        Resource: ["arn:aws:s3:::syncron-prod-reports/listing-memos/*"],
      },
    ]);
  });

  it("adds the objects of configured S3 buckets, each bucket by name", () => {
    const policy = workerPolicy({
      partition: "aws",
      tableArn,
      indexNames: TABLE_INDEX_NAMES,
      queueArn,
      s3Buckets: ["photos", "backups.example"],
      drivesParametersArn,
      reportsBucket: "syncron-ci-reports",
    });
    expect(policy.Statement.slice(7)).toEqual([
      {
        Sid: "S3ListBuckets",
        Effect: "Allow",
        Action: ["s3:ListBucket"],
        Resource: ["arn:aws:s3:::photos", "arn:aws:s3:::backups.example"],
      },
      {
        Sid: "S3Objects",
        Effect: "Allow",
        Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
        Resource: ["arn:aws:s3:::photos/*", "arn:aws:s3:::backups.example/*"],
      },
    ]);
  });
});

describe("deadLetterPolicy", () => {
  it("grants the table's items (no index) and consuming the dead-letter queue; no send, no other queue", () => {
    expect(deadLetterPolicy({ tableArn, deadLetterQueueArn: dlqArn }).Statement).toEqual([
      { Sid: "TableData", Effect: "Allow", Action: [...DYNAMODB_DATA_ACTIONS], Resource: [tableArn] },
      {
        Sid: "DeadLetterQueueConsume",
        Effect: "Allow",
        Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
        Resource: [dlqArn],
      },
    ]);
  });
});

describe("drive secrets", () => {
  it("are the stage's /syncron/<stage>/drives/* parameters and nothing else", async () => {
    const { drivesParametersArn: arnOf } = await import("./arns.ts");
    expect(arnOf(account, "prod")).toBe(drivesParametersArn);
    expect(arnOf(account, "alice")).toBe(
      "arn:aws:ssm:eu-west-1:123456789012:parameter/syncron/alice/drives/*",
    );
  });

  it("the API may write, read and delete them; the worker may only read them; no other SSM grant exists", () => {
    const ssm = (doc: PolicyDocument) => grants(doc).filter((g) => g.startsWith("ssm:"));
    expect(ssm(apiPolicy(apiInput("eventbridge-scheduler"))).sort()).toEqual(
      ["ssm:DeleteParameter", "ssm:GetParameter", "ssm:GetParameters", "ssm:PutParameter"].map(
        (a) => `${a} ${drivesParametersArn}`,
      ),
    );
    expect(ssm(apiPolicy(apiInput("eventbridge-rules")))).toHaveLength(4);
    const worker = workerPolicy({
      partition: "aws",
      tableArn,
      indexNames: TABLE_INDEX_NAMES,
      queueArn,
      s3Buckets: ["b"],
      drivesParametersArn,
      reportsBucket: "syncron-prod-reports",
    });
    expect(ssm(worker)).toEqual([
      `ssm:GetParameter ${drivesParametersArn}`,
      `ssm:GetParameters ${drivesParametersArn}`,
    ]);
    expect(ssm(schedulerRolePolicy(queueArn, scheduleDlqArn))).toEqual([]);
  });
});

describe("wildcards", () => {
  const documents = {
    "api (scheduler)": apiPolicy(apiInput("eventbridge-scheduler")),
    "api (rules)": apiPolicy(apiInput("eventbridge-rules")),
    worker: workerPolicy({
      partition: "aws",
      tableArn,
      indexNames: TABLE_INDEX_NAMES,
      queueArn,
      s3Buckets: ["b"],
      drivesParametersArn,
      reportsBucket: "syncron-ci-reports",
    }),
    "scheduler role": schedulerRolePolicy(queueArn, scheduleDlqArn),
    "events queue policy": eventsToQueuePolicy(account, queueArn, group),
    "scheduler trust": schedulerTrustPolicy(account, group),
  };

  it.each(Object.entries(documents))(
    "%s: Resource '*' only for resource-less List actions, alone",
    (_, doc) => {
      for (const statement of doc.Statement) {
        expect(statement.Action.every((action) => !action.includes("*"))).toBe(true);
        if (statement.Resource?.includes("*")) {
          expect(statement.Resource).toEqual(["*"]);
          expect(statement.Action).toHaveLength(1);
          expect(LIST_ONLY_WILDCARD_ACTIONS).toContain(statement.Action[0]);
        }
      }
    },
  );

  it.each(Object.entries(documents))("%s: every named resource is in this account", (_, doc) => {
    for (const resource of doc.Statement.flatMap((s) => s.Resource ?? []).filter((r) => r !== "*")) {
      // S3 bucket ARNs carry no region or account; every other ARN is in this account.
      expect(resource).toMatch(
        /^arn:aws:[a-z0-9-]+:(eu-west-1)?:123456789012:|^arn:aws:s3:::b(\/\*)?$|^arn:aws:s3:::syncron-(prod|ci)-reports(\/(reports|listing-memos)\/\*)?$/,
      );
    }
  });
});
