/**
 * `sst dev` stages only: the queue's stand-in consumer. Under `sst dev` the worker Lambda is SST's
 * bridge, which forwards each invocation to the handler on the developer's machine; when no `sst dev`
 * is attached the bridge waits 16 s and answers *success* with `{"statusCode":"500","body":"sst dev is
 * not running …"}`, and SQS deletes the batch: fires vanish, manual runs stay PENDING. This relay is
 * what the dev stage's queue invokes instead: it invokes the (bridged) worker and fails the batch when
 * the worker errs or the bridge says nobody is attached, so the messages stay in the queue and are
 * received again once `sst dev` runs (until `maxReceiveCount` receives, then the dead-letter queue).
 */
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { ENV, requiredEnv } from "../lib/env.ts";

/** The batch was not run: no `sst dev` attached, or the worker failed. SQS keeps the messages. */
export class DevWorkerUnavailableError extends Error {
  override name = "DevWorkerUnavailableError";
}

/** The reply of SST's bridge when no `sst dev` answered (platform/functions/bridge/bridge.go). */
const NOT_RUNNING = /^sst dev is not running/;

/**
 * What the relay answers for the worker's invocation result: the worker's own batch response, or
 * throws DevWorkerUnavailableError (the whole batch fails) for a function error, a reply that is not a
 * batch response, or the bridge's "not running" reply.
 */
export function relayReply(result: {
  FunctionError?: string | undefined;
  Payload?: Uint8Array | undefined;
}): SQSBatchResponse {
  const text = result.Payload ? new TextDecoder().decode(result.Payload) : "";
  if (result.FunctionError) {
    throw new DevWorkerUnavailableError(`the worker failed (${result.FunctionError}): ${text.slice(0, 500)}`);
  }
  let reply: unknown;
  try {
    reply = text ? JSON.parse(text) : undefined;
  } catch {
    throw new DevWorkerUnavailableError(
      `the worker answered something that is not JSON: ${text.slice(0, 200)}`,
    );
  }
  if (reply && typeof reply === "object" && "body" in reply && NOT_RUNNING.test(String(reply.body))) {
    throw new DevWorkerUnavailableError(
      "no `sst dev` is attached to this stage: the batch stays in the queue until it is (then the dead-letter queue after 5 receives)",
    );
  }
  if (!reply || typeof reply !== "object" || !Array.isArray((reply as SQSBatchResponse).batchItemFailures)) {
    throw new DevWorkerUnavailableError(`the worker answered no batch response: ${text.slice(0, 200)}`);
  }
  return reply as SQSBatchResponse;
}

/** Invokes the worker named by SYNCRON_DEV_WORKER with the event, synchronously, and relays its answer. */
export function createRelay(client: LambdaClient, workerName: string) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> =>
    relayReply(
      await client.send(
        new InvokeCommand({
          FunctionName: workerName,
          InvocationType: "RequestResponse",
          Payload: new TextEncoder().encode(JSON.stringify(event)),
        }),
      ),
    );
}

let relay: ((event: SQSEvent) => Promise<SQSBatchResponse>) | undefined;

export const handler = (event: SQSEvent): Promise<SQSBatchResponse> => {
  relay ??= createRelay(new LambdaClient({}), requiredEnv(process.env, ENV.devWorker));
  return relay(event);
};
