import { randomUUID } from "node:crypto";
import type { Context } from "aws-lambda";

/**
 * A Lambda-like context for one local invocation: `getRemainingTimeInMillis()` counts down from
 * `timeoutMs`, as in a worker Lambda with that timeout, so the worker checkpoints before it.
 */
export function lambdaContext(options: {
  functionName: string;
  timeoutMs: number;
  now?: () => number;
}): Context {
  const now = options.now ?? Date.now;
  const deadline = now() + options.timeoutMs;
  const requestId = randomUUID();
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: options.functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${options.functionName}`,
    memoryLimitInMB: "1024",
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${options.functionName}`,
    logStreamName: `local/${requestId}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
