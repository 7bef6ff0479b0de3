/**
 * Names of the environment variables that infra sets on the Lambda functions and that the
 * handlers (`functions/api.ts`, `functions/worker.ts`) read. Pure on purpose: no `sst` or `$app`
 * globals, so the functions and the tests can import it.
 *
 * | name                          | api | worker | value                                                            |
 * |-------------------------------|-----|--------|------------------------------------------------------------------|
 * | `SYNCRON_TABLE`               |  ✓  |   ✓    | DynamoDB table name; the dead-letter consumer's only variable    |
 * | `SYNCRON_QUEUE_URL`           |  ✓  |   ✓    | sync queue URL (API: manual runs; worker: continuations)         |
 * | `SYNCRON_QUEUE_ARN`           |  ✓  |        | sync queue ARN: the target of schedules and rules                |
 * | `SYNCRON_DLQ_URL`             |  ✓  |        | dead-letter queue URL (task status reads its depth)              |
 * | `SYNCRON_SCHEDULE_BACKEND`    |  ✓  |        | `eventbridge-scheduler` (default) or `eventbridge-rules`         |
 * | `SYNCRON_SCHEDULE_GROUP`      |  ✓  |        | schedule group name; with `eventbridge-rules`, the rule name prefix (`<group>.…` on the default bus) |
 * | `SYNCRON_SCHEDULER_ROLE_ARN`  |  ✓  |        | role EventBridge Scheduler assumes to send to the queue          |
 * | `SYNCRON_SCHEDULE_DLQ_ARN`    |  ✓  |        | schedule dead-letter queue ARN: fires EventBridge could not deliver go there |
 * | `SYNCRON_API_AUTH`            |  ✓  |        | what API Gateway checks first: `iam`, `jwt` or `none` (sst dev)  |
 * | `SYNCRON_API_TOKEN`           |  ✓  |        | optional token the API demands in X-Syncron-Token besides IAM/JWT|
 * | `SYNCRON_WORKER_TIMEOUT_S`    |     |        | a deploy setting (the worker Lambda's timeout) and `syncron dev`'s; no function reads it: they ask their Lambda context |
 * | `SYNCRON_REPORTS_BUCKET`      |  ✓  |   ✓    | bucket of the per-file run reports (`reports/<task id>/…`; worker writes, API reads) |
 * | `SYNCRON_LOCAL_ROOTS`         |  ✓  |   ✓    | folders local locations may lie in (`:`-separated); infra never sets it, so on Lambda local locations are refused |
 * | `SYNCRON_DRIVES_PARAMETER_PATH` | ✓ |   ✓    | SSM path of the drives' secrets, `/syncron/<stage>/drives` (API writes, worker reads) |
 * | `SYNCRON_DEV_WORKER`          |     |        | `sst dev` stages only: the worker function the queue's stand-in (functions/dev-relay.ts) invokes; the relay reads `SYNCRON_TABLE` too (it ends the runs of messages on their last delivery) |
 * | `SYNCRON_DEFAULT_TIMEZONE`    |  ✓  |        | IANA time zone of new configs that name none (default UTC); a deploy setting, unset when not configured |
 * | `SYNCRON_FANOUT_ENTRIES`      |     |   ✓    | entries a run lists before it hands folders to other workers (lib/jobs/fan-out); a deploy setting, unset (off) when not configured |
 */
export const ENV = {
  table: "SYNCRON_TABLE",
  queueUrl: "SYNCRON_QUEUE_URL",
  queueArn: "SYNCRON_QUEUE_ARN",
  dlqUrl: "SYNCRON_DLQ_URL",
  scheduleBackend: "SYNCRON_SCHEDULE_BACKEND",
  scheduleGroup: "SYNCRON_SCHEDULE_GROUP",
  schedulerRoleArn: "SYNCRON_SCHEDULER_ROLE_ARN",
  scheduleDlqArn: "SYNCRON_SCHEDULE_DLQ_ARN",
  apiAuth: "SYNCRON_API_AUTH",
  apiToken: "SYNCRON_API_TOKEN",
  workerTimeoutS: "SYNCRON_WORKER_TIMEOUT_S",
  localRoots: "SYNCRON_LOCAL_ROOTS",
  drivesParameterPath: "SYNCRON_DRIVES_PARAMETER_PATH",
  reportsBucket: "SYNCRON_REPORTS_BUCKET",
  defaultTimezone: "SYNCRON_DEFAULT_TIMEZONE",
  fanoutEntries: "SYNCRON_FANOUT_ENTRIES",
  devWorker: "SYNCRON_DEV_WORKER",
} as const;

