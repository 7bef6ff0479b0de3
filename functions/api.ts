/**
 * The API Lambda (API Gateway HTTP API, payload 2.0). A composition root: the store, queue
 * producer and scheduler adapter are built once per cold start from the environment infra sets
 * (lib/env.ts), then every request goes through lib/api's handler.
 */
import { randomUUID } from "node:crypto";
import { Logger } from "@aws-lambda-powertools/logger";
import { SQSClient } from "@aws-sdk/client-sqs";
import { SSMClient } from "@aws-sdk/client-ssm";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import type { ApiDeps } from "../lib/api/deps.ts";
import { errorResponse } from "../lib/api/error-response.ts";
import { ApiError } from "../lib/api/errors.ts";
import { type ApiHandler, createApiHandler } from "../lib/api/handler.ts";
import { defaultTimezoneFrom } from "../lib/cron/timezone.ts";
import { confineLocal, lambdaLocalRoots } from "../lib/drives/local-roots.ts";
import { driveFor } from "../lib/drives/open-drive.ts";
import { API_AUTH_KINDS, type ApiAuthKind, ENV, requiredEnv } from "../lib/env.ts";
import { createSqsProducer } from "../lib/queue/sqs-producer.ts";
import { reportsBucketReader } from "../lib/reports/s3/reports-bucket.ts";
import { createAwsScheduler } from "../lib/schedule/aws-scheduler.ts";
import type { ScheduleRecords } from "../lib/schedule/schedule-records.ts";
import {
  AWS_SCHEDULER_BACKENDS,
  DEFAULT_AWS_SCHEDULER_BACKEND,
  type Scheduler,
} from "../lib/schedule/scheduler.ts";
import { createSsmSecretStore } from "../lib/secrets/ssm/ssm-secret-store.ts";
import { newId } from "../lib/store/ids.ts";
import { createDocumentClient, createStore } from "../lib/store/store.ts";

type Env = Record<string, string | undefined>;

/**
 * The scheduler adapter SYNCRON_SCHEDULE_BACKEND names (default eventbridge-scheduler), keeping what
 * it reads of each schedule in the store, so a cold start does not read every schedule again.
 */
function schedulerFromEnv(env: Env, records: ScheduleRecords, logger: Logger): Scheduler {
  const name = env[ENV.scheduleBackend] || DEFAULT_AWS_SCHEDULER_BACKEND;
  const backend = AWS_SCHEDULER_BACKENDS.find((known) => known === name);
  if (!backend) {
    throw new Error(
      `${ENV.scheduleBackend} must be ${AWS_SCHEDULER_BACKENDS.join(" or ")}, got ${JSON.stringify(name)}`,
    );
  }
  return createAwsScheduler({
    backend,
    group: requiredEnv(env, ENV.scheduleGroup),
    queueArn: requiredEnv(env, ENV.queueArn),
    roleArn: env[ENV.schedulerRoleArn],
    deadLetterArn: requiredEnv(env, ENV.scheduleDlqArn),
    records,
    onRecordsError: (action, error) =>
      logger.warn(`schedule records: could not ${action}`, { error: error as Error }),
  }).scheduler;
}

/** What API Gateway checked before the handler (SYNCRON_API_AUTH, set by infra). */
function gatewayAuthFromEnv(env: Env): ApiAuthKind {
  const name = requiredEnv(env, ENV.apiAuth);
  const kind = API_AUTH_KINDS.find((known) => known === name);
  if (!kind)
    throw new Error(`${ENV.apiAuth} must be ${API_AUTH_KINDS.join(", ")}, got ${JSON.stringify(name)}`);
  return kind;
}

/** Everything the API needs, from the environment. AWS clients take region and endpoints from it too. */
export function apiDepsFromEnv(env: Env, logger: Logger): ApiDeps {
  const store = createStore({ client: createDocumentClient({}), tableName: requiredEnv(env, ENV.table) });
  const secrets = createSsmSecretStore({
    client: new SSMClient({}),
    path: requiredEnv(env, ENV.drivesParameterPath),
  });
  const dlqUrl = env[ENV.dlqUrl];
  return {
    drives: {
      records: store.drives,
      secrets,
      // Checks and listings obey the local roots as runs do.
      open: confineLocal((location, name: string) => driveFor(location, name, env), lambdaLocalRoots(env)),
    },
    configs: store.configs,
    runs: store.runs,
    leases: store.leases,
    scheduler: schedulerFromEnv(env, store.scheduleRecords, logger),
    queue: createSqsProducer({
      client: new SQSClient({}),
      queueUrl: requiredEnv(env, ENV.queueUrl),
      ...(dlqUrl ? { dlqUrl } : {}),
    }),
    clock: () => new Date(),
    newId: () => newId(),
    log: (level, message, data) => logger[level](message, data ?? {}),
    apiToken: env[ENV.apiToken] || undefined,
    localRoots: lambdaLocalRoots(env),
    defaultTimezone: defaultTimezoneFrom(env),
    gatewayAuth: gatewayAuthFromEnv(env),
    reports: reportsBucketReader(requiredEnv(env, ENV.reportsBucket)),
  };
}

const logger = new Logger({ serviceName: "syncron-api" });
let api: ApiHandler | undefined;

export const handler = async (
  event: APIGatewayProxyEventV2,
  context: Context,
): Promise<APIGatewayProxyStructuredResultV2> => {
  logger.appendKeys({ request_id: event.requestContext?.requestId ?? randomUUID() });
  if (!api) {
    // Built on the first request, not at import: a missing setting is then a logged 500 in the API's error shape.
    try {
      api = createApiHandler(apiDepsFromEnv(process.env, logger));
    } catch (error) {
      logger.error("API not configured", { error: error as Error });
      return errorResponse(
        new ApiError(
          500,
          "NOT_CONFIGURED",
          "the API is not configured; the server log names the missing setting",
        ),
      );
    }
  }
  return api(event, context);
};
