import { rulePrefixOf } from "../../lib/schedule/names.ts";
import { drivesParameterPath } from "../../lib/secrets/ssm/ssm-secret-store.ts";

/**
 * ARNs and ARN patterns of the resources syncron's policies name. Built from the account's
 * partition, region and id (known only at deploy time, plain strings here).
 */
export interface AwsAccount {
  partition: string;
  region: string;
  accountId: string;
}

/** `arn:aws:scheduler:<region>:<account>:schedule-group/<group>`: the group itself. */
export const scheduleGroupArn = (account: AwsAccount, group: string): string =>
  `arn:${account.partition}:scheduler:${account.region}:${account.accountId}:schedule-group/${group}`;

/** Every schedule inside one group, and nothing outside it. */
export const schedulesInGroupArn = (account: AwsAccount, group: string): string =>
  `arn:${account.partition}:scheduler:${account.region}:${account.accountId}:schedule/${group}/*`;

/**
 * Rules of the `eventbridge-rules` backend: on the default bus, named `<group>.…` (rulePrefixOf), the
 * group being `SYNCRON_SCHEDULE_GROUP`, so two stages never touch each other's rules.
 */
export const rulesWithPrefixArn = (account: AwsAccount, group: string): string =>
  `arn:${account.partition}:events:${account.region}:${account.accountId}:rule/${rulePrefixOf(group)}*`;

/** The table and each of its named indexes (queries need the index ARN). */
export const tableAndIndexArns = (tableArn: string, indexNames: readonly string[]): string[] => [
  tableArn,
  ...indexNames.map((name) => `${tableArn}/index/${name}`),
];

/**
 * Every drive's secrets in one stage, `/syncron/<stage>/drives/*` in SSM Parameter Store
 * (lib/secrets/ssm `drivesParameterPath`), and no other parameter.
 */
export const drivesParametersArn = (account: AwsAccount, stage: string): string =>
  `arn:${account.partition}:ssm:${account.region}:${account.accountId}:parameter${drivesParameterPath(stage)}/*`;