export type EnvKey = keyof typeof ENV;

/** A variable a handler cannot run without. Throws naming it when it is unset or empty. */
export function requiredEnv(env: Record<string, string | undefined>, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

/**
 * How API Gateway authenticates callers before the API function runs. With `iam` and `jwt` the
 * `Authorization` header carries the SigV4 signature or the JWT; `none` exists only for `sst dev`.
 */
export const API_AUTH_KINDS = ["iam", "jwt", "none"] as const;
export type ApiAuthKind = (typeof API_AUTH_KINDS)[number];

/** Values infra hands to the API function. `V` is `string` in tests and a Pulumi Output in infra. */
export interface ApiEnvValues<V> {
  table: V;
  queueUrl: V;
  queueArn: V;
  dlqUrl: V;
  /** One of AWS_SCHEDULER_BACKENDS (lib/schedule/scheduler.ts; this file imports nothing). */
  scheduleBackend: string;
  scheduleGroup: V;
  schedulerRoleArn: V;
  scheduleDlqArn: V;
  apiAuth: ApiAuthKind;
  reportsBucket: V;
  /** A deploy setting, not a resource output. Omitted when not configured: the variable is then unset. */
  apiToken?: string;
  /** `/syncron/<stage>/drives` (lib/secrets/ssm `drivesParameterPath`). */
  drivesParameterPath: string;
  /** A deploy setting: the time zone of new configs that name none. Omitted when not configured. */
  defaultTimezone?: string;
}

/** Values infra hands to the worker function. */
export interface WorkerEnvValues<V> {
  table: V;
  queueUrl: V;
  drivesParameterPath: string;
  reportsBucket: V;
  /** A deploy setting: a run fans out past this many listed entries. Omitted (off) when not configured. */
  fanoutEntries?: number;
}

/** The API function's environment: exactly the variables of the table above marked "api". */
export function apiEnvironment<V>(values: ApiEnvValues<V>): Record<string, V | string> {
  return {
    [ENV.table]: values.table,
    [ENV.queueUrl]: values.queueUrl,
    [ENV.queueArn]: values.queueArn,
    [ENV.dlqUrl]: values.dlqUrl,
    [ENV.scheduleBackend]: values.scheduleBackend,
    [ENV.scheduleGroup]: values.scheduleGroup,
    [ENV.schedulerRoleArn]: values.schedulerRoleArn,
    [ENV.scheduleDlqArn]: values.scheduleDlqArn,
    [ENV.apiAuth]: values.apiAuth,
    [ENV.reportsBucket]: values.reportsBucket,
    ...(values.apiToken === undefined ? {} : { [ENV.apiToken]: values.apiToken }),
    [ENV.drivesParameterPath]: values.drivesParameterPath,
    ...(values.defaultTimezone === undefined ? {} : { [ENV.defaultTimezone]: values.defaultTimezone }),
  };
}

/** The worker function's environment: exactly the variables of the table above marked "worker". */
export function workerEnvironment<V>(values: WorkerEnvValues<V>): Record<string, V | string> {
  return {
    [ENV.table]: values.table,
    [ENV.queueUrl]: values.queueUrl,
    [ENV.drivesParameterPath]: values.drivesParameterPath,
    [ENV.reportsBucket]: values.reportsBucket,
    ...(values.fanoutEntries === undefined ? {} : { [ENV.fanoutEntries]: String(values.fanoutEntries) }),
  };
}

/**
 * The `sst dev` relay's environment (functions/dev-relay.ts): the worker it invokes, and the table
 * where it ends the runs of messages on their last delivery.
 */
export function devRelayEnvironment<V>(values: { worker: V; table: V }): Record<string, V> {
  return { [ENV.devWorker]: values.worker, [ENV.table]: values.table };
}

/** The dead-letter consumer's environment (functions/dead-letter.ts): the table where it ends runs. */
export function deadLetterEnvironment<V>(values: { table: V }): Record<string, V> {
  return { [ENV.table]: values.table };
}
