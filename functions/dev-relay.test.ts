import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import type { SQSEvent } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { createRelay, DevWorkerUnavailableError } from "./dev-relay.ts";

const lambda = mockClient(LambdaClient);
afterEach(() => lambda.reset());

const EVENT = {
  Records: [{ messageId: "m1", body: '{"type":"sync.run"}', receiptHandle: "r1" }],
} as unknown as SQSEvent;
const payload = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
/** What SST's bridge posts as the worker's *successful* reply after 16 s with no `sst dev` attached. */
const BRIDGE_NOT_RUNNING = { statusCode: "500", body: "sst dev is not running (worker: 0123456789abcdef)" };

describe("the sst dev relay (the dev stage's stand-in consumer)", () => {
  // These deliveries are not the last (no receive count): the relay must not touch any run.
  const untouched = () => Promise.reject(new Error("the relay wrote to the store"));
  const relay = () =>
    createRelay(new LambdaClient({ region: "eu-west-1" }), "syncron-alice-WorkerFunction", {
      runs: { update: untouched, createScheduled: untouched },
      configs: { setLastRun: untouched },
      clock: () => new Date(),
    });

  it("invokes the worker synchronously with the SQS event and relays its batch response", async () => {
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      Payload: payload({ batchItemFailures: [{ itemIdentifier: "m1" }] }) as never,
    });
    expect(await relay()(EVENT)).toEqual({ batchItemFailures: [{ itemIdentifier: "m1" }] });
    const [call] = lambda.commandCalls(InvokeCommand).map((c) => c.args[0].input);
    expect(call).toEqual({
      FunctionName: "syncron-alice-WorkerFunction",
      InvocationType: "RequestResponse",
      Payload: payload(EVENT),
    });
  });

  it("fails the batch when no sst dev is attached, so SQS keeps the messages instead of deleting them", async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: payload(BRIDGE_NOT_RUNNING) as never });
    await expect(relay()(EVENT)).rejects.toThrow(DevWorkerUnavailableError);
    await expect(relay()(EVENT)).rejects.toThrow(/no `sst dev` is attached/);
  });

  it("fails the batch when the worker failed", async () => {
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: "Unhandled",
      Payload: payload({ errorMessage: "boom" }) as never,
    });
    await expect(relay()(EVENT)).rejects.toThrow(/the worker failed \(Unhandled\): .*boom/);
  });

  it.each([
    ["an empty reply", undefined],
    ["a reply without batchItemFailures", payload({ statusCode: 200 })],
    ["a reply that is not JSON", new TextEncoder().encode("oops")],
  ])("fails the batch for %s (SQS would take it for success)", async (_, body) => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, ...(body ? { Payload: body as never } : {}) });
    await expect(relay()(EVENT)).rejects.toThrow(DevWorkerUnavailableError);
  });
});
