import { API_ROUTES, routeKey } from "../../lib/api/route-table.ts";
import { apiEnvironment } from "../../lib/env.ts";
import { drivesParameterPath } from "../../lib/secrets/ssm/ssm-secret-store.ts";
import { apiCors } from "../cors.ts";
import { FUNCTION_NODEJS } from "../function-bundle.ts";
import { apiPolicy } from "../policies/api.ts";
import { drivesParametersArn } from "../policies/arns.ts";
import { toFunctionPermissions } from "../policies/document.ts";
import { TABLE_INDEX_NAMES } from "../table.ts";
import { deadLetterQueue, queue } from "./queue.ts";
import { scheduleDeadLetterQueue, scheduleGroup, schedulerRole } from "./scheduler.ts";
import { account, settings } from "./settings.ts";
import { reports, table } from "./storage.ts";
import { webRouter } from "./web-router.ts";

/** One function serves every route (`functions/api.ts` routes inside). */
export const apiFunction = new sst.aws.Function("ApiHandler", {
  handler: "functions/api.handler",
  runtime: "nodejs22.x",
  nodejs: FUNCTION_NODEJS,
  architecture: "arm64",
  // API Gateway gives up after 30 s; long work goes to the queue.
  timeout: "29 seconds",
  memory: "512 MB",
  environment: apiEnvironment({
    table: table.name,
    queueUrl: queue.url,
    queueArn: queue.arn,
    dlqUrl: deadLetterQueue.url,
    scheduleBackend: settings.scheduleBackend,
    scheduleGroup: scheduleGroup.name,
    schedulerRoleArn: schedulerRole.arn,
    scheduleDlqArn: scheduleDeadLetterQueue.arn,
    apiAuth: settings.auth.kind,
    reportsBucket: reports.name,
    ...(settings.apiToken === undefined ? {} : { apiToken: settings.apiToken }),
    ...(settings.defaultTimezone === undefined ? {} : { defaultTimezone: settings.defaultTimezone }),
    drivesParameterPath: drivesParameterPath($app.stage),
  }),
  permissions: $resolve({
    account,
    tableArn: table.arn,
    queueArn: queue.arn,
    dlqArn: deadLetterQueue.arn,
    scheduleGroup: scheduleGroup.name,
    schedulerRoleArn: schedulerRole.arn,
    reportsBucket: reports.name,
  }).apply((v) =>
    toFunctionPermissions(
      apiPolicy({
        ...v,
        backend: settings.scheduleBackend,
        indexNames: TABLE_INDEX_NAMES,
        drivesParametersArn: drivesParametersArn(v.account, $app.stage),
        s3Buckets: settings.s3Buckets,
      }),
    ),
  ),
});

/** The dashboard (another origin: the stage's site) may call it; no other web page may. */
export const api = new sst.aws.ApiGatewayV2("Api", { cors: apiCors(webRouter.url) });

const authorizer =
  settings.auth.kind === "jwt"
    ? api.addAuthorizer({
        name: "Jwt",
        jwt: { issuer: settings.auth.issuer, audiences: settings.auth.audiences },
      })
    : undefined;

/**
 * IAM (SigV4) on every route by default, a JWT authorizer when configured; open only under
 * `sst dev` (see settings), never in a deployed stage.
 */
const auth =
  settings.auth.kind === "none" ? false : authorizer ? { jwt: { authorizer: authorizer.id } } : { iam: true };

for (const route of API_ROUTES) {
  api.route(routeKey(route), apiFunction.arn, { auth });
}
