/**
 * `sst dev` stages only: the queue's stand-in consumer. Under `sst dev` the worker Lambda is SST's
 * bridge, which forwards each invocation to the handler on the developer's machine; when no `sst dev`
 * is attached the bridge waits 16 s and answers *success* with `{"statusCode":"500","body":"sst dev is
 * not running …"}`, and SQS deletes the batch: fires vanish, manual runs stay PENDING. This relay is
 * what the dev stage's queue invokes instead: it invokes the (bridged) worker and fails the batch when
 * the worker errs or the bridge says nobody is attached, so the messages stay in the queue and are
 * received again once `sst dev` runs (until `maxReceiveCount` receives, then the dead-letter queue).
 * On a message's last delivery the relay ends its run FAILURE, DEAD_LETTERED (`markDeadLettered`, as
 * the worker does), so a manual run is not left PENDING forever when nobody attached in time.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { ENV, requiredEnv } from "../lib/env.ts";
import { type DeadLetterDeps, markDeadLettered } from "../lib/jobs/dead-lettered.ts";
import { InvalidMessageError } from "../lib/queue/errors.ts";
import { parseMessage } from "../lib/queue/message.ts";
import { MAX_RECEIVE_COUNT } from "../lib/queue/redrive.ts";
import { createDocumentClient, createStore } from "../lib/store/store.ts";

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

/**
 * Invokes the worker named by SYNCRON_DEV_WORKER with the event, synchronously, and relays its answer.
 * When the batch fails here (nobody attached, the worker failed, the invoke itself failed), each
 * record on its last delivery has its run ended (DEAD_LETTERED) before the batch fails (`deps`: where).
 */
export function createRelay(client: LambdaClient, workerName: string, deps: DeadLetterDeps) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    try {
      return relayReply(
        await client.send(
          new InvokeCommand({
            FunctionName: workerName,
            InvocationType: "RequestResponse",
            Payload: new TextEncoder().encode(JSON.stringify(event)),
          }),
        ),
      );
    } catch (error) {
      for (const record of event.Records) {
        const receives = Number(record.attributes?.ApproximateReceiveCount);
        if (!(receives >= MAX_RECEIVE_COUNT)) continue;
        let message: ReturnType<typeof parseMessage>;
        try {
          message = parseMessage(record.body);
        } catch (invalid) {
          if (invalid instanceof InvalidMessageError) continue; // no run to end; the worker drops it too
          throw invalid;
        }
        await markDeadLettered(message, receives, error, deps);
      }
      throw error;
    }
  };
}

let relay: ((event: SQSEvent) => Promise<SQSBatchResponse>) | undefined;

export const handler = (event: SQSEvent): Promise<SQSBatchResponse> => {
  if (!relay) {
    const logger = new Logger({ serviceName: "syncron-dev-relay" });
    const store = createStore({
      client: createDocumentClient({}),
      tableName: requiredEnv(process.env, ENV.table),
    });
    relay = createRelay(new LambdaClient({}), requiredEnv(process.env, ENV.devWorker), {
      runs: store.runs,
      configs: store.configs,
      clock: () => new Date(),
      log: (level, message, data) => logger[level](message, data ?? {}),
    });
  }
  return relay(event);
};
